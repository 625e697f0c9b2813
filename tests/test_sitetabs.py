"""Site-specific content (``site-tabs``/``site``), through real builds of tests/roots/test-sitetabs.

What the HTML holds before any script runs: every variant in a section under its site's heading,
and a hidden, prepared WAI-ARIA tab list that lesson.js reveals. The script's behaviour in a
browser is tested by the browser tests; here we test what it is given.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import (
    build_cleanly,
    build_once,
    build_root,
    copy_root,
    make_test_app,
    read_html,
    warnings_of,
)
from sphinx_teaching.sitetabs import site_tabs, site_variant
from sphinx_teaching.writers import STATIC_DIR

SITES = {"uppmax": "UPPMAX", "hpc2n": "HPC2N", "local": "Your own computer"}
#: The snippet's text for each site (the docs show the same snippet files).
SNIPPET_TEXT = {
    "uppmax": "module load python/3.12.1",
    "hpc2n": "module load GCC/12.3.0 Python/3.11.3",
    "local": "python3 of your computer",
}
SYNTAX_PAGES = ["rst", "myst"]
#: The extension's one script.
SCRIPT = "lesson.js"
#: The page budget of issue 7: our CSS plus JavaScript, uncompressed.
PAGE_WEIGHT_BUDGET = 15 * 1024


@pytest.fixture(scope="module")
def html_app(rootdir, tmp_path_factory):
    return build_once(
        "html", copy_root(rootdir, "sitetabs", tmp_path_factory.mktemp("html")), cleanly=True
    )


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


# --- HTML as written (no JavaScript) ------------------------------------------------------------


@pytest.mark.parametrize("page", SYNTAX_PAGES)
def test_without_javascript_every_variant_shows_under_its_site_heading(html_app, page):
    soup = read_html(html_app, page)
    (group,) = soup.select("div.lesson-site-tabs")
    panels = group.find_all("section", class_="lesson-site-panel", recursive=False)
    assert [panel["data-lesson-site"] for panel in panels] == list(SITES)
    for panel in panels:
        site = panel["data-lesson-site"]
        assert not panel.has_attr("hidden")
        assert not panel.has_attr("role"), "tab roles are for lesson.js to add"
        heading = panel.find(class_="lesson-site-heading")
        # A real heading, one level below the page title, naming the section.
        assert heading.name == "h2"
        assert heading is panel.find(re.compile(r"^h[1-6]$"))
        assert heading.get_text() == SITES[site]
        assert panel["aria-labelledby"] == heading["id"]
        assert SNIPPET_TEXT[site] in text_of(panel)


@pytest.mark.parametrize("page", SYNTAX_PAGES)
def test_tab_list_is_prepared_for_the_script_and_hidden(html_app, page):
    soup = read_html(html_app, page)
    group = soup.select_one("div.lesson-site-tabs")
    tablist = group.find(class_="lesson-site-tablist")
    assert tablist.parent is group and tablist is group.find(True), "tab list comes first"
    assert tablist["role"] == "tablist"
    assert tablist.has_attr("hidden")
    assert tablist["aria-label"]
    tabs = tablist.find_all("button")
    panels = group.find_all("section", class_="lesson-site-panel", recursive=False)
    assert len(tabs) == len(panels) == 3
    for index, (tab, panel) in enumerate(zip(tabs, panels, strict=True)):
        assert tab["type"] == "button"
        assert tab["role"] == "tab"
        assert "lesson-site-tab" in tab["class"]
        assert tab["aria-controls"] == panel["id"]
        assert tab["id"] == panel["id"] + "-tab"
        assert tab["data-lesson-site"] == panel["data-lesson-site"]
        assert tab.get_text() == SITES[tab["data-lesson-site"]]
        # Roving tabindex: only the selected tab is in the tab order.
        assert tab["aria-selected"] == ("true" if index == 0 else "false")
        assert tab["tabindex"] == ("0" if index == 0 else "-1")


def test_rst_and_myst_give_the_same_html(html_app):
    groups = [
        str(read_html(html_app, page).select_one("div.lesson-site-tabs")) for page in SYNTAX_PAGES
    ]
    assert groups[0] == groups[1]


def test_reading_makes_neutral_nodes(html_app):
    for page in SYNTAX_PAGES:
        doctree = html_app.env.get_doctree(page)
        (group,) = doctree.findall(site_tabs)
        variants = [child for child in group.children if isinstance(child, site_variant)]
        assert [(v["site"], v["label"]) for v in variants] == list(SITES.items())
        assert not group["ids"], "ids are given at HTML write time, per page"


def test_headings_follow_the_page_structure(html_app):
    soup = read_html(html_app, "placement")
    level = {heading["id"]: heading.name for heading in soup.find_all(class_="lesson-site-heading")}
    assert level == {
        # In a subsection (h2): h3; a group in that group's panel: h4.
        "lesson-sites-0-hpc2n-heading": "h3",
        "lesson-sites-0-local-heading": "h3",
        "lesson-sites-1-uppmax-heading": "h4",
        "lesson-sites-1-local-heading": "h4",
        # In an exercise, whose title is an h3-level heading: h4.
        "lesson-sites-2-uppmax-heading": "h4",
        # In a collapsed solution (its summary is no heading): h3.
        "lesson-sites-3-hpc2n-heading": "h3",
    }
    # Each group lists only the sites it has.
    outer = soup.find(id="lesson-sites-0")
    assert [
        tab["data-lesson-site"] for tab in outer.select(":scope > [role=tablist] > button")
    ] == [
        "hpc2n",
        "local",
    ]


def test_link_targets_inside_a_variant_stay_inside_its_panel(html_app):
    """Deep links: lesson.js opens the panel (and <details>) around a link's target."""
    soup = read_html(html_app, "placement")
    target = soup.find(id="inside-hpc2n")
    assert target.find_parent("section", class_="lesson-site-panel")["id"] == "lesson-sites-0-hpc2n"
    solution_group = soup.find(id="lesson-sites-3")
    assert solution_group.find_parent("details") is not None


