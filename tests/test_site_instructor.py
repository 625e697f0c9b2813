"""The real course site in its two builds: learners (`make html`) and instructors
(`make html-instructor`, `-t instructor`)."""

from __future__ import annotations

import html

import pytest

from helpers import REPO_ROOT, build_site

REPO_DOCS = REPO_ROOT / "docs"


@pytest.fixture(scope="module")
def instructor_site(tmp_path_factory):
    """One clean build of the site as `make html-instructor` runs it."""
    return build_site("html", tmp_path_factory.mktemp("instructor-site"), "-t", "instructor")


def note_paragraphs(site) -> list[str]:
    """The text of every paragraph of every instructor note in the instructor build's lessons."""
    found = []
    for path in sorted(site.outdir.rglob("*.html")):
        if path.name == "instructor-guide.html":
            continue
        soup = site.html(str(path.relative_to(site.outdir).with_suffix("")))
        for note in soup.find_all(class_="instructor-note"):
            if note.find_parent(class_="lesson-example-result"):
                continue  # an example of the directive in the extension's reference
            found += [p.get_text() for p in note.find_all("p") if "admonition-title" not in
                      p.get("class", [])]  # fmt: skip
    return found


def test_instructor_site_builds_without_warnings(instructor_site):
    assert instructor_site.warnings == []
    assert instructor_site.returncode == 0


def test_learner_site_has_no_word_of_the_notes(site, instructor_site):
    paragraphs = note_paragraphs(instructor_site)
    # The course has instructor notes in each lesson; without them this test proves nothing.
    assert len(paragraphs) >= 3
    files = [path for path in site.outdir.rglob("*") if path.is_file()]
    for path in files:
        content = path.read_text("utf-8", errors="replace")
        for text in paragraphs:
            for form in {text, html.escape(text, quote=False), html.escape(text)}:
                assert form not in content, f"instructor note text in {path}: {text!r}"


def test_guide_collects_every_note_of_the_site(instructor_site):
    guide = instructor_site.html("instructor-guide").find(class_="lesson-instructor-guide")
    assert guide is not None
    guide_text = guide.get_text()
    for text in note_paragraphs(instructor_site):
        assert text in guide_text


def test_guide_is_in_the_instructor_navigation_only(site, instructor_site):
    def links_to_guide(build):
        nav = build.html("index").find(class_="wy-menu-vertical")
        return nav is not None and nav.find("a", href="instructor-guide.html") is not None

    assert links_to_guide(instructor_site)
    assert not links_to_guide(site)


def test_landing_page_schedule_follows_the_lessons(site):
    """The schedule on the landing page is generated from the lessons' timings and conf.py."""
    from sphinx_teaching.timing import parse_minutes

    table = site.html("index").find("table", class_="lesson-schedule")
    assert table is not None, "no schedule on the landing page"
    rows = table.find("tbody").find_all("tr")
    lessons = [row for row in rows if "lesson-schedule-lesson" in row["class"]]
    links = [row.find("a")["href"] for row in lessons]
    assert links == [
        "lessons/isolated-environments.html",
        "uppmax/isolated-uppmax.html",
        "hpc2n/isolated-hpc2n.html",
    ]
    # The centre sessions run at the same time, after the general lesson and the break.
    times = [row.find("td").get_text(strip=True) for row in rows]
    parallel = [row for row in lessons if "lesson-schedule-parallel" in row["class"]]
    assert len(parallel) == 2
    assert times[0].startswith("09:00")
    assert "lesson-schedule-break" in rows[1]["class"]
    assert times[2][:5] == times[3][:5] == times[1][-5:]
    # Each row's minutes are the ones its page declares.
    pages = ["lessons/isolated-environments.rst", "uppmax/isolated-uppmax.rst",
             "hpc2n/isolated-hpc2n.md"]  # fmt: skip
    for row, page in zip(lessons, pages, strict=False):
        cells = [cell.get_text(strip=True) for cell in row.find_all("td")]
        text = (REPO_DOCS / page).read_text("utf-8")
        for field, cell in zip(("teaching", "exercises"), cells[2:], strict=False):
            line = next(line for line in text.splitlines() if line.lstrip(":").startswith(field))
            assert parse_minutes(field, line.split(":")[-1], 480) == int(cell), (page, field)


def test_instructor_guide_has_every_lesson_timing(instructor_site):
    guide = instructor_site.html("instructor-guide").find(class_="lesson-instructor-guide")
    titles = [h.get_text(strip=True).rstrip("\u00b6") for h in guide.find_all("h2")]
    assert len(titles) == 3
    for section in guide.find_all("section", class_="lesson-guide-lesson"):
        assert "min in all" in section.find("p").get_text()
