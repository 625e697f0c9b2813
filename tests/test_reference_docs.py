"""The extension's reference in the site: generated tables, and examples in both syntaxes."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from helpers import REPO_ROOT, copy_root, read_html, warnings_of
from sphinx_teaching.kinds import BOX_KINDS, KINDS_BY_DIRECTIVE
from sphinx_teaching.warnings import LessonWarning

SNIPPETS = REPO_ROOT / "docs" / "extension" / "snippets"
EXTENSION_DOCS = REPO_ROOT / "docs" / "extension"


def table_rows(soup: BeautifulSoup, index: int = 0) -> list[list[str]]:
    table = soup.find_all("table")[index]
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in table.find("tbody").find_all("tr")
    ]


# --- Generated tables, in a test root ---------------------------------------------------------


@pytest.fixture
def reference_app(make_app, rootdir, tmp_path):
    app = make_app("html", srcdir=copy_root(rootdir, "reference", tmp_path), freshenv=True)
    app.build()
    return app


def test_box_kinds_table_has_every_kind_alias_and_option(reference_app):
    rows = table_rows(read_html(reference_app, "index"), 0)
    assert [row[0].split(" , ")[0] for row in rows] == [kind.name for kind in BOX_KINDS]
    for row, kind in zip(rows, BOX_KINDS, strict=True):
        for alias in kind.aliases:
            assert alias in row[0]
        assert row[1] == kind.default_title
        assert kind.node_class.__name__ == row[5]
        for option in (":class:", ":name:", ":collapsible:"):
            assert option in row[4]
    solution = rows[[kind.name for kind in BOX_KINDS].index("solution")]
    assert ":open:" in solution[4] and solution[3] == "closed"


def test_config_table_lists_exactly_our_config_values(reference_app):
    rows = table_rows(read_html(reference_app, "index"), 1)
    ours = sorted(name for name in reference_app.config._options if name.startswith("lesson_"))
    assert [row[0] for row in rows] == ours
    limit = rows[ours.index("lesson_example_limit")]
    assert limit[1:4] == ["3", "int", "env"]
    assert re.sub(r"\s+", " ", limit[4]) in ("How many examples .", "How many examples.")


def test_config_value_without_description_is_shown_as_such(reference_app):
    rows = table_rows(read_html(reference_app, "index"), 1)
    (row,) = [row for row in rows if row[0] == "lesson_example_undescribed"]
    assert row[4] == "(No description given.)"
    assert warnings_of(reference_app) == [w for w in warnings_of(reference_app) if "nowhere" in w]


def test_every_config_value_of_the_extension_is_described(make_app, tmp_path):
    """The reference shows each value's ``description=``: every ``lesson_*`` value needs one."""
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_teaching"]\n')
    (tmp_path / "index.rst").write_text("Empty\n=====\n")
    app = make_app("html", srcdir=tmp_path)
    options = app.config._options
    undescribed = [
        name
        for name in sorted(options)
        if name.startswith("lesson_") and not getattr(options[name], "description", "")
    ]
    assert undescribed == [], "pass description= to app.add_config_value for these"


def test_warning_catalogue_lists_every_subtype(reference_app):
    rows = table_rows(read_html(reference_app, "index"), 2)
    assert [row[0] for row in rows] == ["lesson", *[w.tag for w in LessonWarning]]
    for row, subtype in zip(rows[1:], LessonWarning, strict=True):
        # The description as rendered: inline literals unquoted, smart quotes made plain.
        rendered = row[1].translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))
        assert rendered.split()[:3] == subtype.description.replace("``", "").split()[:3]


def test_example_shows_both_sources_and_renders_the_rst(reference_app):
    soup = read_html(reference_app, "index")
    example = soup.find(class_="lesson-example")
    captions = [c.get_text(strip=True) for c in example.find_all(class_="caption-text")]
    assert captions == ["reStructuredText", "MyST Markdown"]
    sources = [pre.get_text() for pre in example.find_all("pre")]
    assert sources == [
        (reference_app.srcdir / "snippets" / f"box{suffix}").read_text()
        for suffix in (".rst", ".md")
    ]
    box = example.find(class_="lesson-example-result").find(class_="exercise")
    assert "Snippet body." in box.get_text()


def test_example_with_a_missing_snippet_warns_at_its_line(reference_app):
    warnings = [w for w in warnings_of(reference_app) if "nowhere" in w]
    assert len(warnings) == 1
    assert re.search(r"missing\.rst:6: WARNING: .*\[lesson\.reference\]$", warnings[0])


# --- The site's reference pages ----------------------------------------------------------------


def test_site_reference_pages_are_in_the_authors_section(site):
    index = site.html("extension/index")
    linked = {a["href"] for a in index.find_all("a", class_="reference internal")}
    for page in ("directives", "configuration", "warnings", "moving-from-sphinx-lesson"):
        assert f"{page}.html" in linked
    home = site.html("index")
    captions = [c.get_text(strip=True) for c in home.find_all(class_="caption-text")]
    assert "For course authors" in captions