def test_groups_copied_into_summary_pages_get_unique_ids_and_fitting_headings(html_app):
    """Summaries copy boxes in on doctree-resolved; their groups are finished after that."""
    soup = read_html(html_app, "summaries")
    groups = soup.select("div.lesson-site-tabs")
    assert len(groups) == 2
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for group in groups:
        for tab in group.select("[role=tab]"):
            panel = soup.find(id=tab["aria-controls"])
            assert panel.parent is group
            heading = panel.find(class_="lesson-site-heading").name
            assert heading == "h4", "under the h3 page heading of an h2 section"
    assert {h.name for h in soup.select(".lesson-summary-page")} == {"h3"}
    assert "A keypoint for HPC2N." in groups[1].get_text()


def test_script_gets_the_site_names_in_an_escaped_data_attribute(html_app):
    soup = read_html(html_app, "index")
    (script,) = soup.select(f'script[src^="_static/{SCRIPT}"]')
    assert script.has_attr("defer")
    assert json.loads(script["data-lesson-sites"]) == list(SITES)
    assert (Path(html_app.outdir) / "_static" / SCRIPT).read_bytes() == (
        STATIC_DIR / SCRIPT
    ).read_bytes()


def test_our_css_and_javascript_stay_within_the_page_budget(html_app):
    soup = read_html(html_app, "rst")
    ours = [
        tag
        for tag in soup.select("link[href], script[src]")
        if "_static/lesson." in (tag.get("href") or tag.get("src"))
    ]
    assert len(ours) <= 2
    names = {Path((tag.get("href") or tag.get("src")).split("?")[0]).name for tag in ours}
    assert names == {"lesson.css", SCRIPT}
    size = sum((Path(html_app.outdir) / "_static" / name).stat().st_size for name in names)
    assert size <= PAGE_WEIGHT_BUDGET, f"our CSS+JS is {size} bytes"


def test_print_stylesheet_shows_every_variant_and_hides_chrome():
    css = (STATIC_DIR / "lesson.css").read_text("utf-8")
    print_rules = css[css.index("@media print") :]
    for selector in [
        ".lesson-site-panel[hidden]",
        ".lesson-site-tablist",
        ".wy-breadcrumbs",
        "details::details-content",
    ]:
        assert selector in print_rules
    script = (STATIC_DIR / SCRIPT).read_text("utf-8")
    for hook in ["beforeprint", "afterprint", "hashchange", "localStorage", 'get("site")']:
        assert hook in script


def test_parallel_build_writes_the_same_pages(html_app, rootdir, tmp_path_factory):
    parallel = build_root("sitetabs", tmp_path_factory.mktemp("build"), "html", parallel=2)
    assert warnings_of(parallel) == []
    for page in [*SYNTAX_PAGES, "placement"]:
        bodies = [read_html(app, page).select_one("div.body") for app in (parallel, html_app)]
        assert bodies[0] is not None
        assert str(bodies[0]) == str(bodies[1])


