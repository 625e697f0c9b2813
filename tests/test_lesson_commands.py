"""Every command the course's lessons teach: run in a sandbox, or checked if cluster-only.

The real site is built once (the ``site`` fixture, as `make html` builds it); the build
collects every ``lesson-command`` block into ``lesson-commands.json``. Each runnable scenario
runs in bash with a temporary HOME and work folder, pip reading wheels from
``_build/wheelhouse`` (filled from the package index on the first run, offline afterwards).
A failing command fails the test with its page and line.
"""

from __future__ import annotations

import re

import pytest
from command_helpers import REPO_ROOT, failure_report, run_scenarios

from sphinx_teaching.runnable import load_known_modules

#: Runs every scenario of the site, a minute or more: first (tests/conftest.py).
pytestmark = pytest.mark.early

KNOWN_MODULES = REPO_ROOT / "data" / "known-modules.toml"
GENERAL_LESSON = "lessons/isolated-environments"

#: What the general lesson must make learners do, each checked by running it: the issue's
#: "create, activate, which python, pip install pinned, freeze, recreate, deactivate, remove".
GENERAL_CYCLE = {
    "create a venv": r"^python3? -m venv \S+",
    "activate it": r"^(source|\.) \S+/bin/activate$",
    "check which python": r"^which python3?$",
    # Through `python -m pip`, the pip of the environment's own Python.
    "install a pinned version": r"^python3? -m pip install [A-Za-z0-9_.-]+==[\w.]+",
    "freeze to a requirements file": r"^python3? -m pip freeze( --local)? > \S+",
    "recreate from it": r"^python3? -m pip install -r \S+",
    "deactivate": r"^deactivate$",
    "remove the environment": r"^rm -rf \S+",
}


@pytest.fixture(scope="module")
def scenario_results(site_manifest, tmp_path_factory):
    """Every runnable scenario of the site, run once for this module's tests."""
    return run_scenarios(site_manifest, tmp_path_factory.mktemp("lesson-commands"))


def test_every_runnable_block_of_every_lesson_runs(scenario_results):
    # Each failure reads "<file>:<line>: `<command>` failed ..." or "... printed other output".
    assert failure_report(scenario_results) == ""
    for result in scenario_results:
        assert result.ran == len(result.scenario.commands), result.scenario.title


def test_the_general_lesson_runs_the_whole_venv_cycle(site_manifest, scenario_results):
    ran = [
        item.command.text
        for result in scenario_results
        if result.scenario.docname == GENERAL_LESSON
        for item in result.scenario.commands[: result.ran]
    ]
    missing = [
        step
        for step, pattern in GENERAL_CYCLE.items()
        if not any(re.search(pattern, command, re.MULTILINE) for command in ran)
    ]
    assert missing == [], f"the runnable blocks of {GENERAL_LESSON} do not {', '.join(missing)}"


def test_no_lesson_page_has_an_unmarked_shell_block(site_manifest):
    unmarked = [
        f"{block['source']}:{block['line']}"
        for page in site_manifest["pages"]
        if page["lesson"]
        for block in page["unmarked"]
    ]
    assert unmarked == []


def test_cluster_only_blocks_use_only_known_modules(site_manifest):
    centres, _problems = load_known_modules(KNOWN_MODULES)
    unknown = [
        f"{block['source']}:{block['line']}: {block['cluster']}: {module}"
        for page in site_manifest["pages"]
        for block in page["cluster_blocks"]
        for module in block["modules"]
        if module not in centres.get(block["cluster"], {})
    ]
    assert unknown == []


def test_each_centre_session_has_cluster_only_blocks(site_manifest):
    # The UPPMAX and HPC2N sessions teach module loads; they must be checked, not skipped.
    checked = {
        block["cluster"]
        for page in site_manifest["pages"]
        for block in page["cluster_blocks"]
        if block["modules"]
    }
    assert {"uppmax", "hpc2n"} <= checked


def test_known_modules_file_is_complete_and_sourced():
    centres, problems = load_known_modules(KNOWN_MODULES)
    assert problems == []
    assert set(centres) == {"uppmax", "hpc2n"}
    for centre, modules in centres.items():
        for module, entry in modules.items():
            assert entry.get("where"), f"{centre} {module}: say where in the source it is"
