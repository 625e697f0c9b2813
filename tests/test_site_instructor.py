"""The real course site in its two builds: learners (`make html`) and instructors
(`make html-instructor`, `-t instructor`)."""

from __future__ import annotations

import html

import pytest
from helpers import build_site


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
            found += [p.get_text() for p in note.find_all("p") if "admonition-title" not in
                      p.get("class", [])]  # fmt: skip
    return found


def test_instructor_site_builds_without_warnings(instructor_site):
    assert instructor_site.warnings == []
    assert instructor_site.returncode == 0


def test_learner_site_has_no_word_of_the_notes(site, instructor_site):
    paragraphs = note_paragraphs(instructor_site)
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
