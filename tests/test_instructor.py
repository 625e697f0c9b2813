"""The instructor view: learner and instructor builds of tests/roots/test-schedule.

Its lessons hold instructor notes (reST and MyST, one with HTML in its title and body, one
named, one with a :doc: link) and its toctree lists the instructor-guide page.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import build_cleanly, build_once, copy_root, make_test_app, read_html, warnings_of
from sphinx_teaching.domain import boxes_in, lesson_domain

#: A phrase from each note of the test root, as it appears in the sources.
NOTE_PHRASES = {
    "lessons/intro": "tailor the pace to the answers",
    "lessons/setup": "the module load step is where most get stuck",
    "lessons/escaping": "Escaped body with",
    "lessons/conda": "slow before lunch",
    "lessons/reference": "Point learners at this page",
}
#: Words of the notes' titles or bodies that appear nowhere else in the site.
NOTE_WORDS = [
    "onerror",
    "alert(\u201cnote\u201d)",
    'alert("note")',
    "conda-note",
    *NOTE_PHRASES.values(),
]


def instructor_notes(env) -> dict[str, list]:
    """The instructor notes kept for the guide, by page."""
    boxes = lesson_domain(env).entries("boxes")
    notes = {doc: [box for box in boxes_in(kept) if box.get("kind") == "instructor-note"]
             for doc, kept in boxes.items()}  # fmt: skip
    return {doc: found for doc, found in notes.items() if found}


@pytest.fixture(scope="module")
def learner(rootdir, tmp_path_factory):
    return build_once(
        "html", copy_root(rootdir, "schedule", tmp_path_factory.mktemp("learner")), cleanly=True
    )


@pytest.fixture(scope="module")
def instructor(rootdir, tmp_path_factory):
    srcdir = copy_root(rootdir, "schedule", tmp_path_factory.mktemp("instructor"))
    return build_once("html", srcdir, tags=["instructor"], cleanly=True)


# --- The learner build ------------------------------------------------------------------------


def every_output_file(app) -> list[Path]:
    """Every file the build wrote: HTML, search index, sources, doctrees, inventories."""
    roots = [Path(app.outdir), Path(app.doctreedir)]
    return [path for root in roots for path in root.rglob("*") if path.is_file()]


def test_learner_output_has_no_word_of_any_note(learner):
    files = every_output_file(learner)
    assert any(path.name == "searchindex.js" for path in files)
    assert any(path.suffix == ".doctree" for path in files)
    for path in files:
        content = path.read_bytes()
        for word in NOTE_WORDS:
            assert word.encode() not in content, f"{word!r} leaked into {path}"
    assert instructor_notes(learner.env) == {}


def test_learner_pages_have_no_note_boxes_and_keep_the_rest(learner):
    for docname in NOTE_PHRASES:
        soup = read_html(learner, docname)
        assert soup.find(class_="instructor-note") is None
        assert soup.find("h1") is not None
    assert "Why isolated environments matter" in read_html(learner, "lessons/intro").get_text()


def test_learner_pages_with_notes_offer_no_source(learner):
    # The copied source would be the raw file, notes included.
    sources = Path(learner.outdir) / "_sources"
    assert not (sources / "lessons" / "intro.rst.txt").exists()
    assert not (sources / "lessons" / "setup.md.txt").exists()
    assert (sources / "lessons" / "wrapup.rst.txt").exists()
    assert "intro.rst.txt" not in (Path(learner.outdir) / "lessons" / "intro.html").read_text()


def test_learner_navigation_leaves_the_guide_out(learner):
    for path in Path(learner.outdir).rglob("*.html"):
        if path.name in ("instructor-guide.html", "genindex.html", "search.html"):
            continue
        assert "instructor-guide.html" not in path.read_text("utf-8"), path
    # Sphinx lists every page's name in the index, but none of the guide's words or title.
    search_index = (Path(learner.outdir) / "searchindex.js").read_text("utf-8")
    assert "Instructor guide" not in search_index
    assert '"instructor":' not in search_index.lower()


def test_learner_guide_page_is_an_empty_pointer(learner):
    text = read_html(learner, "instructor-guide").find(role="main").get_text(" ", strip=True)
    assert "instructor build" in text
    assert "Introduction" not in text


# --- The instructor build ---------------------------------------------------------------------


def test_instructor_pages_show_the_notes(instructor):
    for docname, phrase in NOTE_PHRASES.items():
        notes = read_html(instructor, docname).find_all(class_="instructor-note")
        assert len(notes) == 1, docname
        assert phrase in notes[0].get_text(" ")


def guide_sections(app):
    guide = read_html(app, "instructor-guide").find(class_="lesson-instructor-guide")
    assert guide is not None
    return guide.find_all("section", class_="lesson-guide-lesson")


def test_guide_lists_lessons_in_toctree_order_with_timings(instructor):
    sections = guide_sections(instructor)
    titles = [section.find("h2").get_text(strip=True).rstrip("\u00b6") for section in sections]
    assert titles == [
        "Introduction",
        "Setting up a virtual environment",
        "Titles with <script>alert(\u201ctitle\u201d)</script> stay text",
        "Conda environments",
        "Wrap-up",
        "Reference",
    ]
    timing_lines = [section.find("p").get_text(" ", strip=True) for section in sections]
    assert timing_lines[0].startswith("Teaching 20 min, exercises 10 min; 30 min in all.")
    assert timing_lines[4].startswith("Teaching 5 min; 5 min in all.")
    assert timing_lines[5].startswith("No timing declared.")


def test_guide_copies_every_note_with_a_link_back(instructor):
    outdir = Path(instructor.outdir)
    by_title = {
        section.find("h2").get_text(strip=True).rstrip("\u00b6"): section
        for section in guide_sections(instructor)
    }
    seen = 0
    for section in by_title.values():
        for note in section.find_all(class_="instructor-note"):
            seen += 1
            back = note.find_next_sibling("p", class_="lesson-guide-backlink").find("a")
            page, _, anchor = back["href"].partition("#")
            target = read_html(instructor, page.removesuffix(".html"))
            original = target.find(id=anchor)
            assert original is not None and "instructor-note" in original["class"]
            # The copy says what the original says.
            assert original.get_text(" ", strip=True) in note.get_text(" ", strip=True)
            assert (outdir / page).is_file()
    assert seen == len(NOTE_PHRASES)
    # A :doc: link written in a lesson still points at the right page from the guide.
    conda_note = by_title["Conda environments"].find(class_="instructor-note")
    assert conda_note.find("a")["href"] == "lessons/intro.html"
    # Copies carry ids of their own, not the originals' (they would clash between lessons).
    guide = read_html(instructor, "instructor-guide").find(class_="lesson-instructor-guide")
    ids = [note["id"] for note in guide.find_all(class_="instructor-note")]
    assert len(set(ids)) == len(ids) == len(NOTE_PHRASES)
    assert all(note_id.startswith("lesson-guide-") for note_id in ids)
    for note in guide.find_all(class_="instructor-note"):
        assert guide.find(id=note["aria-labelledby"]).parent is note


def test_guide_and_schedule_show_html_in_titles_as_text(instructor):
    html = (Path(instructor.outdir) / "instructor-guide.html").read_text("utf-8")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "Note &lt;script&gt;alert(\u201cnote\u201d)&lt;/script&gt; title" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Titles with &lt;script&gt;alert(\u201ctitle\u201d)&lt;/script&gt; stay text" in html


def test_instructor_navigation_has_the_guide(instructor):
    index = read_html(instructor, "index")
    assert index.find("a", href="instructor-guide.html") is not None


def test_config_value_overrides_the_tag(rootdir, tmp_path):
    # lesson_instructor_view = True without the tag, as a conf.py may set it.
    app = build_once(
        "html",
        copy_root(rootdir, "schedule", tmp_path),
        confoverrides={"lesson_instructor_view": True},
    )
    assert warnings_of(app) == []
    assert read_html(app, "lessons/intro").find(class_="instructor-note") is not None
    assert len(guide_sections(app)) == 6


def test_bad_instructor_config_warns_and_uses_the_default(rootdir, tmp_path):
    app = build_once(
        "html",
        copy_root(rootdir, "schedule", tmp_path),
        confoverrides={"lesson_instructor_view": "yes"},
    )
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert "lesson_instructor_view must be True, False or None" in warnings[0]
    assert warnings[0].endswith("[lesson.config]")
    # The default, True, as in sphinx-lesson: the notes are shown.
    assert read_html(app, "lessons/intro").find(class_="instructor-note") is not None


# --- Incremental and parallel -----------------------------------------------------------------


def html_files(outdir: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(outdir)): path.read_bytes()
        for path in sorted(Path(outdir).rglob("*.html"))
    }


def test_editing_a_note_updates_the_guide_incrementally(rootdir, tmp_path):
    srcdir = copy_root(rootdir, "schedule", tmp_path / "incremental")
    build_once("html", srcdir, tags=["instructor"])
    intro = srcdir / "lessons" / "intro.rst"
    intro.write_text(
        intro.read_text("utf-8").replace("tailor the pace", "slow down for beginners"), "utf-8"
    )
    stamp = intro.stat().st_mtime + 5
    os.utime(intro, (stamp, stamp))
    second = build_once("html", srcdir, tags=["instructor"])
    assert warnings_of(second) == []
    guide = read_html(second, "instructor-guide").get_text()
    assert "slow down for beginners" in guide
    assert "tailor the pace" not in guide

    clean_src = tmp_path / "clean" / "src"
    shutil.copytree(srcdir, clean_src, ignore=shutil.ignore_patterns("_build"))
    clean = build_once("html", clean_src, tags=["instructor"])
    assert html_files(second.outdir) == html_files(clean.outdir)


@pytest.mark.parametrize("tags", [[], ["instructor"]], ids=["learner", "instructor"])
def test_parallel_build_gives_the_same_html(rootdir, tmp_path, tags):
    serial = build_once(
        "html", copy_root(rootdir, "schedule", tmp_path / "serial"), tags=tags, parallel=1
    )
    parallel = build_once(
        "html", copy_root(rootdir, "schedule", tmp_path / "parallel"), tags=tags, parallel=2
    )
    assert warnings_of(serial) == warnings_of(parallel) == []
    assert html_files(parallel.outdir) == html_files(serial.outdir)
    assert instructor_notes(parallel.env).keys() == instructor_notes(serial.env).keys()


# --- MyST, and another guide page -------------------------------------------------------------


@pytest.mark.parametrize("tags", [[], ["instructor"]], ids=["learner", "instructor"])
def test_guide_in_myst_under_another_name(rootdir, tmp_path, tags):
    app = build_once("html", copy_root(rootdir, "instructor-myst", tmp_path), tags=tags)
    assert warnings_of(app) == []
    guide = read_html(app, "guide").find(role="main").get_text(" ", strip=True)
    index = read_html(app, "index")
    if tags:
        assert "Demonstrate on the login node first." in guide
        assert "Teaching 10 min, exercises 5 min; 15 min in all." in guide
        assert index.find("a", href="guide.html") is not None
    else:
        assert "Demonstrate" not in guide
        assert index.find("a", href="guide.html") is None
        assert "Demonstrate" not in (Path(app.outdir) / "lesson.html").read_text("utf-8")


def test_notes_are_shown_by_default_as_in_sphinx_lesson(rootdir, tmp_path):
    srcdir = copy_root(rootdir, "instructor-myst", tmp_path)
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text().replace("lesson_instructor_view =", "unused ="))
    app = build_once("html", srcdir, cleanly=True)
    assert "Demonstrate on the login node first." in read_html(app, "lesson").get_text()
    assert "Demonstrate on the login node first." in read_html(app, "guide").get_text()


def test_a_removed_note_leaves_the_section_well_formed(rootdir, tmp_path):
    # Its section opens with a note, then a transition ("---"): without the note, docutils
    # would report "Document or section may not begin with a transition".
    app = build_once("html", copy_root(rootdir, "instructor-myst", tmp_path), cleanly=True)
    main = read_html(app, "lesson").find(role="main")
    assert "Leave time" not in main.get_text()
    assert main.find("hr") is not None and "After the break" in main.get_text()


@pytest.mark.parametrize("builder", ["text", "latex", "singlehtml"])
def test_other_builders_write_the_schedule_and_guide(rootdir, tmp_path, builder):
    app = make_test_app(builder, copy_root(rootdir, "schedule", tmp_path), tags=["instructor"])
    try:
        build_cleanly(app)
    finally:
        app.cleanup()
    text = " ".join(
        path.read_text("utf-8") for path in Path(app.outdir).rglob("*") if path.suffix in
        {".txt", ".tex", ".html"}
    ).split()  # fmt: skip
    words = " ".join(text).replace("\\textendash{}", "\u2013")
    assert "09:00\u201309:30" in words
    assert "tailor the pace to the answers" in words
    assert "Back to this note" in words


def test_singlehtml_guide_links_back_to_the_lesson_not_to_a_repeated_id(rootdir, tmp_path):
    """In one file, note ids repeat from lesson to lesson: a back-link goes to the lesson."""
    app = make_test_app("singlehtml", copy_root(rootdir, "schedule", tmp_path), tags=["instructor"])
    try:
        build_cleanly(app)
    finally:
        app.cleanup()
    soup = read_html(app, "index")
    back_links = [a for a in soup.find_all("a") if "Back to this note" in a.get_text()]
    assert back_links
    for link in back_links:
        target = link["href"]
        assert target.startswith("#document-"), target
        assert soup.find(id=target[1:]) is not None, target


def test_a_second_guide_on_a_page_warns_and_is_left_out(rootdir, tmp_path):
    srcdir = copy_root(rootdir, "schedule", tmp_path)
    guide = srcdir / "instructor-guide.rst"
    guide.write_text(guide.read_text("utf-8") + "\n.. instructor-guide::\n", "utf-8")
    app = build_once("html", srcdir, tags=["instructor"])
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"{guide}:6: WARNING: the 'instructor-guide' directive is")
    assert warnings[0].endswith("[lesson.instructor-guide-twice]")
    assert len(guide_sections(app)) == 6
