"""Our HTML is well-formed HTML5: every page of the course and of the feature test site
parses without a single error under html5lib (the HTML5 parsing algorithm browsers use), and
the boxes, tabs and headings we write are complete (unique ids, labels that exist, heading
levels).

A parse error means a browser has to guess: a box closed in the wrong place, a block element
inside a paragraph, a stray end tag. Browsers recover silently, so only a parser finds it.
"""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest
from bs4 import BeautifulSoup

#: Folders of a built site that hold no pages.
NOT_PAGES = {"_static", "_sources", "_images", "_downloads"}


def pages_of(outdir: Path) -> list[Path]:
    return [
        path
        for path in sorted(outdir.rglob("*.html"))
        if not NOT_PAGES.intersection(path.relative_to(outdir).parts)
    ]


def parse_errors(html: str) -> list[str]:
    """Every HTML5 parse error in ``html``, as ``line:column error-code``."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse(html)
    return [f"{line}:{column} {code} {data or ''}" for (line, column), code, data in parser.errors]


def structure_problems(html: str) -> list[str]:
    """Ids, ARIA references and headings that a parser accepts but that are still wrong."""
    soup = BeautifulSoup(html, "html5lib")
    problems = []
    ids: dict[str, int] = {}
    for element in soup.find_all(id=True):
        ids[element["id"]] = ids.get(element["id"], 0) + 1
    problems += [f"id {name!r} used {count} times" for name, count in ids.items() if count > 1]
    for element in soup.find_all(attrs={"aria-labelledby": True}):
        for target in element["aria-labelledby"].split():
            if target not in ids:
                problems.append(f"aria-labelledby={target!r} names no element")
    for element in soup.find_all(attrs={"aria-controls": True}):
        for target in element["aria-controls"].split():
            if target not in ids:
                problems.append(f"aria-controls={target!r} names no element")
    for element in soup.find_all(attrs={"role": "heading"}):
        level = element.get("aria-level", "")
        if not (level.isdigit() and 1 <= int(level) <= 6):
            problems.append(f"role=heading without a valid aria-level: {str(element)[:100]}")
    for box in soup.select(".lesson-box"):
        if box.name == "details":
            first = box.find(True)
            if first is None or first.name != "summary":
                problems.append(f"collapsible box {box.get('id')} does not start with <summary>")
        elif box.name != "div" or box.get("role") != "group":
            problems.append(f"box {box.get('id')} is a <{box.name}>, not a group or <details>")
    return problems


@pytest.fixture(scope="module", params=["course", "course-instructor", "features", "tabs"])
def built(request, site, instructor_site, feature_site, tabs_site):
    sites = {
        "course": site,
        "course-instructor": instructor_site,
        "features": feature_site,
        "tabs": tabs_site,
    }
    return sites[request.param]


def test_feature_sites_build_without_warnings(feature_site, tabs_site):
    for build in (feature_site, tabs_site):
        if build is not None:
            assert build.warnings == []
            assert build.returncode == 0


def test_every_page_is_well_formed_html5(built):
    problems = []
    pages = pages_of(built.outdir)
    assert pages
    for path in pages:
        html = path.read_text("utf-8")
        name = path.relative_to(built.outdir)
        problems += [f"{name}:{error}" for error in parse_errors(html)]
        problems += [f"{name}: {problem}" for problem in structure_problems(html)]
    assert problems == []


def test_feature_site_has_every_box_kind(feature_site):
    from sphinx_teaching.kinds import BOX_KINDS

    soup = feature_site.html("every-box")
    missing = [kind.name for kind in BOX_KINDS if not soup.select(f".lesson-box.{kind.name}")]
    assert missing == []


@pytest.mark.parametrize(
    "fragment",
    [
        # A box closed in the wrong place.
        "<section class='lesson-box'><p>text</section></p>",
        # A collapsible box inside a paragraph (the paragraph closes early).
        "<p>before <details><summary>Solution</summary>x</details> after</p>",
        # An attribute twice.
        "<div class='a' class='b'>x</div>",
    ],
)
def test_the_check_catches_malformed_html(fragment):
    head = "<!DOCTYPE html><html lang='en'><head><title>t</title></head>"
    page = f"{head}<body>{fragment}</body></html>"
    assert parse_errors(page) != []


def test_the_check_catches_broken_structure():
    page = (
        "<!DOCTYPE html><html lang='en'><head><title>t</title></head><body>"
        "<div class='lesson-box' role='group' id='x' aria-labelledby='x-title'><p id='x'>a</p>"
        "</div>"
        "<p role='heading'>no level</p></body></html>"
    )
    problems = structure_problems(page)
    assert any("'x' used 2 times" in problem for problem in problems)
    assert any("x-title" in problem for problem in problems)
    assert any("aria-level" in problem for problem in problems)
