"""``sphinx-teaching-commands`` (or ``python -m lesson_commands``): run a site's lesson commands.

::

    sphinx-teaching-commands run PATH [--page DOCNAME] [--scenario NAME]
                                      [--wheelhouse DIR] [--timeout SECONDS]
    sphinx-teaching-commands list PATH [--page DOCNAME] [--scenario NAME]
    sphinx-teaching-commands cluster PATH [--page DOCNAME] [--data DIR] [--wheelhouse DIR]

``PATH`` is the doctree folder of a build with the ``sphinx_teaching`` extension
(``_build/html/.doctrees`` after ``sphinx-build -b html docs _build/html``) or the
``lesson-commands.json`` in it. ``run`` exits with 0 when every scenario passed, 1 when any
failed, 2 when it was called wrongly (no manifest there, a page or scenario that is not in it).
``cluster`` runs the cluster-only blocks on the centre model (:mod:`.centre`; needs Lmod and
Slurm, and root for ``slurmd``), with the same exit statuses.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

from .manifest import ManifestError, Scenario, load_manifest, scenarios_of
from .sandbox import DEFAULT_TIMEOUT, ScenarioResult, run_scenario
from .wheelhouse import fill_wheelhouse, requirements_to_fetch

PROG = "sphinx-teaching-commands"
EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command line asks for something the manifest does not have."""


def default_wheelhouse() -> Path:
    """Where wheels are kept between runs when ``--wheelhouse`` is not given.

    The user's cache folder, not the build folder: the wheels outlive ``make clean`` (so runs
    stay offline) and never end up in a published site.
    """
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / PROG / "wheels"


def _positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {value!r}")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    """The command line: the ``run`` and ``list`` subcommands and their options."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run the runnable lesson-command blocks (:scenario:) a Sphinx build with "
        "the sphinx_teaching extension collected, each scenario in a sandbox.",
    )
    subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="COMMAND")
    run = subcommands.add_parser(
        "run",
        help="run every scenario and compare the output with the page",
        description="Run each scenario in a new sandbox (temporary HOME and work folder, pip "
        "from the wheelhouse only); report each failing command at its file and line.",
    )
    listing = subcommands.add_parser(
        "list", help="list the pages and scenarios, with their blocks and commands"
    )
    for subcommand in (run, listing):
        subcommand.add_argument(
            "path",
            type=Path,
            metavar="DOCTREEDIR_OR_MANIFEST",
            help="the build's doctree folder (such as _build/html/.doctrees) "
            "or the lesson-commands.json in it",
        )
        subcommand.add_argument(
            "--page",
            action="append",
            default=[],
            metavar="DOCNAME",
            help="only the scenarios of this page (such as lessons/venvs); repeatable",
        )
        subcommand.add_argument(
            "--scenario",
            action="append",
            default=[],
            metavar="NAME",
            help="only the scenarios of this name; repeatable",
        )
    run.add_argument(
        "--wheelhouse",
        type=Path,
        default=None,
        metavar="DIR",
        # argparse formats help with %: a % in the folder's name must be doubled.
        help="the folder of wheels pip installs from in the sandbox, filled with the pinned "
        f"packages the scenarios install (default: {default_wheelhouse()})".replace("%", "%%"),
    )
    run.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"the longest one scenario may run (default: {DEFAULT_TIMEOUT})",
    )
    cluster = subcommands.add_parser(
        "cluster",
        help="run the cluster-only blocks on the centre model (real Lmod and Slurm)",
        description="Run each page's cluster-only blocks, per centre, on the centre model "
        "made from the data folder's known-modules.toml and centres.toml.",
    )
    cluster.add_argument("path", type=Path, metavar="DOCTREEDIR_OR_MANIFEST")
    cluster.add_argument("--page", action="append", default=[], metavar="DOCNAME")
    cluster.add_argument(
        "--data", type=Path, default=Path("data"), metavar="DIR",
        help="the folder of known-modules.toml and centres.toml (default: data)",
    )  # fmt: skip
    cluster.add_argument("--wheelhouse", type=Path, default=None, metavar="DIR")
    return parser


def run_cluster(manifest: dict, pages: list[str], data: Path, wheelhouse: Path) -> int:
    """Run the cluster-only blocks of ``pages`` (all when empty) on the centre model."""
    from .centre import CentreDataError, CentreModel, load_centres, wheelhouse_requirements
    from .lmod_tree import lmod_available
    from .manifest import cluster_sessions_of
    from .slurm import SlurmCluster, slurm_missing
    from .wheelhouse import pinned_requirements

    missing = None if lmod_available() else "Lmod is not installed (apt-get install lmod)"
    if missing := missing or slurm_missing():
        print(f"{PROG}: error: the centre model cannot run here: {missing}", file=sys.stderr)
        return EXIT_USAGE
    try:
        centres = load_centres(data)
    except CentreDataError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    sessions = [s for s in cluster_sessions_of(manifest) if not pages or s.docname in pages]
    pins = wheelhouse_requirements(data, centres)
    for session in sessions:
        for block in session.blocks:
            for command in block.commands:
                pins += [pin for pin in pinned_requirements(command.text) if pin not in pins]
    fill_wheelhouse(wheelhouse, pins)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="centre-model-") as root:
        slurm = SlurmCluster(Path(root, "slurm"), [c.partition for c in centres.values()])
        slurm.start()
        try:
            packages = wheelhouse.parent / "centre-model-packages"
            model = CentreModel(Path(root, "centres"), centres, slurm, wheelhouse, packages)
            for number, session in enumerate(sessions):
                result = model.run(session, Path(root, "work", str(number)))
                verdict = "passed" if result.passed else "FAILED"
                counts = f"{result.ran} of {_plural(result.commands, 'command')} ran"
                print(
                    f"{session.title}: {_plural(len(session.blocks), 'block')}, {counts}: {verdict}"
                )
                for note in result.notes:
                    print(f"  Lmod at {note}")
                for failure in result.failures:
                    print(f"{failure.location}: {failure.message}\n", flush=True)
                failed += not result.passed
        finally:
            slurm.stop()
    print(f"{_plural(len(sessions), 'session')}: {f'{failed} failed' if failed else 'all passed'}")
    return EXIT_FAILED if failed else EXIT_PASSED


