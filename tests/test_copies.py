"""Copies of boxes in the generated parts render as the boxes do on their own page.

tests/roots/test-copies/lessons/media.rst has an exercise, a solution, key points and an
instructor note, each holding every kind of node a builder processes after reading (images, a
figure, math, a download, a footnote, a citation, ``only``, numbered code blocks and tables, a
glossary term, ``literalinclude``, a substitution). The key points, objectives, exercise list
and instructor guide pages copy them. Each builder the extension supports must build it without
a warning, and show each copy as its box.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import build_root, read_html

#: Where each box of lessons/media is copied to.
COPIED_TO = {
    "exercise": "exercises",
    "solution": "exercises",
    "keypoints": "keypoints",
    "instructor-note": "instructor-guide",
}


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    return build_root("copies", tmp_path_factory.mktemp("copies"), cleanly=True)


def without_ids(elements) -> str:
    """The HTML of ``elements`` without what differs by design between a box and its copy:
    ids and the links to them, heading levels (by the place of each), relative paths."""
    text = "".join(map(str, elements))
    text = re.sub(r' (id|aria-labelledby|aria-level)="[^"]*"', "", text)
    text = re.sub(r'href="(lessons/media\.html)?#[^"]*"', 'href="#"', text)
    return text.replace("../", "")


@pytest.mark.parametrize("kind", COPIED_TO)
def test_a_copy_is_written_as_its_box(html, kind):
    box = read_html(html, "lessons/media").select_one(f".lesson-box.{kind}")
    summary = read_html(html, COPIED_TO[kind])
    if kind == "keypoints":
        # The key points summary shows a box's content under its title, which links back.
        entry = summary.select_one(".lesson-summary-entry-keypoints")
        box_content = box.find_all(recursive=False)[1:]
        assert without_ids(entry.find_all(recursive=False)[1:]) == without_ids(box_content)
        copy = entry
    else:
        copy = summary.select_one(f".lesson-box.{kind}")
        assert without_ids([copy]) == without_ids([box])
    expected = ["Fig. ", "Listing ", "Table ", 'class="eqno"', "SUBSTITUTED-COURSE", "ONLY-HTML",
                "_images/pic.png", "_downloads/", "std-term", "footnote"]  # fmt: skip
    assert [part for part in expected if part not in str(copy)] == []


@pytest.mark.parametrize("docname", sorted(set(COPIED_TO.values())))
def test_links_inside_copies_reach_their_own_page(html, docname):
    # Footnotes link to the copy's own footnote: ids are renamed in step with the links.
    page = read_html(html, docname)
    links = [a["href"][1:] for a in page.select('[role="main"] a[href^="#"]')]
    assert links
    assert all(page.find(id=target) is not None for target in links), links


def test_numbers_follow_the_original_box(html):
    numbers = {
        docname: [span.get_text() for span in read_html(html, docname).select(".caption-number")]
        for docname in ("lessons/media", "exercises", "keypoints", "instructor-guide")
    }
    copied = numbers["exercises"] + numbers["keypoints"] + numbers["instructor-guide"]
    assert copied == numbers["lessons/media"]


@pytest.mark.parametrize("builder", ["singlehtml", "epub", "latex", "text"])
def test_every_builder_writes_the_copies_without_a_warning(tmp_path, builder):
    app = build_root("copies", tmp_path, builder, cleanly=True)
    outdir = Path(app.outdir)
    if builder == "text":
        for kind, docname in COPIED_TO.items():
            text = (outdir / f"{docname}.txt").read_text("utf-8")
            short = {"exercise": "ex", "solution": "so", "keypoints": "kp"}.get(kind, "in")
            assert f"ONLY-OTHER-{short}" in text and f"The footnote of the {short} box" in text
    elif builder == "latex":
        tex = next(outdir.glob("*.tex")).read_text("utf-8")
        labels = re.findall(r"\\label\{[^}]*\}", tex)
        assert len(labels) == len(set(labels))
        assert tex.count(r"\sphinxincludegraphics") == 16  # 2 images in 4 boxes, and in 4 copies
    elif builder == "singlehtml":
        numbers = [span.get_text() for span in read_html(app, "index").select(".caption-number")]
        assert sorted(numbers) == sorted(numbers[: len(numbers) // 2] * 2)


def test_a_parallel_build_writes_the_same_copies(html, tmp_path):
    # The numbers are looked up as each summary page is written, by whichever process writes it.
    app = build_root("copies", tmp_path, parallel=2, cleanly=True)
    for docname in sorted(set(COPIED_TO.values())):
        assert (Path(app.outdir) / f"{docname}.html").read_text("utf-8") == (
            Path(html.outdir) / f"{docname}.html"
        ).read_text("utf-8")