def test_site_directive_reference_shows_every_kind_in_both_syntaxes(site):
    page = site.html("extension/directives")
    shown = {pre.get_text() for pre in page.find_all("pre")}
    for kind in BOX_KINDS:
        for suffix in (".rst", ".md"):
            snippet = SNIPPETS / f"{kind.name}{suffix}"
            assert snippet.is_file(), f"no example {snippet.name} for {kind.name}"
            assert snippet.read_text() in shown, f"{snippet.name} is not shown"
    aliases = (SNIPPETS / "aliases.rst").read_text()
    for directive, kind in KINDS_BY_DIRECTIVE.items():
        if directive != kind.name:
            assert f".. {directive}::" in aliases
    # Every option of every directive has an example.
    options = (SNIPPETS / "options.rst").read_text()
    for option in (":class:", ":name:", ":collapsible:", ":open:"):
        assert option in options


def test_site_warning_page_lists_every_subtype(site):
    text = site.html("extension/warnings").get_text()
    for subtype in LessonWarning:
        assert subtype.tag in text


def test_every_snippet_is_shown_in_the_docs():
    pages = "\n".join(p.read_text() for p in EXTENSION_DOCS.glob("*.*") if p.is_file())
    for snippet in SNIPPETS.iterdir():
        stem = f"snippets/{snippet.stem}"
        assert stem in pages, f"{snippet.name} is not used by any page of docs/extension/"


# --- Each snippet builds, and both syntaxes give the same result ------------------------------


def build_snippets(suffix: str, destination: Path) -> tuple[Path, list[str]]:
    """Build every snippet with ``suffix`` as a page, with the site's conf.py."""
    srcdir = destination / "src"
    srcdir.mkdir(parents=True)
    for snippet in SNIPPETS.glob(f"*{suffix}"):
        # A title of the same text in each syntax, so the page can be listed in the toctree.
        title = f"# {snippet.stem}" if suffix == ".md" else f"{snippet.stem}\n{'=' * 40}"
        (srcdir / snippet.name).write_text(f"{title}\n\n{snippet.read_text()}")
    (srcdir / "index.rst").write_text("Snippets\n========\n\n.. toctree::\n   :glob:\n\n   *\n")
    doctrees = destination / "doctrees"
    warning_file = destination / "warnings.txt"
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-c", str(REPO_ROOT), "-d", str(doctrees),
        "-n", "--keep-going", "-q", "-w", str(warning_file), str(srcdir), str(destination / "html"),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    warnings = warning_file.read_text().splitlines() if warning_file.exists() else []
    if completed.returncode and not warnings:
        warnings = [completed.stderr]
    return doctrees, warnings


def boxes_of(doctree: nodes.document) -> list[tuple]:
    """What a reader gets from a snippet: each admonition's class, kind, title, state, text."""
    result = []
    for box in doctree.findall(nodes.Admonition):
        title = box.next_node(nodes.title)
        result.append(
            (
                type(box).__name__,
                box.get("kind"),
                title.astext() if title else None,
                box.get("collapsible"),
                sorted(box["classes"]),
                " ".join(box.astext().split()),
            )
        )
    return result


@pytest.fixture(scope="module")
def snippet_builds(tmp_path_factory):
    return {
        suffix: build_snippets(suffix, tmp_path_factory.mktemp(suffix.strip(".")))
        for suffix in (".rst", ".md")
    }


@pytest.mark.parametrize("suffix", [".rst", ".md"])
def test_every_snippet_builds_without_warnings(snippet_builds, suffix):
    _doctrees, warnings = snippet_builds[suffix]
    assert warnings == []


@pytest.mark.parametrize(
    "stem",
    sorted({p.stem for p in SNIPPETS.glob("*.rst")} & {p.stem for p in SNIPPETS.glob("*.md")}),
)
def test_both_syntaxes_of_a_snippet_give_the_same_boxes(snippet_builds, stem):
    doctrees = {
        suffix: pickle.loads((snippet_builds[suffix][0] / f"{stem}.doctree").read_bytes())
        for suffix in (".rst", ".md")
    }
    rst, md = (boxes_of(doctrees[s]) for s in (".rst", ".md"))
    assert rst == md
    assert " ".join(doctrees[".rst"].astext().split()) == " ".join(doctrees[".md"].astext().split())


def test_generated_tables_are_read_again_on_every_build(make_app, rootdir, tmp_path):
    """Sphinx does not see changes to the extension's code: the pages that show it are reread."""
    srcdir = copy_root(rootdir, "reference", tmp_path)
    make_app("html", srcdir=srcdir, freshenv=True).build()
    app = make_app("html", srcdir=srcdir)
    app.build()
    status = re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())
    reread = re.findall(r"reading sources\.\.\. \[[ \d]+%\] (\S+)", status)
    assert reread == ["index"]  # the page with the tables; not the unchanged missing.rst