# --- Other formats ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def text_app(rootdir, tmp_path_factory):
    return build_root("sitetabs", tmp_path_factory.mktemp("build"), "text")


@pytest.mark.parametrize("page", SYNTAX_PAGES)
def test_text_shows_every_variant_labelled(text_app, page):
    assert warnings_of(text_app) == []
    # Literals come out in quotes: "python3".
    text = (Path(text_app.outdir) / f"{page}.txt").read_text("utf-8").replace('"', "")
    positions = []
    for site, label in SITES.items():
        positions.append(text.index(f"-[ {label} ]-"))
        positions.append(text.index(SNIPPET_TEXT[site]))
    assert positions == sorted(positions), "each label comes just before its variant"


def test_latex_shows_every_variant_labelled(rootdir, tmp_path_factory):
    app = build_root("sitetabs", tmp_path_factory.mktemp("build"), "latex")
    assert warnings_of(app) == []
    (tex,) = Path(app.outdir).glob("*.tex")
    source = tex.read_text("utf-8")
    for label in SITES.values():
        assert f"\\subsubsection*{{{label}}}" in source
    assert "lesson-site-tablist" not in source
    assert not (Path(app.outdir) / SCRIPT).exists()


@pytest.mark.parametrize(("builder", "pattern"), [("man", "*.1"), ("texinfo", "*.texi")])
def test_man_and_texinfo_show_every_variant(rootdir, tmp_path_factory, builder, pattern):
    app = build_root("sitetabs", tmp_path_factory.mktemp("build"), builder)
    assert warnings_of(app) == []
    (output,) = Path(app.outdir).glob(pattern)
    text = output.read_text("utf-8")
    for site, label in SITES.items():
        assert label in text
        assert SNIPPET_TEXT[site].split()[-1] in text


def test_epub_shows_every_variant_under_its_heading_without_tabs_or_script(
    rootdir, tmp_path_factory
):
    app = build_root("sitetabs", tmp_path_factory.mktemp("build"), "epub")
    assert warnings_of(app) == []
    page = BeautifulSoup((Path(app.outdir) / "rst.xhtml").read_text("utf-8"), "html.parser")
    panels = page.select("section.lesson-site-panel")
    assert [panel.find(class_="lesson-site-heading").get_text() for panel in panels] == list(
        SITES.values()
    )
    assert page.select("[role=tablist]") == []
    assert page.select(f'script[src*="{SCRIPT}"]') == []


def test_singlehtml_keeps_ids_unique_across_pages(rootdir, tmp_path_factory):
    app = build_root("sitetabs", tmp_path_factory.mktemp("build"), "singlehtml")
    assert warnings_of(app) == []
    page = BeautifulSoup((Path(app.outdir) / "index.html").read_text("utf-8"), "html.parser")
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids))
    groups = page.select("div.lesson-site-tabs")
    assert len(groups) == 2 + 4 + 2 + 2
    for tab in page.select("[role=tab]"):
        assert page.find(id=tab["aria-controls"]) is not None


# --- Configuration ------------------------------------------------------------------------------


def test_malformed_sites_are_left_out_with_a_warning(rootdir, tmp_path_factory):
    sites = {"UPPMAX": "Upper case", "hpc2n": "", "local": "Your own computer", "bad name": "x"}
    app = build_root(
        "sitetabs", tmp_path_factory.mktemp("build"), "html", confoverrides={"lesson_sites": sites}
    )
    warnings = warnings_of(app)
    config = [w for w in warnings if w.endswith("[lesson.config]")]
    assert len(config) == 3, warnings
    assert any("'UPPMAX' is not lower-case" in w for w in config)
    assert any("'bad name' is not lower-case" in w for w in config)
    assert any("label of site 'hpc2n'" in w for w in config)
    # The remaining site works; the others are now unknown, and the message says which are known.
    unknown = [w for w in warnings if w.endswith("[lesson.site-unknown]")]
    assert unknown and all(
        "the sites in lesson_sites are 'local' (Your own computer)" in w for w in unknown
    )
    script = read_html(app, "index").select_one("script[data-lesson-sites]")
    assert json.loads(script["data-lesson-sites"]) == ["local"]


