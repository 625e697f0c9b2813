"""sphinx-lesson's rewrites of Markdown pages (sphinx_teaching/markdown.py), through real builds.

tests/roots/test-markdown has a challenge with a nested solution and a code block as block
quotes, an output fence with a dotted class, a plain quotation, the same patterns inside fenced
and inline code (never rewritten), an image with a template prefix and a border, and a
reStructuredText page (never rewritten). tests/test_compat.py compares the rewrites that
sphinx-lesson also makes with its own output, and the warnings at patterns that do not parse.
"""

from __future__ import annotations

import pytest

from helpers import build_root, read_html

FLAGS = ("code_fences", "block_quotes", "html_img")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    app = build_root("markdown", tmp_path_factory.mktemp("markdown"), cleanly=True)
    return read_html(app, "index").find(role="main")


def test_block_quotes_become_boxes_nested_ones_too(page):
    challenge = page.select_one(".lesson-box.exercise")
    assert challenge.find(class_="admonition-title").get_text() == "Make an environment"
    assert "python -m venv env" in challenge.find("pre").get_text()
    solution = challenge.select_one("details.solution")
    assert solution.summary.get_text(strip=True) == "Solution"
    assert "It is the folder" in solution.get_text()
    assert page.find("blockquote").get_text(strip=True) == "A plain quotation stays one."


def test_code_fence_with_an_attribute_becomes_an_output_box(page):
    assert "total 0" in page.select_one(".lesson-box.output").get_text()


def test_html_img_becomes_a_figure(page):
    figures = page.find_all("figure")
    assert len(figures) == 1 and "with-border" in figures[0].img["class"]
    assert figures[0].img["src"] == "_images/pic.png"


def test_code_and_other_syntaxes_are_never_rewritten(page, tmp_path):
    fenced = page.select("pre")[-1].get_text()
    assert "{: .challenge}" in fenced and '<img src="kept.png">' in fenced
    assert '<img src="kept.png">' in [code.get_text() for code in page.find_all("code")]
    app = build_root("markdown", tmp_path, cleanly=True)
    rst = read_html(app, "rst-page").find(role="main")
    assert "{: .challenge}" in rst.get_text() and rst.find(class_="exercise") is None


@pytest.mark.parametrize("flag", FLAGS)
def test_each_rewrite_can_be_turned_off(tmp_path, flag):
    app = build_root("markdown", tmp_path, confoverrides={f"sphinx_lesson_transform_{flag}": False})
    main = read_html(app, "index").find(role="main")
    present = {
        "code_fences": main.select_one(".lesson-box.output") is not None,
        "block_quotes": main.select_one(".lesson-box.exercise") is not None,
        "html_img": main.find("figure") is not None,
    }
    assert present == {name: name != flag for name in FLAGS}
