"""Shared fixtures: Sphinx's own test fixtures, our test roots, and build helpers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The extension is imported from the source tree, as conf.py does.
sys.path.insert(0, str(REPO_ROOT / "extensions"))

pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where `@pytest.mark.sphinx(testroot="boxes")` finds `roots/test-boxes/`."""
    return Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """One clean HTML build of the real course site, exactly as `make html` runs it.

    Built once per test session, in a separate process like `make html`, into a temporary
    folder; the tests read its output and its warnings.
    """
    from helpers import build_site

    return build_site("html", tmp_path_factory.mktemp("site"))
