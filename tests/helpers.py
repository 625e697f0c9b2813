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


def build_site(builder: str, destination: Path, *options: str) -> SiteBuild:
    """Build docs/ with the root conf.py in a fresh process, as `make html` does.

    ``-n --keep-going`` as in the Makefile; warnings are collected rather than fatal so a
    test can show them all.
    """
    import subprocess
    import sys

    outdir = destination / builder
    doctreedir = destination / "doctrees"
    warning_file = destination / "warnings.txt"
    command = [
        sys.executable, "-m", "sphinx", "-b", builder, "-c", str(REPO_ROOT),
        "-d", str(doctreedir), "-n", "--keep-going", "-q", "-w", str(warning_file),
        *options, str(REPO_ROOT / "docs"), str(outdir),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    text = warning_file.read_text("utf-8") if warning_file.exists() else ""
    warnings = [line for line in _ANSI_ESCAPE.sub("", text).splitlines() if line.strip()]
    if completed.returncode and not warnings:
        warnings = [completed.stderr.strip() or f"sphinx-build exited {completed.returncode}"]
    return SiteBuild(outdir, doctreedir, warnings, completed.returncode)
