"""The teaching directives, through real builds of tests/roots/test-boxes."""

from __future__ import annotations

import pytest

from helpers import build_once, copy_root, read_html, warnings_of
from sphinx_teaching import nodes as box_nodes
from sphinx_teaching.kinds import BOX_KINDS, KINDS_BY_DIRECTIVE, KINDS_BY_NAME

SYNTAX_PAGES = ["every-kind", "myst-backticks", "myst-colons"]


def expected_ids(page_directives: list[str]) -> list[tuple[str, str, bool]]:
    """(id, directive, custom title?) for each box of a page that has every directive twice.

    Ids count per kind, and an alias shares its kind's counter.
    """
    counters: dict[str, int] = {}
    result = []
    for directive in page_directives:
        kind = KINDS_BY_DIRECTIVE[directive].name
        for custom in (False, True):
            number = counters.get(kind, 0)
            counters[kind] = number + 1
            result.append((f"{kind}-{number}", directive, custom))
    return result


@pytest.fixture(scope="module")
def boxes_app(rootdir, tmp_path_factory):
    """One clean HTML build of the test root, shared by the tests of this module."""
    return build_once(
        "html", copy_root(rootdir, "boxes", tmp_path_factory.mktemp("boxes")), cleanly=True
    )


@pytest.mark.parametrize("page", SYNTAX_PAGES)
def test_every_directive_renders_its_box_in_every_syntax(boxes_app, page):
    soup = read_html(boxes_app, page)
    for box_id, directive, custom in expected_ids(list(KINDS_BY_DIRECTIVE)):
        kind = KINDS_BY_DIRECTIVE[directive]
        box = soup.find(id=box_id)
        assert box is not None, f"{page}: no box {box_id} for {directive}"
        title = kind.default_title if not custom else f"Custom {directive} title"
        heading = box.find(class_="admonition-title")
        assert heading.get_text(strip=True) == title
        # sphinx-lesson's classes: admonition, admonition-<title>, the kind, its extras.
        classes = box["class"]
        for expected in ["admonition", kind.name, *kind.extra_classes]:
            assert expected in classes, (box_id, classes)
        assert "admonition-" + title.lower().replace(" ", "-").replace(".", "") in classes
        body = "Custom body" if custom else "Body"
        assert f"{body} of {directive}." in box.get_text()


@pytest.mark.parametrize("page", SYNTAX_PAGES)
def test_each_kind_has_its_own_node_class(boxes_app, page):
    doctree = boxes_app.env.get_doctree(page)
    boxes = list(doctree.findall(box_nodes.TeachingBox))
    assert len(boxes) >= 2 * len(KINDS_BY_DIRECTIVE)
    for box in boxes:
        kind = KINDS_BY_NAME[box["kind"]]
        assert type(box) is kind.node_class
    assert {type(box) for box in boxes} == {kind.node_class for kind in BOX_KINDS}


def test_boxes_are_named_groups_with_announced_headings(boxes_app):
    soup = read_html(boxes_app, "every-kind")
    box = soup.find(id="questions-0")
    # A named group, not a landmark: many boxes of one title would give landmarks of one name.
    assert (box.name, box["role"]) == ("div", "group")
    heading = soup.find(id=box["aria-labelledby"])
    assert heading.parent is box
    assert heading["role"] == "heading"
    # The page title is level 1, so a box directly in it is announced at level 2.
    assert heading["aria-level"] == "2"


def test_solution_is_collapsed_details_and_open_option(boxes_app):
    soup = read_html(boxes_app, "options")
    closed = soup.find(id="solution-0")
    assert closed.name == "details"
    assert not closed.has_attr("open")
    assert closed.find("summary").get_text(strip=True) == "Solution"
    opened = soup.find(id="solution-1")
    assert opened.name == "details" and opened.has_attr("open")
    assert opened.find("summary").get_text(strip=True) == "Shown at first"
    # Sphinx 9's :collapsible: option works on every box.
    discussion = soup.find(id="discussion-0")
    assert discussion.name == "details" and not discussion.has_attr("open")


def test_solution_nests_inside_exercise(boxes_app):
    soup = read_html(boxes_app, "options")
    exercise = soup.find(id="make-venv")
    assert exercise.find("details", class_="solution") is not None
    myst = read_html(boxes_app, "myst-colons").find(id="myst-exercise")
    assert "from-myst" in myst["class"]
    assert myst.find("details", class_="solution").get_text().count("Nested solution") == 1


