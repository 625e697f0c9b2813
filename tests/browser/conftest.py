"""Fixtures of the browser tests: one Chromium per session, the built sites served locally.

Every test in this folder gets the ``browser`` marker: `pytest -m "not browser"` runs the
rest of the suite alone. Where Chromium, Playwright or axe-core is missing the tests skip
with the reason, except in CI (CI=true), where they fail instead: CI must run them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lessonbrowser import AXE_SCRIPT, Tab, in_ci, launch, missing_tools, serve, site_pages

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def _require_tools() -> None:
    if problems := missing_tools():
        reason = "browser tests need: " + "; ".join(problems)
        if in_ci():
            pytest.fail(reason + " (CI=true: the browser tests must run in CI)", pytrace=False)
        pytest.skip(reason)


@dataclass
class ServedSite:
    """A built site as the browser sees it."""

    name: str
    outdir: Path
    url: str
    pages: list[str] = field(default_factory=list)

    def page_url(self, page: str) -> str:
        return self.url + page


@pytest.fixture(scope="session")
def playwright_browser():
    """Debian's Chromium, started once for the whole session."""
    _require_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def local_server(tmp_path_factory):
    """One local server for all that the browser loads: a folder and the URL of its root."""
    root = tmp_path_factory.mktemp("served")
    with serve(root) as base_url:
        yield root, base_url


@pytest.fixture(scope="session")
def served_sites(site, instructor_site, feature_site, tabs_site, local_server):
    """The course site (learners' and instructors' views), the feature test site and the
    site-tabs test site, served from one local server."""
    builds = {
        "course": site,
        "course-instructor": instructor_site,
        "features": feature_site,
        "tabs": tabs_site,
    }
    root, base_url = local_server
    for name, build in builds.items():
        # Warnings are test_site's and test_html5's to report; here the pages must exist.
        assert (build.outdir / "index.html").is_file(), build.warnings
        os.symlink(build.outdir, root / name)
    return {
        name: ServedSite(name, build.outdir, f"{base_url}{name}/", site_pages(build.outdir))
        for name, build in builds.items()
    }


@pytest.fixture(scope="session")
def axe_url(local_server) -> str:
    """axe-core's script from the local server, where the browser caches it (a script
    passed inline was parsed anew on every page)."""
    _require_tools()
    root, base_url = local_server
    os.symlink(AXE_SCRIPT.parent, root / "axe-core")
    return f"{base_url}axe-core/{AXE_SCRIPT.name}"


@pytest.fixture(params=["course", "features", "tabs"])
def served(request, served_sites) -> ServedSite:
    """Each site in turn: the real course, every feature, then the site tabs."""
    return served_sites[request.param]


@pytest.fixture
def course_instructor(served_sites) -> ServedSite:
    return served_sites["course-instructor"]


@pytest.fixture
def course(served_sites) -> ServedSite:
    return served_sites["course"]


@pytest.fixture
def features(served_sites) -> ServedSite:
    return served_sites["features"]


@pytest.fixture
def tabs(served_sites) -> ServedSite:
    return served_sites["tabs"]


@pytest.fixture
def new_tab(playwright_browser):
    """Open a fresh tab (own context: no shared storage or clipboard) at a viewport."""
    tabs: list[Tab] = []

    def open_tab(viewport: dict[str, int] | None = None) -> Tab:
        tab = Tab(playwright_browser, viewport)
        tabs.append(tab)
        return tab

    yield open_tab
    for tab in tabs:
        tab.close()


@pytest.fixture
def tab(new_tab) -> Tab:
    """A fresh desktop-sized tab."""
    return new_tab()
