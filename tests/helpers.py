"""Helpers for tests that build Sphinx projects and read their output."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

# Sphinx colours its messages in some terminals; tests compare plain text.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def warnings_of(app: SphinxTestApp) -> list[str]:
    """The warnings (and errors) a build logged, one string each, without colour codes."""
    text = _ANSI_ESCAPE.sub("", app.warning.getvalue())
    return [line for line in text.splitlines() if line.strip()]


def build_cleanly(app: SphinxTestApp) -> None:
    """Build and fail the test on any warning: a warning is a test result, never noise."""
    app.build()
    assert warnings_of(app) == []


def read_doctree(doctreedir: Path, docname: str):
    """One page's doctree as Sphinx pickled it after reading (references not yet resolved)."""
    import pickle

    with (doctreedir / f"{docname}.doctree").open("rb") as file:
        return pickle.load(file)


def read_html(app: SphinxTestApp, docname: str) -> BeautifulSoup:
    """Parse one built HTML page."""
    path = Path(app.outdir) / f"{docname}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def copy_root(rootdir: Path, name: str, destination: Path) -> Path:
    """Copy test root ``test-<name>`` to ``destination/src`` and return that folder.

    Every build gets its own copy, so no build sees another's output or environment.
    """
    import shutil

    srcdir = destination / "src"
    shutil.copytree(rootdir / f"test-{name}", srcdir)
    return srcdir


def make_test_app(builder: str, srcdir: Path, **kwargs) -> SphinxTestApp:
    """A SphinxTestApp outside the function-scoped fixtures, for module-scoped builds."""
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp

    return SphinxTestApp(builder, srcdir=srcdir, status=StringIO(), warning=StringIO(), **kwargs)


REPO_ROOT = Path(__file__).resolve().parent.parent


class SiteBuild:
    """The result of building the real site: where it went and what it warned."""

    def __init__(self, outdir: Path, doctreedir: Path, warnings: list[str], returncode: int):
        self.outdir = outdir
        self.doctreedir = doctreedir
        self.warnings = warnings
        self.returncode = returncode

    def html(self, docname: str) -> BeautifulSoup:
        """Parse one built page."""
        return BeautifulSoup((self.outdir / f"{docname}.html").read_text("utf-8"), "html.parser")


