"""Offline formats: `make epub`, `make singlehtml` and `make dist` give the whole course.

Every page, every solution (open in EPUB, where readers cannot be relied on to open
``<details>``), and a zip of the HTML site that works from ``file://`` with its search.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from helpers import REPO_ROOT, copy_root, warnings_of
from sphinx_teaching import nodes as box_nodes

# --- The extension, on a small test root ------------------------------------------------------


def solutions_in(soup: BeautifulSoup) -> list:
    """The solutions written where they are on their pages (the exercise list copies them)."""
    return [
        tag
        for tag in soup.find_all(class_="solution")
        if tag.name in ("div", "details") and tag.find_parent(class_="lesson-summary") is None
    ]


def test_epub_writes_every_solution_and_dropdown_open(make_app, rootdir, tmp_path):
    app = make_app("epub", srcdir=copy_root(rootdir, "offline", tmp_path))
    app.build()
    assert warnings_of(app) == []
    pages = {name: (app.outdir / f"{name}.xhtml").read_text() for name in ("index", "second")}
    for name, titles in {"index": ["Solution"], "second": ["Worked answer"]}.items():
        soup = BeautifulSoup(pages[name], "html.parser")
        assert soup.find("details") is None, f"{name}: a collapsed box in the EPUB"
        solutions = solutions_in(soup)
        assert [s.find(class_="admonition-title").get_text(strip=True) for s in solutions] == titles
    assert "The first answer." in pages["index"] and "The hint text." in pages["index"]
    assert "The second answer." in pages["second"]


def test_html_keeps_solutions_collapsible(make_app, rootdir, tmp_path):
    app = make_app("singlehtml", srcdir=copy_root(rootdir, "offline", tmp_path))
    app.build()
    assert warnings_of(app) == []
    soup = BeautifulSoup((app.outdir / "index.html").read_text(), "html.parser")
    solutions = solutions_in(soup)
    assert [s.name for s in solutions] == ["details", "details"]
    assert sorted(s.find("summary").get_text(strip=True) for s in solutions) == [
        "Solution",
        "Worked answer",
    ]


@pytest.mark.parametrize(
    ("builder", "page"), [("epub", "index.xhtml"), ("singlehtml", "index.html")]
)
def test_every_site_variant_is_present_and_labelled_offline(make_app, tmp_path, builder, page):
    sites = {"uppmax": "UPPMAX", "hpc2n": "HPC2N", "local": "Your own computer"}
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(
        f'extensions = ["sphinx_teaching"]\nlesson_sites = {sites!r}\n'
        'version = "1"\ncopyright = "2026"\n'
    )
    body = "".join(f"   .. site:: {name}\n\n      Only for {name} here.\n\n" for name in sites)
    (srcdir / "index.rst").write_text(f"Sites\n=====\n\n.. site-tabs::\n\n{body}")
    app = make_app(builder, srcdir=srcdir, freshenv=True)
    app.build()
    assert warnings_of(app) == []
    soup = BeautifulSoup((app.outdir / page).read_text(), "html.parser")
    for name, label in sites.items():
        holder = soup.find(string=re.compile(f"Only for {name} here"))
        assert holder is not None, f"{builder}: the {label} variant is missing"
        # Labelled: the smallest container around the variant that names its site holds no
        # other variant (or the container is labelled by an element with the site's name).
        others = [f"Only for {other} here." for other in sites if other != name]
        labelled = False
        for parent in holder.parents:
            text = parent.get_text(" ")
            if any(other in text for other in others):
                break
            labelledby = (parent.get("aria-labelledby") or "").split()
            named_by = soup.find(id=labelledby[0]) if labelledby else None
            if label in text or (named_by is not None and label in named_by.get_text(" ")):
                labelled = True
                break
        assert labelled, f"{builder}: the {label} variant has no label"
        if builder == "epub":
            assert not [p for p in holder.parents if p.has_attr("hidden")], (
                f"the EPUB hides the {label} variant"
            )


# --- The course, through the make targets -----------------------------------------------------


def run_make(target: str, builddir: Path) -> subprocess.CompletedProcess:
    """`make <target>` with this interpreter, into ``builddir``, warnings as errors."""
    command = [
        "make", "--no-print-directory", "-C", str(REPO_ROOT), target, f"BUILDDIR={builddir}",
        "VENV_STAMP=", f"VENV_PYTHON={sys.executable}", "SPHINXOPTS=-W --keep-going -n -q",
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def course_build(tmp_path_factory):
    """Build a make target of the course once per module; returns (builddir, doctrees)."""
    builds: dict[str, Path] = {}

    def build(target: str) -> Path:
        if target not in builds:
            builddir = tmp_path_factory.mktemp(target)
            completed = run_make(target, builddir)
            assert completed.returncode == 0, completed.stdout + completed.stderr
            assert "WARNING" not in completed.stderr, completed.stderr
            builds[target] = builddir
        return builds[target]

    return build


def course_doctrees(doctreedir: Path) -> dict[str, nodes.document]:
    env = pickle.loads((doctreedir / "environment.pickle").read_bytes())
    return {
        docname: pickle.loads((doctreedir / f"{docname}.doctree").read_bytes())
        for docname in sorted(env.found_docs)
    }


def solution_count(doctrees: dict[str, nodes.document]) -> int:
    return sum(len(list(d.findall(box_nodes.solution_node))) for d in doctrees.values())


def test_epub_holds_every_page_and_every_solution_open(course_build):
    builddir = course_build("epub")
    doctrees = course_doctrees(builddir / "doctrees" / "epub")
    (book,) = (builddir / "epub").glob("*.epub")
    with zipfile.ZipFile(book) as epub:
        names = epub.namelist()
        assert names[0] == "mimetype"
        opf = epub.read("content.opf").decode()
        pages = {name: epub.read(name).decode() for name in names if name.endswith(".xhtml")}
    for docname in doctrees:
        assert f"{docname}.xhtml" in pages, f"{docname} is missing from the EPUB"
        assert f'href="{docname}.xhtml"' in opf
    solutions = []
    for name, page in pages.items():
        soup = BeautifulSoup(page, "html.parser")
        assert soup.find("details") is None, f"{name}: a collapsed box in the EPUB"
        solutions += solutions_in(soup)
    assert len(solutions) == solution_count(doctrees) > 0
    for solution in solutions:
        assert solution.find(class_="admonition-title").get_text(strip=True)
    # The diagrams: each picture is in the book and its manifest, with its text alternative.
    pictures = set()
    for name, page in pages.items():
        for image in BeautifulSoup(page, "html.parser").find_all("img"):
            path = _normalise(f"{name.rpartition('/')[0]}/{unquote(image['src'])}")
            assert path in names, f"{name}: {image['src']} is not in the EPUB"
            assert f'href="{path}"' in opf, f"{path} is not in the EPUB's manifest"
            assert image.get("alt", "").strip(), f"{name}: {image['src']} has no text alternative"
            pictures.add(path.rpartition("/")[2])
    diagrams = {path.name for path in (REPO_ROOT / "docs" / "_images").glob("*.svg")}
    assert diagrams and diagrams <= pictures


def test_singlehtml_holds_every_page_and_every_solution(course_build):
    builddir = course_build("singlehtml")
    doctrees = course_doctrees(builddir / "doctrees" / "singlehtml")
    soup = BeautifulSoup((builddir / "singlehtml" / "index.html").read_text(), "html.parser")
    # Compared without spaces: inline markup in a title adds spaces around get_text's pieces.
    main_text = "".join(soup.find(role="main").get_text().split())
    for docname, doctree in doctrees.items():
        title = doctree.next_node(nodes.title)
        if title is not None:
            assert "".join(title.astext().split()) in main_text, f"{docname} is missing"
    solutions = solutions_in(soup)
    assert len(solutions) == solution_count(doctrees) > 0
    for solution in solutions:
        assert solution.find("summary").get_text(strip=True)


@pytest.fixture(scope="module")
def dist_zip(course_build):
    (archive,) = (course_build("dist") / "dist").glob("*.zip")
    with zipfile.ZipFile(archive) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def test_dist_zip_has_one_folder_with_the_site(dist_zip):
    folders = {name.split("/")[0] for name in dist_zip}
    assert len(folders) == 1
    (folder,) = folders
    for required in ("index.html", "search.html", "searchindex.js", "_static/searchtools.js"):
        assert f"{folder}/{required}" in dist_zip
    assert not any("/.doctrees/" in name or name.endswith(".buildinfo") for name in dist_zip)


def test_dist_links_and_assets_resolve_inside_the_zip(dist_zip):
    """What a browser loads from file://: every local link and asset is in the zip, and
    nothing is loaded from another host or from the root of the disk."""
    for name, data in dist_zip.items():
        if not name.endswith(".html"):
            continue
        soup = BeautifulSoup(data.decode(), "html.parser")
        base = name.rsplit("/", 1)[0]
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("a", "href")):
            for element in soup.find_all(tag):
                url = element.get(attribute)
                if not url or url.startswith(("#", "mailto:")):
                    continue
                parts = urlsplit(url)
                if parts.scheme in ("http", "https"):
                    assert tag == "a", f"{name} loads {url} from the network"
                    continue
                assert not parts.scheme and not url.startswith("/"), f"{name}: {url}"
                target = _normalise(f"{base}/{unquote(parts.path)}") if parts.path else name
                assert target in dist_zip, f"{name}: {url} is not in the zip"


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def test_dist_search_works_from_disk(dist_zip):
    (folder,) = {name.split("/")[0] for name in dist_zip}
    search = BeautifulSoup(dist_zip[f"{folder}/search.html"].decode(), "html.parser")
    scripts = [s.get("src", "") for s in search.find_all("script")]
    inline = " ".join(s.get_text() for s in search.find_all("script") if not s.get("src"))
    # A <script> tag loads the index (written in the page, or added by Search.loadIndex), which
    # browsers allow from file://; fetch() would be refused.
    assert "searchindex.js" in scripts or 'Search.loadIndex("searchindex.js")' in inline
    assert any(src.startswith("_static/searchtools.js") for src in scripts)
    index = dist_zip[f"{folder}/searchindex.js"].decode()
    assert index.startswith("Search.setIndex(")
    assert '"docnames"' in index and "extension/directives" in index
    options = dist_zip[f"{folder}/_static/documentation_options.js"].decode()
    # Result summaries would be fetched with fetch(): switched off for the offline copy.
    assert "SHOW_SEARCH_SUMMARY: false" in options


@pytest.mark.slow
def test_dist_search_finds_pages_in_a_browser_from_disk(course_build, tmp_path):
    """Open the unpacked zip's search page from file:// in headless Chromium, if installed."""
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium on this machine")
    (archive,) = (course_build("dist") / "dist").glob("*.zip")
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(tmp_path)
    (search,) = tmp_path.glob("*/search.html")
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=8000",
        "--dump-dom", f"{search.as_uri()}?q=exercise",
    ]  # fmt: skip
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False).stdout
    results = BeautifulSoup(dom, "html.parser").select("ul.search li a")
    assert "extension/directives.html" in {a["href"] for a in results}
