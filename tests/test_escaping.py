"""What a box's title, options and content become in HTML.

Where the extension moves text into another context (the ``:class:`` and ``:name:`` options
and the title into attributes), it makes identifiers: no markup gets through. The content is
the author's, as anywhere on the page: reStructuredText shows HTML as text, MyST Markdown
writes raw HTML, and links are links, inside a box exactly as outside one.

One build of tests/roots/test-escaping/: reStructuredText (``rst``), MyST Markdown (``myst``),
one box per place a box emits text (title, ``:class:``, ``:name:``, content), and links.
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


@pytest.mark.parametrize("page", ["rst"])
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


def test_html_in_a_rest_box_is_text(escaping_app):
    box = box_titled(escaping_app, "rst", "In the content")
    assert_nothing_runs(box)
    text = box.get_text()
    assert "<script>alert(5)</script>" in text
    assert "<img src=x onerror=alert(7)>" in text


def test_raw_html_in_a_myst_box_renders_as_outside_a_box(escaping_app):
    """As sphinx-lesson does: lessons use <kbd>, <u> and <br> inside exercises."""
    page = read_html(escaping_app, "myst")
    box = box_titled(escaping_app, "myst", "In the content")
    inside = box.find("kbd").parent
    outside = [
        p for p in page.find_all("p") if p.find("kbd") and not p.find_parent(class_="lesson-box")
    ]
    assert [str(child) for child in inside.children] == [str(c) for c in outside[0].children]
    assert box.find("div", class_="note-block").get_text() == "a block of HTML"
    title = box_titled(escaping_app, "myst", "Create an").find(class_="admonition-title")
    assert title.find("u").get_text() == "empty"


def test_links_in_a_box_are_links_as_outside_a_box(escaping_app):
    page = read_html(escaping_app, "links")
    inside = [a["href"] for box in boxes(escaping_app, "links") for a in box.find_all("a")]
    names = ("the guide", "the other one")
    outside = [
        a["href"]
        for a in page.find_all("a")
        if a.get_text() in names and not a.find_parent(class_="lesson-box")
    ]
    assert inside[:2] == outside
    assert "https://example.org/title" in inside


def test_nothing_in_a_box_is_reported(escaping_app):
    assert warnings_of(escaping_app) == []
