"""Accessibility in a real browser: axe-core's WCAG 2.2 A and AA rules and its best practices
on every page, and 4.5:1 text contrast in every kind of teaching box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, SoupStrainer
from lessonbrowser import PHONE, WCAG_TAGS, open_all_collapsibles
from playwright.sync_api import Page, expect

from sphinx_teaching.kinds import BOX_KINDS

#: WCAG 2.1 AA: normal text needs a contrast of 4.5:1 with its background.
MIN_CONTRAST = 4.5


def run_axe(page: Page, axe_url: str, rules: list[str] | None = None, only: str = "") -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.2 A/AA and best practices, or
    only ``rules``), in the whole page or ``only`` in the elements that CSS selector finds."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=axe_url)
    options = {
        "runOnly": {"type": "rule", "values": rules}
        if rules
        else {"type": "tag", "values": list(WCAG_TAGS)},
        # Only violations are read: axe-core then skips listing every element that passes
        # (its documented speed-up; about twice as fast on the longer pages).
        "resultTypes": ["violations"],
    }
    context = {"include": [[only]]} if only else {"include": [["html"]]}
    result = page.evaluate("([context, options]) => axe.run(context, options)", [context, options])
    return result["violations"]


def describe(violations: list[dict]) -> list[str]:
    """One readable line per element that breaks a rule."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(
                f"{violation['id']} ({violation['impact']}) at {' '.join(node['target'])}: "
                f"{summary} -- {node['html'][:160]}"
            )
    return lines


#: A site's pages in four shares (every fourth page), so that both cores share the work
#: (pytest-xdist); the pages with many tabs and solutions take most of it.
SHARES = 4
IN_SHARES = pytest.mark.parametrize("share", range(SHARES), ids=lambda n: f"share-{n + 1}")


#: The search page, searched: Sphinx fills its results in from the search index.
SEARCHED = "search.html?q=virtualenv"


@IN_SHARES
def test_axe_finds_no_wcag_violations(served, tab, axe_url, share):
    pages = [*served.pages, SEARCHED][share::SHARES]
    assert check_axe(served, tab, axe_url, pages) == []


@pytest.fixture(scope="session")
def instructor_pages(served_sites) -> list[str]:
    return instructor_only_pages(served_sites["course"], served_sites["course-instructor"])


@IN_SHARES
def test_axe_finds_no_wcag_violations_in_the_instructor_view(
    course_instructor, instructor_pages, tab, axe_url, share
):
    """The pages whose content differs from the learners' view (the instructor guide among
    them) and the search results, if the search index differs. Elsewhere the instructors'
    page is the learners' page, checked by the test above, with the same theme around it."""
    assert "instructor-guide.html" in instructor_pages
    pages = instructor_pages[share::SHARES]
    assert check_axe(course_instructor, tab, axe_url, pages) == []


def _main_content(path: Path) -> str:
    """The page's [role=main] element, as HTML (only it is parsed into a tree)."""
    main = SoupStrainer(attrs={"role": "main"})
    return str(BeautifulSoup(path.read_text("utf-8"), "html.parser", parse_only=main))


def instructor_only_pages(learners, instructors) -> list[str]:
    """The instructors' pages whose main content ([role=main]) is not the learners', read
    from the two built sites; the instructor guide always; and the searched search page
    when the two search indexes differ."""
    pages = [
        page
        for page in instructors.pages
        if page == "instructor-guide.html"
        or page not in learners.pages
        or _main_content(instructors.outdir / page) != _main_content(learners.outdir / page)
    ]
    index = "searchindex.js"
    if (instructors.outdir / index).read_bytes() != (learners.outdir / index).read_bytes():
        pages.append(SEARCHED)
    return pages


@IN_SHARES
def test_axe_finds_no_wcag_violations_on_a_phone(served, new_tab, axe_url, share):
    """At 375 px, where the theme's layout changes (the navigation folds away): every page
    as loaded and with its collapsibles open. The site tabs' panels are the same content at
    any width, so the desktop test alone goes through them."""
    tab = new_tab(PHONE)
    problems = []
    for page in served.pages[share::SHARES]:
        browser_page = tab.open(served.page_url(page))
        problems += [f"{page}: {line}" for line in describe(run_axe(browser_page, axe_url))]
        if browser_page.locator("details").count():
            open_all_collapsibles(browser_page)
            problems += [
                f"{page} (collapsibles open): {line}"
                for line in describe(run_axe(browser_page, axe_url))
            ]
    assert problems == []


