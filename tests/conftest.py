"""Shared fixtures: Sphinx's own test fixtures, our test roots, and build helpers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The extension is imported from the source tree, as conf.py does.
sys.path.insert(0, str(REPO_ROOT / "extensions"))
# The site's own tooling (the extension's reference tables), as conf.py loads it.
sys.path.insert(0, str(REPO_ROOT / "docs" / "_ext"))

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


@pytest.fixture(scope="session")
def feature_site(tmp_path_factory):
    """One HTML build of `roots/test-browser/` with the course's own conf.py.

    Every box kind, solutions in every form and shell sessions on a few pages, so that the
    browser, accessibility and HTML checks see each feature even where the lessons use
    few of them. Built as the instructor view (`-t instructor`, as `make html-instructor`),
    since the learners' view leaves instructor notes out.
    """
    from helpers import build_site

    root = Path(__file__).parent / "roots" / "test-browser"
    destination = tmp_path_factory.mktemp("feature-site")
    return build_site("html", destination, "-t", "instructor", sourcedir=root)


@pytest.fixture(scope="session")
def instructor_site(tmp_path_factory):
    """The course as `make html-instructor` builds it: with instructor notes and the guide."""
    from helpers import build_site

    return build_site("html", tmp_path_factory.mktemp("instructor-site"), "-t", "instructor")


@pytest.fixture(scope="session")
def tabs_site(tmp_path_factory):
    """One HTML build of `roots/test-browser-tabs/` (site tabs on two pages) with the course's
    conf.py."""
    from helpers import build_site

    root = Path(__file__).parent / "roots" / "test-browser-tabs"
    return build_site("html", tmp_path_factory.mktemp("tabs-site"), sourcedir=root)
