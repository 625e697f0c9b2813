"""``sphinx-teaching-commands`` (``python -m lesson_commands``): the runner's command line.

Test roots are built once with the extension; the runner then runs in its own process, as a
course author or `make commands` calls it, and its exit status and output are checked. The
runner's behaviour in the sandbox is tested through its Python API in test_runnable.py.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from command_helpers import WHEELHOUSE, line_of

from helpers import EXTENSIONS_DIR, build_once, copy_root
from lesson_commands import manifest as runner_manifest
from lesson_commands.cli import EXIT_FAILED, EXIT_PASSED, EXIT_USAGE, main
from sphinx_teaching import runnable


def run_cli(*arguments: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m lesson_commands ARGUMENTS`` in a new process, the package from the sources."""
    env = {**os.environ, "PYTHONPATH": str(EXTENSIONS_DIR)}
    command = [sys.executable, "-m", "lesson_commands", *map(str, arguments)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def runnable_build(rootdir, tmp_path_factory):
    """A build of tests/roots/test-runnable, its manifest in its doctree folder."""
    srcdir = copy_root(rootdir, "runnable", tmp_path_factory.mktemp("runnable-cli"))
    return build_once("dummy", srcdir, cleanly=True)


@pytest.fixture(scope="module")
def broken_build(rootdir, tmp_path_factory):
    """A build of tests/roots/test-runnable-broken, whose scenarios each fail at one line."""
    srcdir = copy_root(rootdir, "runnable-broken", tmp_path_factory.mktemp("broken-cli"))
    return build_once("dummy", srcdir, cleanly=True)


def test_run_prints_each_page_and_exits_0_when_all_pass(runnable_build, tmp_path):
    completed = run_cli(
        "run", runnable_build.doctreedir, "--page", "hidden-setup", "--page", "exercise",
        "--wheelhouse", WHEELHOUSE, cwd=tmp_path,
    )  # fmt: skip
    assert completed.returncode == EXIT_PASSED, completed.stdout + completed.stderr
    assert completed.stdout.splitlines() == [
        "exercise: 1 scenario, 2 blocks, 2 of 2 commands ran: passed",
        "hidden-setup: 1 scenario, 2 blocks, 2 of 2 commands ran: passed",
        "2 scenarios on 2 pages: all passed",
    ]
    assert completed.stderr == ""


def test_a_failing_scenario_is_reported_at_its_file_and_line_with_exit_1(broken_build):
    manifest = Path(broken_build.doctreedir) / runner_manifest.MANIFEST_NAME
    srcdir = Path(broken_build.srcdir)
    # Run from the project's parent: the file names in the report are relative to it.
    completed = run_cli("run", manifest, "--scenario", "typo", cwd=srcdir.parent)
    assert completed.returncode == EXIT_FAILED, completed.stdout + completed.stderr
    line = line_of(srcdir / "broken.rst", "envs/demo/bin/activat")
    lines = completed.stdout.splitlines()
    assert lines[0] == "broken: 1 scenario, 2 blocks, 2 of 3 commands ran: FAILED: 'typo'"
    assert lines[1] == (
        f"src/broken.rst:{line}: `source envs/demo/bin/activat` failed with exit status 1; "
        "its output:"
    )
    assert "No such file or directory" in lines[2]
    assert lines[-1] == "1 scenario on 1 page: 1 failed"


def test_list_shows_pages_scenarios_blocks_and_commands(runnable_build):
    srcdir = Path(runnable_build.srcdir)
    completed = run_cli("list", runnable_build.doctreedir, cwd=srcdir)
    assert completed.returncode == EXIT_PASSED, completed.stderr
    first_commands = {
        "exercise.rst": "$ printf",
        "hidden-setup.rst": "$ echo",
        "venv-cycle.rst": "$ python3 -m venv envs/demo",
        "venv-cycle-myst.md": "$ python3 -m venv envs/demo",
    }
    first = {
        name: f"{name}:{line_of(srcdir / name, text)}" for name, text in first_commands.items()
    }
    assert [line.split() for line in completed.stdout.splitlines()] == [
        ["PAGE", "SCENARIO", "BLOCKS", "COMMANDS", "FIRST", "COMMAND"],
        ["exercise", "exercise", "2", "2", first["exercise.rst"]],
        ["hidden-setup", "script", "2", "2", first["hidden-setup.rst"]],
        ["venv-cycle", "venv", "3", "14", first["venv-cycle.rst"]],
        ["venv-cycle-myst", "venv", "2", "7", first["venv-cycle-myst.md"]],
        ["4", "scenarios", "on", "4", "pages"],
    ]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("_build/doctrees", "_build/doctrees does not exist"),
        (".", ". has no lesson-commands.json"),
    ],
)
def test_a_missing_manifest_is_a_usage_error_without_a_traceback(tmp_path, path, problem):
    completed = run_cli("run", path, cwd=tmp_path)
    assert completed.returncode == EXIT_USAGE
    assert completed.stdout == ""
    assert completed.stderr == (
        f"sphinx-teaching-commands: error: {problem}: build the site first with the "
        "sphinx_teaching extension, which writes lesson-commands.json into its doctree folder "
        "(such as _build/html/.doctrees)\n"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--page", "no-such-page"], "no page with runnable scenarios is called no-such-page"),
        (["--page", "exercise", "--scenario", "venv"], "no scenario is called venv on exercise"),
    ],
)
def test_a_page_or_scenario_not_in_the_manifest_is_a_usage_error(
    runnable_build, capsys, arguments, message
):
    assert main(["run", str(runnable_build.doctreedir), *arguments]) == EXIT_USAGE
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        (json.dumps({"version": 99, "pages": []}), "is a manifest of version 99"),
    ],
)
def test_a_manifest_the_runner_cannot_read_is_a_usage_error(tmp_path, capsys, content, message):
    manifest = tmp_path / "lesson-commands.json"
    manifest.write_text(content, encoding="utf-8")
    assert main(["list", str(manifest)]) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_the_runner_reads_the_manifest_the_extension_writes():
    # The manifest is the whole contract between the two packages: name and version agree.
    assert runner_manifest.MANIFEST_NAME == runnable.MANIFEST_NAME
    assert runner_manifest.MANIFEST_VERSION == runnable.MANIFEST_VERSION


def test_the_runner_and_the_extension_do_not_import_each_other(tmp_path):
    code = (
        "import sys, lesson_commands.cli;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'sphinx_teaching')))"
    )
    env = {**os.environ, "PYTHONPATH": str(EXTENSIONS_DIR)}
    imported = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    assert imported.strip() == "[]"
    # And no module of the extension imports the runner (setup() must not load it).
    importers = [
        path.name
        for path in (EXTENSIONS_DIR / "sphinx_teaching").rglob("*.py")
        if "lesson_commands" in _imported_modules(path)
    ]
    assert importers == []


def _imported_modules(path: Path) -> set[str]:
    """The top-level packages a Python file imports."""
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names
