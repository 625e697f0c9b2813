"""Summary pages (key points, objectives and questions, exercise list) through real builds.

Besides what the pages show, these tests check that incremental builds (a page edited, added,
renamed, deleted, the toctree reordered) and parallel builds write exactly the files a clean
build writes, by comparing the output trees file by file.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import build_cleanly, build_once, copy_root, make_test_app, read_html, warnings_of

SUMMARY_PAGES = ["summaries/keypoints", "summaries/objectives", "summaries/exercises"]
LESSONS_IN_TOCTREE_ORDER = ["Zeta lesson", "Alpha lesson", "MyST lesson", "Escaping <b>lesson</b>"]


@pytest.fixture(scope="module")
def summaries_app(rootdir, tmp_path_factory):
    """One clean HTML build of tests/roots/test-summaries, shared by the tests that read it."""
    return build_once(
        "html", copy_root(rootdir, "summaries", tmp_path_factory.mktemp("sum")), cleanly=True
    )


def summary_of(app, docname):
    return read_html(app, docname).find(class_="lesson-summary")


def page_headings(summary) -> list[str]:
    return [h.get_text(strip=True) for h in summary.find_all(class_="lesson-summary-page")]


def test_keypoints_summary_groups_every_keypoints_box_by_page_in_toctree_order(summaries_app):
    summary = summary_of(summaries_app, "summaries/keypoints")
    assert page_headings(summary) == LESSONS_IN_TOCTREE_ORDER
    text = summary.get_text()
    for keypoint in ["Zeta keypoint one", "Zeta keypoint two", "Alpha keypoint.", "MyST keypoint."]:
        assert keypoint in text
    assert text.index("Zeta keypoint two") < text.index("Alpha keypoint.")
    # A custom box title is kept; the heading is one level below the page title.
    titles = [p.get_text(strip=True) for p in summary.select(".lesson-summary-entry-title")]
    assert titles[:3] == ["Keypoints", "Alpha's own key points", "Keypoints"]
    assert {h.name for h in summary.find_all(class_="lesson-summary-page")} == {"h2"}


def test_a_summary_takes_a_class_and_a_name_to_link_to(summaries_app):
    summary = summary_of(summaries_app, "summaries/keypoints")
    assert "course-keypoints" in summary["class"]
    assert summary["id"] == "all-key-points"
    page = read_html(summaries_app, "summaries/schedule-and-guide")
    link = page.select_one('a[href="keypoints.html#all-key-points"]')
    assert link is not None and link.get_text() == "the key points"


def test_objectives_summary_lists_questions_and_objectives_per_page(summaries_app):
    summary = summary_of(summaries_app, "summaries/objectives")
    # The escaping page has neither, so it has no heading here.
    assert page_headings(summary) == LESSONS_IN_TOCTREE_ORDER[:3]
    entries = summary.find_all(class_="lesson-summary-entry")
    kinds = [next(c for c in e["class"] if c.startswith("lesson-summary-entry-")) for e in entries]
    assert kinds == [
        "lesson-summary-entry-questions",
        "lesson-summary-entry-objectives",
        "lesson-summary-entry-objectives",
        "lesson-summary-entry-questions",
    ]
    assert "Why does zeta come first?" in entries[0].get_text()
    assert "A MyST question?" in entries[3].get_text()


def test_exercise_list_shows_every_exercise_whole_with_its_solutions(summaries_app):
    summary = summary_of(summaries_app, "summaries/exercises")
    boxes = summary.select(".lesson-summary-entry > .lesson-box")
    titles = [box.find(class_="admonition-title").get_text(" ", strip=True) for box in boxes]
    expected = [
        "Make a venv",
        "Exercise",
        "Alpha exercise",
        "Read the alpha section again",
        "MyST exercise",
        '"><img src=x onerror=alert(1)>',
    ]
    assert titles == expected
    # Before each box, a link back to it (an addition to sphinx-lesson's list).
    links = [p.get_text(" ", strip=True) for p in summary.select(".lesson-summary-entry-title")]
    assert links == [f"\u21a9 In the lesson: {title}" for title in expected]
    # A link in a title becomes text: the whole title is the one link to the box.
    for title in summary.select(".lesson-summary-entry-title"):
        assert len(title.find_all("a")) == 1
    # Each box's heading is one level below its page's heading.
    assert {box.find(class_="admonition-title")["aria-level"] for box in boxes} == {"3"}
    # Each box with its own classes, and its solutions collapsed inside it, as on its page.
    assert all({"exercise", "important"} <= set(box["class"]) for box in boxes)
    solutions = summary.select(".lesson-box.exercise details.solution")
    assert len(solutions) == 6
    assert not any(solution.has_attr("open") for solution in solutions)
    text = summary.get_text()
    for solution in ["ZETA-SOLUTION-TEXT", "ZETA-SECOND-SOLUTION", "MYST-SOLUTION"]:
        assert solution in text


@pytest.mark.parametrize("docname", SUMMARY_PAGES)
def test_every_entry_links_back_to_its_box(summaries_app, docname):
    summary = summary_of(summaries_app, docname)
    links = [p.find("a") for p in summary.select(".lesson-summary-entry-title")]
    assert links
    for anchor in links:
        href = anchor["href"]
        assert href.startswith("../lessons/"), href
        page, _, box_id = href.removeprefix("../").partition("#")
        target = read_html(summaries_app, page.removesuffix(".html")).find(id=box_id)
        assert target is not None, href
        assert "admonition" in target["class"]
    for heading in summary.find_all(class_="lesson-summary-page"):
        assert heading.a["href"].startswith("../lessons/")


@pytest.mark.parametrize("docname", SUMMARY_PAGES)
def test_summary_pages_have_no_duplicate_ids(summaries_app, docname):
    ids = [element["id"] for element in read_html(summaries_app, docname).find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_references_in_copied_boxes_resolve_from_the_summary_page(summaries_app):
    keypoints = summary_of(summaries_app, "summaries/keypoints")
    assert keypoints.find("a", href="../lessons/alpha.html#alpha-section") is not None
    # A :doc: target relative to the box's own page still finds its page.
    exercises = summary_of(summaries_app, "summaries/exercises")
    assert exercises.find("a", href="../lessons/alpha.html").get_text() == "Alpha lesson"


def test_html_in_titles_and_content_stays_text(summaries_app):
    for docname in SUMMARY_PAGES:
        page = read_html(summaries_app, docname)
        assert page.find("img", src="x") is None
        for script in page.find_all("script"):
            assert "alert" not in script.get_text()
    keypoints = summary_of(summaries_app, "summaries/keypoints")
    assert keypoints.find(string=lambda s: '<script>alert("keypoints")</script>' in s)
    assert "Escaping <b>lesson</b>" in page_headings(keypoints)
    assert keypoints.find("b") is None


def test_a_summary_used_twice_on_a_page_is_reported_at_its_line(make_app, rootdir, tmp_path):
    app = make_app("html", srcdir=copy_root(rootdir, "summaries-twice", tmp_path))
    app.build()
    warnings = warnings_of(app)
    assert len(warnings) == 2, warnings
    rst, myst = sorted(warnings)
    assert "index.rst:15:" in rst
    assert "'keypoints-summary' directive is already used on this page" in rst
    assert rst.endswith("[lesson.summary-twice]")
    assert "myst-twice.md:8:" in myst and "'exerciselist'" in myst
    assert myst.endswith("[lesson.summary-twice]")
    # The first one of each is filled, once.
    index = read_html(app, "index")
    assert len(index.find_all(class_="lesson-summary-keypoints")) == 1
    assert len(index.find_all(class_="lesson-summary-exercises")) == 1
    assert index.get_text().count("THE-ONLY-KEYPOINT") == 1
    assert len(read_html(app, "myst-twice").find_all(class_="lesson-summary")) == 1


@pytest.mark.parametrize(("builder", "output"), [("latex", "summaries.tex"), ("text", None)])
def test_other_formats_get_the_summaries(make_app, rootdir, tmp_path, builder, output):
    app = make_app(builder, srcdir=copy_root(rootdir, "summaries", tmp_path))
    build_cleanly(app)
    path = app.outdir / (output or "summaries/keypoints.txt")
    text = path.read_text("utf-8")
    assert "Zeta keypoint two" in text
    if builder == "latex":
        # Entries link to their boxes inside the one LaTeX document.
        assert r"\hyperref[\detokenize{lessons/zeta:keypoints-0}]" in text


def test_singlehtml_links_point_at_anchors_of_the_one_page(make_app, rootdir, tmp_path):
    app = make_app("singlehtml", srcdir=copy_root(rootdir, "summaries", tmp_path))
    build_cleanly(app)
    page = read_html(app, "index")
    ids = {element["id"] for element in page.find_all(id=True)}
    links = page.select(".lesson-summary-entry-title a, .lesson-summary-page a")
    assert links
    for anchor in links:
        href = anchor["href"]
        assert href.count("#") == 1 and href.removeprefix("#") in ids, href


# --- Same output whatever the build path -----------------------------------------------------


def build(srcdir: Path, builddir: Path, parallel: int = 0) -> Path:
    """Build ``srcdir`` into ``builddir`` (reusing the environment there) and return outdir."""
    app = make_test_app("html", srcdir, builddir=builddir, parallel=parallel)
    try:
        build_cleanly(app)
    finally:
        app.cleanup()
    return Path(app.outdir)


#: The pages holding generated parts: the summaries, the exercise list, the schedule and the
#: instructor guide. An incremental build must write them exactly as a clean build does.
GENERATED_PAGES = [
    "summaries/keypoints.html",
    "summaries/objectives.html",
    "summaries/exercises.html",
    "summaries/some-pages.html",
    "summaries/schedule-and-guide.html",
]


def output_files(outdir: Path) -> dict[str, bytes]:
    """The pages holding generated parts, as written."""
    return {name: (outdir / name).read_bytes() for name in GENERATED_PAGES}


def assert_same_output(actual: Path, expected: Path) -> None:
    actual_files, expected_files = output_files(actual), output_files(expected)
    different = [name for name in expected_files if actual_files[name] != expected_files[name]]
    assert different == []


def touch_later(path: Path) -> None:
    """Make sure Sphinx sees the file as changed even within one clock tick."""
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def edit_keypoint(src: Path) -> None:
    page = src / "lessons" / "alpha.rst"
    page.write_text(page.read_text().replace("Alpha keypoint.", "Alpha keypoint EDITED."))
    touch_later(page)


def add_page(src: Path) -> None:
    (src / "lessons" / "added.rst").write_text(
        "Added lesson\n============\n\n.. keypoints::\n\n   ADDED-KEYPOINT.\n\n"
        ".. exercise:: Added exercise\n\n   Added.\n"
    )
    index = src / "index.rst"
    text = index.read_text()
    index.write_text(text.replace("   lessons/alpha\n", "   lessons/alpha\n   lessons/added\n"))
    touch_later(index)


def rename_page(src: Path) -> None:
    shutil.move(src / "lessons" / "myst-lesson.md", src / "lessons" / "renamed.md")
    index = src / "index.rst"
    index.write_text(index.read_text().replace("lessons/myst-lesson", "lessons/renamed"))
    touch_later(index)


def delete_page(src: Path) -> None:
    (src / "lessons" / "escaping.rst").unlink()
    index = src / "index.rst"
    index.write_text(index.read_text().replace("   lessons/escaping\n", ""))
    touch_later(index)


def reorder_toctree(src: Path) -> None:
    index = src / "index.rst"
    text = index.read_text()
    zeta_first = "   lessons/zeta\n   lessons/alpha\n"
    index.write_text(text.replace(zeta_first, "   lessons/alpha\n   lessons/zeta\n"))
    touch_later(index)


def retitle_page(src: Path) -> None:
    page = src / "lessons" / "alpha.rst"
    text = page.read_text()
    page.write_text(text.replace("Alpha lesson\n============", "Alpha retitled\n=============="))
    touch_later(page)


def remove_boxes(src: Path) -> None:
    """Alpha loses every box (and its note): no summary may keep showing them."""
    page = src / "lessons" / "alpha.rst"
    heading = page.read_text().split(".. objectives::")[0]
    # The section others link to stays; only the boxes go.
    page.write_text(heading + ".. _alpha-section:\n\nAlpha section\n-------------\n\nProse.\n")
    touch_later(page)


def drop_timing(src: Path) -> None:
    """Zeta no longer declares its minutes: it leaves the schedule and the guide."""
    page = src / "lessons" / "zeta.rst"
    page.write_text(page.read_text().replace(":teaching: 20\n:exercises: 15\n", ""))
    touch_later(page)


def edit_note(src: Path) -> None:
    page = src / "lessons" / "alpha.rst"
    page.write_text(page.read_text().replace("ALPHA-NOTE:", "ALPHA-NOTE EDITED:"))
    touch_later(page)


def retitle_box(src: Path) -> None:
    """Alpha links to this exercise with :ref:, so its link text must follow."""
    page = src / "lessons" / "zeta.rst"
    page.write_text(page.read_text().replace("Make a ``venv``", "Create a ``venv``"))
    touch_later(page)


CHANGES = [
    edit_keypoint,
    remove_boxes,
    drop_timing,
    edit_note,
    add_page,
    rename_page,
    delete_page,
    reorder_toctree,
    retitle_page,
    retitle_box,
]


@pytest.mark.parametrize("parallel", [0, 2], ids=["serial", "parallel"])
@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_incremental_build_writes_what_a_clean_build_writes(rootdir, tmp_path, change, parallel):
    """The summaries, exercise list, schedule and guide after each change are those of a
    clean build.

    Checked by breaking the purge on purpose (``LessonDomain.clear_doc`` made a no-op):
    ``remove_boxes`` (the boxes stay in the summaries and the note in the guide) and
    ``drop_timing`` (the lesson stays in the schedule) then fail. Breaking the rewriting
    (``pages_to_rewrite`` returning nothing) fails ``edit_keypoint`` and ``edit_note``.
    """
    src = copy_root(rootdir, "summaries", tmp_path)
    build(src, tmp_path / "incremental", parallel)
    change(src)
    incremental = build(src, tmp_path / "incremental", parallel)
    clean = build(src, tmp_path / "clean")
    assert_same_output(incremental, clean)


def test_incremental_build_shows_the_change_on_the_summary_page(rootdir, tmp_path):
    src = copy_root(rootdir, "summaries", tmp_path)
    outdir = build(src, tmp_path / "build")
    edit_keypoint(src)
    add_page(src)
    build(src, tmp_path / "build")
    text = (outdir / "summaries" / "keypoints.html").read_text("utf-8")
    assert "Alpha keypoint EDITED." in text and "ADDED-KEYPOINT." in text
    assert "Added exercise" in (outdir / "summaries" / "exercises.html").read_text("utf-8")


def test_only_the_summaries_an_edit_changes_are_written_again(rootdir, tmp_path):
    src = copy_root(rootdir, "summaries", tmp_path)
    outdir = build(src, tmp_path / "build")
    pages = ["keypoints", "exercises", "objectives"]

    def written() -> dict[str, int]:
        return {page: (outdir / "summaries" / f"{page}.html").stat().st_mtime_ns for page in pages}

    before = written()
    edit_keypoint(src)
    build(src, tmp_path / "build")
    after = written()
    # The key points changed; the exercises and objectives of the edited page did not.
    assert after["keypoints"] != before["keypoints"]
    assert after["exercises"] == before["exercises"]
    assert after["objectives"] == before["objectives"]

    page = src / "lessons" / "alpha.rst"
    page.write_text(page.read_text().replace(":: Alpha exercise", ":: Alpha exercise, edited"))
    touch_later(page)
    build(src, tmp_path / "build")
    assert written()["exercises"] != after["exercises"]
    assert "Alpha exercise, edited" in (outdir / "summaries" / "exercises.html").read_text()


def test_search_finds_a_box_on_its_page_not_on_the_summary(rootdir, tmp_path):
    outdir = build(copy_root(rootdir, "summaries", tmp_path), tmp_path / "build")
    text = (outdir / "searchindex.js").read_text("utf-8")
    index = json.loads(text.removeprefix("Search.setIndex(").removesuffix(")"))
    docnames = index["docnames"]
    # "keypoint" is a word of the key points only, which the key-points summary repeats.
    pages = index["terms"]["keypoint"]
    pages = {docnames[page] for page in ([pages] if isinstance(pages, int) else pages)}
    assert {"lessons/alpha", "lessons/zeta", "lessons/myst-lesson"} <= pages
    assert not {page for page in pages if page.startswith("summaries/")}
    # The summary page itself is still found by its title.
    assert "summaries/keypoints" in docnames


def test_parallel_build_writes_what_a_serial_build_writes(rootdir, tmp_path):
    src = copy_root(rootdir, "summaries", tmp_path)
    serial = build(src, tmp_path / "serial", parallel=1)
    parallel = build(src, tmp_path / "parallel", parallel=2)
    assert_same_output(parallel, serial)
    text = (parallel / "summaries" / "keypoints.html").read_text("utf-8")
    for keypoint in ["Zeta keypoint two", "Alpha keypoint.", "MyST keypoint."]:
        assert keypoint in text


# --- The course site --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("docname", "box_classes"),
    [
        ("summaries/keypoints", ["keypoints"]),
        ("summaries/objectives", ["questions", "objectives"]),
        ("summaries/exercises", ["exercise"]),
    ],
)
def test_course_summary_pages_list_every_box_of_the_course(site, docname, box_classes):
    summary = site.html(docname).find(class_="lesson-summary")
    assert summary is not None
    linked = {a["href"] for a in summary.select(".lesson-summary-entry-title a")}
    # Every box of that kind on every other page is linked from the summary.
    expected = set()
    for path in sorted(site.outdir.rglob("*.html")):
        page = path.relative_to(site.outdir).as_posix()
        # The course's summaries list the lesson folders only.
        if not page.startswith(("lessons/", "uppmax/", "hpc2n/")):
            continue
        soup = site.html(page.removesuffix(".html"))
        for box in soup.select(", ".join(f".admonition.{name}" for name in box_classes)):
            if box.get("id"):
                expected.add(f"../{page}#{box['id']}")
    assert linked == expected


def test_folders_option_limits_a_summary_to_some_pages(summaries_app):
    summary = summary_of(summaries_app, "summaries/some-pages")
    assert page_headings(summary) == ["Alpha lesson", "MyST lesson"]


def test_an_argument_or_unknown_option_is_reported_at_its_line(make_app, rootdir, tmp_path):
    src = copy_root(rootdir, "summaries-twice", tmp_path)
    (src / "lesson.rst").write_text(
        (src / "lesson.rst").read_text()
        + "\n.. objectives-summary:: an argument\n\n.. exercise-list::\n   :bogus: 1\n"
    )
    (src / "myst-twice.md").write_text(
        "# MyST twice\n\n```{objectives-summary} an argument\n```\n\n"
        "```{keypoints-summary}\n:bogus: 1\n```\n"
    )
    app = make_app("html", srcdir=src)
    app.build()
    warnings = [w for w in warnings_of(app) if "summary-twice" not in w]
    text = "\n".join(warnings)
    assert "Traceback" not in text
    assert (
        "lesson.rst:12: WARNING: the 'objectives-summary' directive takes no argument, so "
        "'an argument' after its name is ignored." in text
    )
    assert 'lesson.rst:14: ERROR: Error in "exercise-list" directive' in text
    assert 'unknown option: "bogus"' in text
    assert "myst-twice.md:3: WARNING: the 'objectives-summary' directive takes no argument" in text
    assert text.count("[lesson.summary-argument]") == 2
    assert "myst-twice.md:7: WARNING: 'keypoints-summary': Unknown option key: 'bogus'" in text
    # The rest of the site is still built.
    assert "THE-ONLY-KEYPOINT" in read_html(app, "index").get_text()


def test_copied_boxes_keep_their_instructor_notes_as_on_their_page(summaries_app):
    # The instructor view shows a note inside a box on the page, so on the copy too; the
    # learner view removes notes while reading, so from both (tests/test_instructor.py).
    assert "INSTRUCTOR-NOTE" in read_html(summaries_app, "lessons/zeta").get_text()
    keypoints = summary_of(summaries_app, "summaries/keypoints")
    assert "ZETA-KEYPOINTS-INSTRUCTOR-NOTE" in keypoints.get_text()
    exercises = summary_of(summaries_app, "summaries/exercises")
    note = exercises.find(class_="instructor-note")
    assert "ZETA-EXERCISE-INSTRUCTOR-NOTE" in note.get_text()
    assert "A second exercise with the default title." in exercises.get_text()