def test_name_option_gives_a_ref_target_with_the_box_title(boxes_app):
    soup = read_html(boxes_app, "options")
    box = soup.find(id="make-venv")
    # The name is the first id; sphinx-lesson's id stays as a second anchor.
    assert box.find(id="exercise-0") is not None
    assert {"extra-one", "extra-two"} <= set(box["class"])
    links = {a["href"]: a.get_text() for a in soup.select("a.reference.internal")}
    assert links["#make-venv"] == "Make a venv"
    assert links["myst-colons.html#myst-exercise"] == "the MyST exercise"


def test_aliases_share_the_counter_of_their_kind(boxes_app):
    soup = read_html(boxes_app, "options")
    challenge = soup.find(id="exercise-1")
    assert "Shares the exercise counter." in challenge.get_text()
    assert "exercise" in challenge["class"]
    prereq = soup.find(id="prerequisites-0")
    assert prereq.find(class_="admonition-title").get_text(strip=True) == "Prerequisites"


def test_nested_boxes_of_one_kind_are_numbered_inner_first(boxes_app):
    # sphinx-lesson numbers a box once its content is parsed, so deep links from a site it
    # built reach the same boxes here.
    soup = read_html(boxes_app, "options")
    titles = {
        box_id: soup.find(id=box_id).find(class_="admonition-title").get_text(strip=True)
        for box_id in ("callout-0", "callout-1")
    }
    assert titles == {"callout-0": "Inner callout", "callout-1": "Outer callout"}


def test_empty_box_is_allowed(boxes_app):
    soup = read_html(boxes_app, "options")
    keypoints = soup.find(id="keypoints-0")
    assert "admonition-no-content" in keypoints["class"]
    assert keypoints.find(class_="admonition-title").get_text(strip=True) == "Keypoints"


def test_dropdown_admonition_collapses_like_a_solution(boxes_app):
    soup = read_html(boxes_app, "dropdown")
    hidden, shown = soup.find_all("details", class_="dropdown")
    assert not hidden.has_attr("open")
    assert hidden.find("summary").get_text(strip=True) == "venv vs. virtualenv"
    assert shown.has_attr("open")
    plain = soup.find(class_="admonition-plain")
    assert plain.name == "div"


def test_stylesheet_is_linked_and_copied(boxes_app):
    soup = read_html(boxes_app, "every-kind")
    hrefs = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert any(href.startswith("_static/lesson.css") for href in hrefs)
    assert (boxes_app.outdir / "_static" / "lesson.css").is_file()


@pytest.mark.parametrize(
    ("builder", "output"),
    [
        ("text", "every-kind.txt"),
        ("latex", "boxes.tex"),
        ("man", "boxes.1"),
        ("texinfo", "boxes.texi"),
        ("epub", "every-kind.xhtml"),
        ("singlehtml", "index.html"),
        ("xml", "every-kind.xml"),
        ("pseudoxml", "every-kind.pseudoxml"),
    ],
)
def test_other_builders_write_boxes_as_admonitions(make_app, rootdir, tmp_path, builder, output):
    app = make_app(builder, srcdir=copy_root(rootdir, "boxes", tmp_path))
    app.build()
    # epub warns about its own metadata defaults; nothing may come from our boxes.
    assert [w for w in warnings_of(app) if "epub" not in w.lower()] == []
    text = (app.outdir / output).read_text(encoding="utf-8")
    assert "Custom body of exercise." in text
    # docutils before 0.22 writes man page section titles in capitals.
    assert "custom exercise title" in text.lower()
    if builder not in {"epub", "singlehtml"}:
        assert not (app.outdir / "_static" / "lesson.css").exists()


def test_title_that_swallowed_the_content_is_reported(make_app, rootdir, tmp_path):
    app = make_app("html", srcdir=copy_root(rootdir, "box-title", tmp_path))
    app.build()
    warnings = warnings_of(app)
    assert len(warnings) == 2, warnings
    spans, marker = warnings
    assert "index.rst:4:" in spans and "spans 2 lines" in spans
    assert "blank line after '.. objectives::'" in spans
    assert spans.endswith("[lesson.box-title]")
    assert "index.rst:10:" in marker and "starts with a list marker" in marker
    # Nothing is lost: the swallowed text is still on the page.
    soup = read_html(app, "index")
    assert "Site-specific procedures" in soup.get_text()