def select(scenarios: list[Scenario], pages: list[str], names: list[str]) -> list[Scenario]:
    """The scenarios on ``pages`` named ``names`` (either empty: any).

    Raises :class:`UsageError` for a page or a name no scenario has, so that a typo is not
    taken for a page without commands.
    """
    if missing := [page for page in pages if page not in {s.docname for s in scenarios}]:
        raise UsageError(f"no page with runnable scenarios is called {', '.join(missing)}")
    on_pages = [s for s in scenarios if not pages or s.docname in pages]
    if missing := [name for name in names if name not in {s.name for s in on_pages}]:
        where = f" on {', '.join(pages)}" if pages else ""
        raise UsageError(f"no scenario is called {', '.join(missing)}{where}")
    return [s for s in on_pages if not names or s.name in names]


def list_scenarios(scenarios: list[Scenario]) -> int:
    """Print one row per scenario: page, name, blocks, commands and where it starts."""
    rows = [("PAGE", "SCENARIO", "BLOCKS", "COMMANDS", "FIRST COMMAND")]
    rows += [
        (
            scenario.docname,
            scenario.name,
            str(scenario.blocks),
            str(len(scenario.commands)),
            scenario.commands[0].location if scenario.commands else "-",
        )
        for scenario in scenarios
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    print(_count(scenarios))
    return EXIT_PASSED


def run_all(scenarios: list[Scenario], wheelhouse: Path, timeout: float) -> int:
    """Run ``scenarios``, page by page; print each page's count and each failure."""
    requirements = requirements_to_fetch(scenarios)
    if requirements:
        print(f"fetching {len(requirements)} pinned packages into {wheelhouse}", flush=True)
        fill_wheelhouse(wheelhouse, requirements)
    failed: list[ScenarioResult] = []
    with tempfile.TemporaryDirectory(prefix="lesson-commands-") as sandboxes:
        numbered = enumerate(scenarios)
        for docname, page in groupby(numbered, key=lambda pair: pair[1].docname):
            results = [
                run_scenario(scenario, Path(sandboxes, str(n)), wheelhouse, timeout=timeout)
                for n, scenario in page
            ]
            failed += [result for result in results if not result.passed]
            print(_page_summary(docname, results), flush=True)
            for result in results:
                for failure in result.failures:
                    # The page's line above names the scenario: file:line: message is enough.
                    print(f"{failure.location}: {failure.message}\n", flush=True)
    verdict = f"{len(failed)} failed" if failed else "all passed"
    print(f"{_count(scenarios)}: {verdict}")
    return EXIT_FAILED if failed else EXIT_PASSED


def _page_summary(docname: str, results: list[ScenarioResult]) -> str:
    blocks = sum(result.scenario.blocks for result in results)
    commands = sum(len(result.scenario.commands) for result in results)
    ran = sum(result.ran for result in results)
    failed = [repr(result.scenario.name) for result in results if not result.passed]
    verdict = f"FAILED: {', '.join(failed)}" if failed else "passed"
    return (
        f"{docname}: {_plural(len(results), 'scenario')}, {_plural(blocks, 'block')}, "
        f"{ran} of {_plural(commands, 'command')} ran: {verdict}"
    )


def _count(scenarios: list[Scenario]) -> str:
    pages = len({scenario.docname for scenario in scenarios})
    return f"{_plural(len(scenarios), 'scenario')} on {_plural(pages, 'page')}"


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: the process's); return the exit status."""
    arguments = build_parser().parse_args(argv)
    if arguments.subcommand == "cluster":
        try:
            manifest = load_manifest(arguments.path)
        except ManifestError as error:
            print(f"{PROG}: error: {error}", file=sys.stderr)
            return EXIT_USAGE
        wheelhouse = (arguments.wheelhouse or default_wheelhouse()).resolve()
        return run_cluster(manifest, arguments.page, arguments.data, wheelhouse)
    try:
        manifest = load_manifest(arguments.path)
        scenarios = select(scenarios_of(manifest), arguments.page, arguments.scenario)
    except (ManifestError, UsageError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not scenarios:
        print(f"no runnable scenarios in {arguments.path}")
        return EXIT_PASSED
    if arguments.subcommand == "list":
        return list_scenarios(scenarios)
    wheelhouse = arguments.wheelhouse or default_wheelhouse()
    return run_all(scenarios, wheelhouse.resolve(), arguments.timeout)