def build_site(
    builder: str, destination: Path, *options: str, sourcedir: Path | None = None
) -> SiteBuild:
    """Build docs/ with the root conf.py in a fresh process, as `make html` does.

    ``-n --keep-going`` as in the Makefile; warnings are collected rather than fatal so a
    test can show them all. ``sourcedir`` builds another folder of pages (a test root) with
    the course's own configuration instead of docs/.
    """
    import subprocess
    import sys

    outdir = destination / builder
    doctreedir = destination / "doctrees"
    warning_file = destination / "warnings.txt"
    command = [
        sys.executable, "-m", "sphinx", "-b", builder, "-c", str(REPO_ROOT),
        "-d", str(doctreedir), "-n", "--keep-going", "-q", "-w", str(warning_file),
        *options, str(sourcedir or REPO_ROOT / "docs"), str(outdir),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    text = warning_file.read_text("utf-8") if warning_file.exists() else ""
    warnings = [line for line in _ANSI_ESCAPE.sub("", text).splitlines() if line.strip()]
    if completed.returncode and not warnings:
        warnings = [completed.stderr.strip() or f"sphinx-build exited {completed.returncode}"]
    return SiteBuild(outdir, doctreedir, warnings, completed.returncode)


# --- Comparing whole output trees --------------------------------------------------------------

#: Files and folders two builds of the same sources may legitimately differ in, with the reason.
#: Everything else (pages, search index, objects.inv, static files) must be byte-identical.
LEGITIMATE_DIFFERENCES: dict[str, str] = {
    # The pickled environment and doctrees record file modification times and the build
    # folder; they are Sphinx's cache, not output anyone reads.
    ".doctrees": "Sphinx's cache (pickles with timestamps), not published output",
    # Hashes of the configuration Sphinx uses to decide on a full rebuild; not a page.
    ".buildinfo": "Sphinx's rebuild bookkeeping, not published output",
    # Written when .buildinfo changed between builds in one folder; bookkeeping as above.
    ".buildinfo.bak": "backup of Sphinx's rebuild bookkeeping, not published output",
}


def tree_files(root: Path) -> dict[str, Path]:
    """Every file under ``root`` by its relative POSIX path, minus the legitimate differences."""
    files = {}
    for path in sorted(Path(root).rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in LEGITIMATE_DIFFERENCES or not path.is_file():
            continue
        files[relative.as_posix()] = path
    return files


def assert_same_tree(a: Path, b: Path) -> None:
    """Assert that two output folders hold the same files with the same bytes.

    Only :data:`LEGITIMATE_DIFFERENCES` are skipped. On failure, the message lists the files
    only in one tree and, for the first differing file, the first differing line.
    """
    files_a, files_b = tree_files(a), tree_files(b)
    only_a = sorted(files_a.keys() - files_b.keys())
    only_b = sorted(files_b.keys() - files_a.keys())
    assert not only_a and not only_b, f"only in {a}: {only_a}; only in {b}: {only_b}"
    differing = [
        name for name in files_a if files_a[name].read_bytes() != files_b[name].read_bytes()
    ]
    if differing:
        first = differing[0]
        lines_a = files_a[first].read_bytes().splitlines()
        lines_b = files_b[first].read_bytes().splitlines()
        pairs = enumerate(zip(lines_a, lines_b, strict=False))
        detail = next(
            (f"line {n + 1}:\n  {la!r}\n  {lb!r}" for n, (la, lb) in pairs if la != lb),
            f"lengths {len(lines_a)} and {len(lines_b)} lines",
        )
        raise AssertionError(f"{len(differing)} files differ: {differing}; {first} at {detail}")


# --- Building a test project in its own process ------------------------------------------------

EXTENSIONS_DIR = REPO_ROOT / "extensions"


class ProcessBuild:
    """What ``sphinx-build`` did: exit code, warnings (one per message), and its stderr."""

    def __init__(self, returncode: int, warnings: str, stderr: str, outdir: Path):
        self.returncode = returncode
        self.warnings = warnings
        self.stderr = stderr
        self.outdir = outdir

    def html(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup((self.outdir / f"{docname}.html").read_text("utf-8"), "html.parser")


def run_sphinx(
    srcdir: Path, outdir: Path, *options: str, python: str | None = None
) -> ProcessBuild:
    """Build ``srcdir`` (its own conf.py) in a new process with the Makefile's options.

    ``-W --keep-going -n`` as in `make html`: a warning fails the build, yet every page is
    still written and every warning is reported.
    """
    import os
    import subprocess
    import sys

    warning_file = outdir.parent / f"{outdir.name}-warnings.txt"
    env = {**os.environ, "PYTHONPATH": str(EXTENSIONS_DIR), "NO_COLOR": "1"}
    command = [
        python or sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n",
        "-q", "-w", str(warning_file), "-d", str(outdir.parent / f"{outdir.name}-doctrees"),
        *options, str(srcdir), str(outdir),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    warnings = warning_file.read_text("utf-8") if warning_file.exists() else ""
    warnings = _ANSI_ESCAPE.sub("", warnings)
    return ProcessBuild(completed.returncode, warnings, completed.stderr, outdir)


#: The test roots: small Sphinx projects, ``roots/test-<name>/``.
ROOTS = Path(__file__).resolve().parent / "roots"


def build_root(
    name: str, destination: Path, builder: str = "html", *, cleanly: bool = False, **kwargs
) -> SphinxTestApp:
    """Build a fresh copy of ``roots/test-<name>`` under ``destination``; return the app.

    The one way the tests build a test root in this process (see :func:`build_once`).
    """
    return build_once(builder, copy_root(ROOTS, name, destination), cleanly=cleanly, **kwargs)


def build_once(builder: str, srcdir: Path, *, cleanly: bool = False, **kwargs) -> SphinxTestApp:
    """Build ``srcdir`` in this process and undo Sphinx's global registrations at once.

    The output and pickled doctrees stay on disk for the tests to read; cleaning up right away
    lets later builds in the same process start clean. ``cleanly`` fails on any warning.
    """
    app = make_test_app(builder, srcdir, **kwargs)
    try:
        if cleanly:
            build_cleanly(app)
        else:
            app.build()
    finally:
        app.cleanup()
    return app
