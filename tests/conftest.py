"""Shared fixtures: Sphinx's own test fixtures, our test roots, and build helpers."""

from __future__ import annotations

import os
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


def built_once(tmp_path_factory, name: str, *options: str, sourcedir: Path | None = None):
    """``build_site(...)`` made once per test session, however many xdist workers run it.

    The first worker to ask builds it in a folder all workers share, under a lock; the others
    wait for it and read the same build. The sites are only ever read by the tests.
    """
    import fcntl
    import json

    from helpers import SiteBuild, build_site

    shared = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        shared = shared.parent  # the session's folder, above each worker's own
    destination = shared / f"shared-{name}"
    record = shared / f"shared-{name}.json"
    with (shared / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.exists():
            fields = json.loads(record.read_text())
            outdir, doctreedir = Path(fields["outdir"]), Path(fields["doctreedir"])
            return SiteBuild(outdir, doctreedir, fields["warnings"], fields["returncode"])
        destination.mkdir()
        build = build_site("html", destination, *options, sourcedir=sourcedir)
        fields = {
            "outdir": str(build.outdir),
            "doctreedir": str(build.doctreedir),
            "warnings": build.warnings,
            "returncode": build.returncode,
        }
        record.write_text(json.dumps(fields))
        return build


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """One clean HTML build of the real course site, exactly as `make html` runs it.

    Built once per test session, in a separate process like `make html`, into a temporary
    folder; the tests read its output and its warnings.
    """
    return built_once(tmp_path_factory, "site")


@pytest.fixture(scope="session")
def feature_site(tmp_path_factory):
    """One HTML build of `roots/test-browser/` with the course's own conf.py.

    Every box kind, solutions in every form and shell sessions on a few pages, so that the
    browser, accessibility and HTML checks see each feature even where the lessons use
    few of them. Built as the instructor view (`-t instructor`, as `make html-instructor`),
    since the learners' view leaves instructor notes out.
    """
    root = Path(__file__).parent / "roots" / "test-browser"
    return built_once(tmp_path_factory, "feature-site", "-t", "instructor", sourcedir=root)


@pytest.fixture(scope="session")
def instructor_site(tmp_path_factory):
    """The course as `make html-instructor` builds it: with instructor notes and the guide."""
    return built_once(tmp_path_factory, "instructor-site", "-t", "instructor")


@pytest.fixture(scope="session")
def tabs_site(tmp_path_factory):
    """One HTML build of `roots/test-browser-tabs/` (site tabs on two pages) with the course's
    conf.py."""
    root = Path(__file__).parent / "roots" / "test-browser-tabs"
    return built_once(tmp_path_factory, "tabs-site", sourcedir=root)


@pytest.fixture(scope="module")
def site_manifest(site):
    """The command manifest of the course site's build (what the runner and the centre model
    read)."""
    from command_helpers import manifest_of

    assert site.returncode == 0, site.warnings
    return manifest_of(site.doctreedir)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules marked ``early`` first, each kept whole (its module fixtures are set up once).

    A worker that runs out of tests takes the last ones from the other worker's queue
    (``--dist worksteal``), so a long test left at the end of a queue is run alone while the
    other core idles: with the centre model's sessions last, a whole run took 80 s longer.
    """
    items.sort(key=lambda item: item.get_closest_marker("early") is None)


def pytest_terminal_summary(terminalreporter) -> None:
    """The centre model's counts per page and Lmod's messages, at the end of the report.

    tests/test_centre_model.py records them as ``user_properties``, which xdist brings back
    from its workers, so they are shown however the tests were spread.
    """
    reports = [
        r for outcome in ("passed", "failed") for r in terminalreporter.stats.get(outcome, [])
    ]
    lines = {
        value
        for report in reports
        for name, value in getattr(report, "user_properties", [])
        if name.startswith("centre-model")
    }
    if lines:
        terminalreporter.section("centre model")
        for line in sorted(lines):
            terminalreporter.line(line)