def test_changing_a_label_rebuilds_the_pages_that_show_it(rootdir, tmp_path):
    srcdir = copy_root(rootdir, "sitetabs", tmp_path)
    for label in ("UPPMAX", "Uppsala (UPPMAX)"):
        app = make_test_app(
            "html", srcdir, confoverrides={"lesson_sites": {**SITES, "uppmax": label}}
        )
        try:
            build_cleanly(app)
        finally:
            app.cleanup()
        soup = read_html(app, "rst")
        assert soup.select_one("#lesson-sites-0-uppmax-heading").get_text() == label
        assert soup.select_one("#lesson-sites-0-uppmax-tab").get_text() == label


def test_sites_that_are_not_a_dict_are_ignored_with_a_warning(rootdir, tmp_path_factory):
    app = build_root(
        "sitetabs",
        tmp_path_factory.mktemp("build"),
        "html",
        confoverrides={"lesson_sites": ["uppmax", "hpc2n"]},
    )
    warnings = warnings_of(app)
    assert any(
        "lesson_sites must be a dict" in w and w.endswith("[lesson.config]") for w in warnings
    )
    assert any("no sites are configured (set lesson_sites in conf.py)" in w for w in warnings)


# --- Bad input ----------------------------------------------------------------------------------

#: (page, warning subtype, the line the warning must point at, part of the message)
BAD_INPUTS = [
    ("unknown", "site-unknown", "nowhere", "unknown site 'nowhere' in a 'site' block; the sites "
     "in lesson_sites are 'uppmax' (UPPMAX), 'hpc2n' (HPC2N), 'local' (Your own computer)"),
    ("empty", "site-tabs-empty", "site-tabs", "this 'site-tabs' group has no 'site' blocks"),
    ("outside", "site-outside-tabs", "hpc2n", "a 'site' block ('hpc2n') must be directly inside"),
    ("duplicate", "site-duplicate", "uppmax", "a second 'site' block for 'uppmax'"),
    ("stray", "site-tabs-content", "A stray paragraph", "content in a 'site-tabs' group outside"),
]  # fmt: skip


@pytest.fixture(scope="module")
def bad_app(rootdir, tmp_path_factory):
    """The test root with its bad/ pages too (each page one mistake, in each syntax)."""
    return build_root(
        "sitetabs",
        tmp_path_factory.mktemp("build"),
        confoverrides={"exclude_patterns": ["_build", "snippets"]},
    )


def expected_line(path: Path, marker: str) -> int:
    """The number of the last line of ``path`` that contains ``marker``."""
    lines = path.read_text("utf-8").splitlines()
    return max(number for number, line in enumerate(lines, 1) if marker in line)


