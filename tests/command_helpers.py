"""Helpers for tests that run the runnable blocks of a built project with ``lesson_commands``."""

from __future__ import annotations

from pathlib import Path

from lesson_commands.manifest import Scenario, load_manifest, scenarios_of
from lesson_commands.sandbox import ScenarioResult, run_scenario
from lesson_commands.wheelhouse import fill_wheelhouse, requirements_to_fetch

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Wheels for the packages lessons install, downloaded once and reused offline afterwards.
WHEELHOUSE = REPO_ROOT / "_build" / "wheelhouse"


def manifest_of(doctreedir: Path) -> dict:
    """The runnable and cluster-only blocks a build collected."""
    return load_manifest(Path(doctreedir))


def run_scenarios(manifest: dict, workspace: Path) -> list[ScenarioResult]:
    """Run every scenario of ``manifest``, each in its own sandbox under ``workspace``."""
    scenarios = scenarios_of(manifest)
    fill_wheelhouse(WHEELHOUSE, requirements_to_fetch(scenarios))
    results = []
    for number, scenario in enumerate(scenarios):
        results.append(run_scenario(scenario, workspace / f"scenario-{number}", WHEELHOUSE))
    return results


def failure_report(results: list[ScenarioResult]) -> str:
    """Every failure, each naming its file and line, for a test's assertion message."""
    return "\n\n".join(str(failure) for result in results for failure in result.failures)


def scenario_named(manifest: dict, docname: str, name: str) -> Scenario:
    for scenario in scenarios_of(manifest):
        if scenario.docname == docname and scenario.name == name:
            return scenario
    raise AssertionError(f"no scenario {name!r} on {docname}")


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the only line of ``path`` that contains ``text``."""
    found = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line]
    assert len(found) == 1, (path, text, found)
    return found[0]
