"""The output does not depend on how the build was run.

Two clean builds, and a parallel and a serial build, give the same files, compared byte by
byte (`assert_same_tree`, which skips only Sphinx's own bookkeeping, saying why). After adding,
editing, renaming and deleting lesson pages, an incremental build writes the pages it read
again as a clean build does. The other pages' navigation and the HTML of deleted pages are
Sphinx's business: it rewrites only the pages it reads (CONTRIBUTING.md, "After renaming or
deleting pages"); tests/test_summaries.py checks the pages the extension generates.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from helpers import (
    assert_same_tree,
    build_cleanly,
    build_site,
    copy_root,
    make_test_app,
    run_sphinx,
)

# --- The real site ----------------------------------------------------------------------------


def test_two_clean_builds_of_the_site_are_identical(site, tmp_path):
    again = build_site("html", tmp_path)
    assert again.warnings == []
    assert_same_tree(site.outdir, again.outdir)


def test_parallel_build_of_the_site_is_identical(site, tmp_path):
    parallel = build_site("html", tmp_path, "-j", "2")
    assert parallel.warnings == []
    assert_same_tree(site.outdir, parallel.outdir)


# --- A small course, built every way ----------------------------------------------------------


def build(srcdir: Path, builddir: Path, parallel: int = 0) -> Path:
    """Build ``srcdir`` into ``builddir/html`` (reusing its environment if there is one).

    In a new process each time, as `make html` runs: Sphinx caches some facts per process
    (such as the checksums of static files), so in-process builds can hide differences.
    """
    options = ("-j", str(parallel)) if parallel else ()
    result = run_sphinx(srcdir, builddir / "html", *options)
    assert result.returncode == 0, result.warnings + result.stderr
    assert result.warnings == ""
    return result.outdir


def touch_later(path: Path) -> None:
    """Give an edited file a modification time clearly after the last build read it."""
    later = time.time() + 2
    os.utime(path, (later, later))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    touch_later(path)


def change_the_course(srcdir: Path) -> None:
    """Add, edit, rename and delete lesson pages, as a contributor would."""
    lessons = srcdir / "lessons"
    # Add a page (and list it in the toctree).
    write(
        lessons / "virtualenv.rst",
        "virtualenv\n==========\n\n.. exercise:: Make a virtualenv\n\n   Try it.\n",
    )
    # Edit a page: the box title that another page's link shows.
    venv = lessons / "venv.rst"
    write(venv, venv.read_text().replace("Make a venv", "Create a venv"))
    # Rename a page (its label, linked from the introduction, moves with it).
    (lessons / "conda.md").rename(lessons / "conda-environments.md")
    touch_later(lessons / "conda-environments.md")
    # Delete a page.
    (lessons / "old.rst").unlink()
    index = srcdir / "index.rst"
    toctree = index.read_text()
    toctree = toctree.replace("   lessons/conda\n", "   lessons/conda-environments\n")
    toctree = toctree.replace("   lessons/old\n", "   lessons/virtualenv\n")
    write(index, toctree)


@pytest.mark.parametrize("parallel", [0, 2])
def test_incremental_build_writes_the_changed_pages_as_a_clean_build(rootdir, tmp_path, parallel):
    srcdir = copy_root(rootdir, "course", tmp_path / "incremental")
    outdir = build(srcdir, tmp_path / "incremental" / "build", parallel=parallel)
    change_the_course(srcdir)
    build(srcdir, tmp_path / "incremental" / "build", parallel=parallel)

    clean_src = tmp_path / "clean" / "src"
    shutil.copytree(srcdir, clean_src)
    clean_out = build(clean_src, tmp_path / "clean" / "build")
    for page in ("index", "lessons/virtualenv", "lessons/venv", "lessons/conda-environments"):
        written = (outdir / f"{page}.html").read_bytes()
        assert written == (clean_out / f"{page}.html").read_bytes(), page


def test_a_build_with_nothing_changed_writes_nothing(rootdir, tmp_path):
    srcdir = copy_root(rootdir, "course", tmp_path)
    outdir = build(srcdir, tmp_path / "build")
    page = outdir / "lessons" / "intro.html"
    written = page.stat().st_mtime_ns
    build(srcdir, tmp_path / "build")
    assert page.stat().st_mtime_ns == written


def test_parallel_build_gives_the_same_site_as_a_serial_build(rootdir, tmp_path):
    serial = build(copy_root(rootdir, "course", tmp_path / "serial"), tmp_path / "serial" / "b")
    parallel = build(
        copy_root(rootdir, "course", tmp_path / "parallel"), tmp_path / "parallel" / "b", 2
    )
    assert_same_tree(serial, parallel)


def test_each_reading_process_sends_back_only_the_pages_it_read(tmp_path):
    """In a parallel read, the teaching data a process returns is that of its own pages.

    Sphinx forks a process per chunk of pages and unpickles each one's whole environment;
    a process forked after a merge starts with every page merged so far. Broken on purpose
    (the forgetting at the top of ``domain.collect_page`` removed), the third process sends
    back the first two's pages and this fails. 40 pages make the three chunks.
    """
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('extensions = ["sphinx_teaching"]\n')
    pages = [f"page{number:02}" for number in range(40)]
    toctree = "".join(f"   {page}\n" for page in pages)
    (srcdir / "index.rst").write_text(f"Course\n======\n\n.. toctree::\n\n{toctree}")
    for page in pages:
        text = f"{page}\n======\n\n.. keypoints::\n\n   - The key point of {page}.\n"
        (srcdir / f"{page}.rst").write_text(text)
    sent_back: list[tuple[set[str], set[str]]] = []

    def note_merge(app, env, docnames, other) -> None:
        sent_back.append((set(docnames), set(other.domaindata["lesson"]["pages"])))

    app = make_test_app("html", srcdir, parallel=2)
    app.connect("env-merge-info", note_merge)
    try:
        build_cleanly(app)
    finally:
        app.cleanup()
    assert len(sent_back) >= 3
    for read, returned in sent_back:
        assert returned == read
    assert set().union(*(read for read, _ in sent_back)) == {"index", *pages}