def check_axe(served, tab, axe_url, pages: list[str]) -> list[str]:
    """axe-core's findings on ``pages`` of ``served`` (a share of them: every fourth page, the
    searched search page among them), in every state a reader can reach."""
    problems = []
    for page in pages:
        browser_page = tab.open(served.page_url(page))
        if page.startswith("search.html?"):
            # Sphinx's search writes this summary when it has finished.
            browser_page.locator("#search-results .search-summary").wait_for()
            expect(browser_page.locator("#search-results .search-summary")).to_contain_text(
                re.compile("finished|did not match")
            )
        problems += [
            f"{page} (as loaded): {line}" for line in describe(run_axe(browser_page, axe_url))
        ]
        if browser_page.locator("details").count():
            open_all_collapsibles(browser_page)
            problems += [
                f"{page} (collapsibles open): {line}"
                for line in describe(run_axe(browser_page, axe_url))
            ]
        # Every site's panels in turn (the first site's were checked above with the rest of
        # the page, which choosing a site does not change).
        sites = browser_page.locator("[role=tab][data-lesson-site]").evaluate_all(
            "tabs => [...new Set(tabs.map(t => t.dataset.lessonSite))]"
        )
        for site in sites[1:]:
            browser_page.locator(f"[role=tab][data-lesson-site={site}]").first.click()
            open_all_collapsibles(browser_page)
            problems += [
                f"{page} (site {site}, collapsibles open): {line}"
                for line in describe(
                    run_axe(browser_page, axe_url, only="[role=tabpanel]:not([hidden])")
                )
            ]
        problems += [f"{page}: {problem}" for problem in tab.problems()]
    return problems


#: Contrast of each kind of text in each box on the page, from the computed styles: the
#: title, body text, links and inline literals, each against the first opaque background
#: behind it.
CONTRAST_JS = r"""kinds => {
  const rgba = value => {
    const parts = value.match(/[\d.]+/g).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const luminance = c => {
    const channel = v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const colour = rgba(getComputedStyle(e).backgroundColor);
      if (colour.a === 1) return colour;
      if (colour.a > 0) return null;  // translucent: not computed here, axe checks it
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const ratio = el => {
    const fg = rgba(getComputedStyle(el).color);
    const bg = background(el);
    if (!bg) return null;
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const results = [];
  for (const box of document.querySelectorAll('.lesson-box')) {
    const kind = [...box.classList].find(c => kinds.includes(c));
    const parts = {
      title: box.querySelector(':scope > .admonition-title'),
      text: box.querySelector(':scope > p'),
      link: box.querySelector(':scope > p a'),
      literal: box.querySelector(':scope > p code'),
      'list text': box.querySelector(':scope > ul li p, :scope > ul li'),
    };
    for (const [part, el] of Object.entries(parts)) {
      results.push({kind: kind, part: part, found: !!el, ratio: el ? ratio(el) : null});
    }
  }
  return results;
}"""


def test_every_box_kind_has_enough_text_contrast(features, tab, axe_url):
    page = tab.open(features.page_url("every-box.html"))
    kinds = [kind.name for kind in BOX_KINDS]
    results = page.evaluate(CONTRAST_JS, kinds)
    assert sorted({r["kind"] for r in results}) == sorted(kinds), "a box kind is missing"
    low = [
        f"{r['kind']} {r['part']}: {r['ratio']:.2f}:1"
        for r in results
        if r["found"] and r["ratio"] is not None and r["ratio"] < MIN_CONTRAST
    ]
    missing = [f"{r['kind']} {r['part']}" for r in results if not r["found"]]
    assert missing == [], "every-box.rst must show each part in each box"
    assert low == []
    # axe-core's own contrast rule, which also handles translucent colours and large text.
    assert describe(run_axe(page, axe_url, rules=["color-contrast"])) == []
