"""HTML and scripts in a box's title, options and content are shown as text, never run.

One build of tests/roots/test-escaping/: the same attacks in reStructuredText (``rst``) and
MyST Markdown (``myst``), one box per place the boxes emit text (title, ``:class:``,
``:name:``, content), and links that run code (``links``).
"""

from __future__ import annotations

import re

import pytest

from helpers import build_once, copy_root, read_html, warnings_of

#: Markup that would run in a browser if it reached the page as HTML.
_EVENT_ATTRIBUTE = re.compile(r"^on", re.IGNORECASE)
_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")


@pytest.fixture(scope="module")
def escaping_app(rootdir, tmp_path_factory):
    return build_once("html", copy_root(rootdir, "escaping", tmp_path_factory.mktemp("esc")))


def boxes(app, page):
    return read_html(app, page).select(".lesson-box")


def assert_nothing_runs(element):
    """No script element, no event handler, no link or source that runs code."""
    assert element.find("script") is None
    assert element.find("img") is None
    for tag in element.find_all(True):
        for attribute, value in tag.attrs.items():
            assert not _EVENT_ATTRIBUTE.match(attribute), (tag.name, attribute)
            values = value if isinstance(value, list) else [value]
            for one in values:
                assert not re.match(r"\s*(javascript|vbscript|data):", one, re.I), one


def box_titled(app, page, title):
    for box in boxes(app, page):
        if box.find(class_="admonition-title").get_text(strip=True).startswith(title):
            return box
    raise AssertionError(f"no box titled {title!r} on {page}")


@pytest.mark.parametrize("page", ["rst", "myst"])
def test_html_in_a_title_is_text(escaping_app, page):
    box = boxes(escaping_app, page)[0]
    assert_nothing_runs(box)
    title = box.find(class_="admonition-title").get_text()
    assert "<script>alert(1)</script>" in title
    # The class made from the title, and the heading's id, are identifiers only.
    assert all(_SAFE_TOKEN.match(name) for name in box["class"])
    assert _SAFE_TOKEN.match(box["aria-labelledby"])


@pytest.mark.parametrize("page", ["rst", "myst"])
def test_html_in_the_class_option_becomes_identifiers(escaping_app, page):
    box = box_titled(escaping_app, page, "In the class")
    assert_nothing_runs(box)
    assert all(_SAFE_TOKEN.match(name) for name in box["class"]), box["class"]
    assert "onerror-alert-3" in box["class"]


@pytest.mark.parametrize("page", ["rst", "myst"])
def test_html_in_the_name_option_becomes_an_identifier(escaping_app, page):
    box = box_titled(escaping_app, page, "In the name")
    assert_nothing_runs(box)
    assert box["id"] == "script-alert-4-script"
    assert _SAFE_TOKEN.match(box["aria-labelledby"])


@pytest.mark.parametrize("page", ["rst", "myst"])
def test_html_in_the_content_is_text(escaping_app, page):
    box = box_titled(escaping_app, page, "In the content")
    assert_nothing_runs(box)
    text = box.get_text()
    assert "<script>alert(5)</script>" in text
    assert "<img src=x onerror=alert(7)>" in text
    if page == "myst":
        assert '<div onclick="alert(11)">a block of HTML</div>' in text


def test_links_that_run_code_are_text(escaping_app):
    page_boxes = boxes(escaping_app, "links")
    for box in page_boxes:
        assert_nothing_runs(box)
    text = " ".join(box.get_text() for box in page_boxes)
    assert "click <javascript:alert(6)>" in text
    assert "A title link <JavaScript:alert(8)>" in text
    assert "one <vbscript:msgbox(9)>" in text
    # A safe link in a box, and a link outside any box, stay links.
    assert page_boxes[-1].find("a", href="https://example.org/").get_text() == "safe one"
    outside = read_html(escaping_app, "links").find("a", string="outside")
    assert outside["href"] == "https://example.org/"


def test_myst_markdown_links_that_run_code_are_never_links(escaping_app):
    box = box_titled(escaping_app, "myst", "In the content")
    assert "[link](javascript:alert(6))" in box.get_text()


def test_each_thing_shown_as_text_is_reported_at_its_line(escaping_app):
    warnings = warnings_of(escaping_app)
    located = sorted(
        (re.sub(r"^.*/", "", w.split(": WARNING")[0]), w.rsplit(" ", 1)[-1]) for w in warnings
    )
    assert located == sorted(
        [
            ("links.rst:6", "[lesson.unsafe-link]"),
            ("links.rst:8", "[lesson.unsafe-link]"),
            ("links.rst:12", "[lesson.unsafe-link]"),
            ("links.rst:12", "[lesson.unsafe-link]"),
            ("myst.md:3", "[lesson.raw-html]"),
            ("myst.md:3", "[lesson.raw-html]"),
            ("myst.md:18", "[lesson.raw-html]"),
            ("myst.md:18", "[lesson.raw-html]"),
            ("myst.md:18", "[lesson.raw-html]"),
            ("myst.md:20", "[lesson.raw-html]"),
        ]
    ), warnings
    assert any(
        "raw HTML '<script>' in this 'exercise' box is shown as text, not run. Write it as "
        "reST or Markdown instead, or move it out of the box." in w
        for w in warnings
    )
    assert any(
        "the link to 'javascript:alert(6)' in this 'exercise' box would run code, so it is "
        "shown as text." in w
        for w in warnings
    )