@pytest.mark.parametrize("syntax", ["rst", "myst"])
@pytest.mark.parametrize(
    ("page", "subtype", "marker", "message"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_warns_at_file_and_line(bad_app, syntax, page, subtype, marker, message):
    filename = f"bad/{page}.rst" if syntax == "rst" else f"bad/{page}-myst.md"
    line = expected_line(Path(bad_app.srcdir) / filename, marker)
    matching = [w for w in warnings_of(bad_app) if f"{filename}:" in w]
    assert len(matching) == 1, warnings_of(bad_app)
    (warning,) = matching
    assert f"{filename}:{line}: WARNING: " in warning
    assert message in warning
    assert warning.endswith(f"[lesson.{subtype}]")
    assert "Traceback" not in bad_app.warning.getvalue()


def test_bad_input_produces_only_the_expected_warnings(bad_app):
    assert len(warnings_of(bad_app)) == 2 * len(BAD_INPUTS), warnings_of(bad_app)


@pytest.mark.parametrize("suffix", ["", "-myst"])
def test_bad_input_is_repaired_and_the_rest_of_the_site_builds(bad_app, suffix):
    # Unknown site: still shown, under its own name.
    unknown = read_html(bad_app, f"bad/unknown{suffix}")
    assert [h.get_text() for h in unknown.select(".lesson-site-heading")] == ["UPPMAX", "nowhere"]
    # Empty group: left out, the text around it stays.
    empty = read_html(bad_app, f"bad/empty{suffix}")
    assert empty.select(".lesson-site-tabs") == []
    assert "Before." in empty.get_text() and "After." in empty.get_text()
    # A site on its own gets a group of its own.
    outside = read_html(bad_app, f"bad/outside{suffix}")
    (panel,) = outside.select("div.lesson-site-tabs > section.lesson-site-panel")
    assert panel["data-lesson-site"] == "hpc2n"
    # Duplicate: one tab per site; the second block's text joins the first.
    duplicate = read_html(bad_app, f"bad/duplicate{suffix}")
    assert [tab["data-lesson-site"] for tab in duplicate.select("[role=tab]")] == [
        "uppmax",
        "local",
    ]
    first = duplicate.select_one("section[data-lesson-site=uppmax]")
    assert "First UPPMAX block." in first.get_text() and "Second UPPMAX block." in first.get_text()
    # Stray content: moved before the group.
    stray = read_html(bad_app, f"bad/stray{suffix}")
    paragraph = stray.find("p", string="A stray paragraph.")
    assert paragraph.find_parent(class_="lesson-site-tabs") is None
    assert paragraph.find_next_sibling("div")["class"] == ["lesson-site-tabs"]
    # The good pages are untouched.
    assert len(read_html(bad_app, "rst").select("section.lesson-site-panel")) == 3


def test_the_documented_messages_are_the_ones_given(bad_app):
    """docs/extension/site-tabs.rst quotes each bad-input message; they must stay true."""
    page = Path(__file__).parent.parent / "docs" / "extension" / "site-tabs.rst"
    quoted = re.findall(r"^ +(bad/\S+: WARNING: .*)$", page.read_text("utf-8"), re.MULTILINE)
    given = [w.replace(f"{bad_app.srcdir}/", "") for w in warnings_of(bad_app)]
    assert len(quoted) == len(BAD_INPUTS)
    for message in quoted:
        assert message in given


def test_bad_input_fails_a_build_with_warnings_as_errors(rootdir, tmp_path_factory):
    app = build_root(
        "sitetabs",
        tmp_path_factory.mktemp("build"),
        warningiserror=True,
        confoverrides={"exclude_patterns": ["_build", "snippets", "bad/[!u]*", "bad/*.md"]},
    )
    assert app.statuscode == 1
    (warning,) = warnings_of(app)
    assert "bad/unknown.rst:12: WARNING: unknown site 'nowhere'" in warning


# --- Escaping -----------------------------------------------------------------------------------

HOSTILE_LABELS = {
    "uppmax": "<script>alert('label')</script>",
    "hpc2n": '"><img src=x onerror=alert(1)>',
    "local": "Local & <b>bold</b>",
}


def test_labels_and_site_names_with_html_are_shown_as_text(rootdir, tmp_path_factory):
    """Labels (from conf.py) and site names go into headings, tabs and attributes: text and
    identifiers only. The content is the author's, written as anywhere on the page."""
    srcdir = copy_root(rootdir, "sitetabs", tmp_path_factory.mktemp("escape"))
    (srcdir / "hostile.rst").write_text(
        ":orphan:\n\nHostile\n=======\n\n"
        ".. site-tabs::\n\n"
        "   .. site:: uppmax\n\n      <script>alert(3)</script>\n\n"
        "   .. site:: hpc2n\n\n      Text with <b>markup</b>.\n\n"
        "   .. site:: local\n\n      Plain.\n\n"
        "   .. site:: <img src=x onerror=alert(2)>\n\n      Unknown.\n",
        "utf-8",
    )
    app = make_test_app("html", srcdir, confoverrides={"lesson_sites": HOSTILE_LABELS})
    try:
        app.build()
    finally:
        app.cleanup()
    tags = sorted(warning.rsplit("[", 1)[-1] for warning in warnings_of(app))
    assert tags == ["lesson.site-unknown]"], warnings_of(app)
    soup = read_html(app, "hostile")
    group = soup.select_one("div.lesson-site-tabs")
    # No element came from a label, an argument or the (reStructuredText) content.
    assert group.find_all(["script", "img", "b"]) == []
    assert [h.get_text() for h in group.select(".lesson-site-heading")] == [
        *HOSTILE_LABELS.values(),
        "<img src=x onerror=alert(2)>",
    ]
    assert [t.get_text() for t in group.select("[role=tab]")] == [
        h.get_text() for h in group.select("h2")
    ]
    assert "<script>alert(3)</script>" in group.get_text()
    assert "Text with <b>markup</b>." in group.get_text()
    # Ids and data attributes are made from names, which are only ever [a-z0-9-].
    for tag in group.find_all(True):
        for attribute in ("id", "data-lesson-site", "aria-controls", "aria-labelledby"):
            if tag.has_attr(attribute):
                assert re.fullmatch(r"[a-z0-9-]+", tag[attribute]), (attribute, tag[attribute])
    # The data given to the script holds names only.
    script = soup.select_one("script[data-lesson-sites]")
    assert json.loads(script["data-lesson-sites"]) == list(HOSTILE_LABELS)
