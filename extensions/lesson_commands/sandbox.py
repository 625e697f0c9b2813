"""Run a scenario in bash, in a sandbox, and report the first command that fails.

Each scenario runs in a fresh sandbox: a temporary ``HOME`` and work folder, a ``PATH`` with
only the system folders and ``python``, ``python3``, ``pip`` and ``pip3`` (standing in for a
loaded Python module; pip refuses to install outside an environment there), pip pointed at a
local folder of wheels (``--no-index --find-links`` through ``PIP_*`` variables) and no pip
configuration from the machine. All blocks of a scenario run in page order in one bash
session, so ``source .../activate`` carries over from one block to the next, as it does for a
learner. The first failing command ends the scenario and is reported at its file and line.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .manifest import Scenario
from .output import output_matches

#: Folders of system commands a scenario may use (``which``, ``cat``, ``rm`` ...).
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")
#: Seconds a whole scenario may take.
DEFAULT_TIMEOUT = 600


@dataclass
class Failure:
    """A command that failed or printed other output than the page shows."""

    location: str
    scenario: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message} [{self.scenario}]"


@dataclass
class ScenarioResult:
    """What running a scenario gave: how many of its commands ran, and its failure if any."""

    scenario: Scenario
    failures: list[Failure] = field(default_factory=list)
    ran: int = 0

    @property
    def passed(self) -> bool:
        return not self.failures


def base_python() -> str:
    """The interpreter this Python's virtual environment (if any) was made from."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def sandbox_environment(
    root: Path, wheelhouse: Path | None, python: str | None = None
) -> tuple[dict[str, str], Path]:
    """Create HOME, work folder and bin folder under ``root``; return (environment, work)."""
    home, work, bin_dir = root / "home", root / "work", root / "bin"
    for folder in (home, work, bin_dir):
        folder.mkdir(parents=True, exist_ok=True)
    python = python or base_python()
    # What a loaded Python module gives a learner: python, python3, pip and pip3.
    for name in ("python", "python3"):
        link = bin_dir / name
        if not link.exists():
            link.symlink_to(python)
    for name in ("pip", "pip3"):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec {shlex.quote(python)} -m pip "$@"\n', encoding="utf-8")
        script.chmod(0o755)
    env = {
        "HOME": str(home),
        "PATH": os.pathsep.join([str(bin_dir), *SYSTEM_PATH]),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        "USER": os.environ.get("USER", "learner"),
        "TMPDIR": str(root),
        "SHELL": "/bin/bash",
        # pip: none of the machine's configuration, no network, wheels from the wheelhouse.
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        # Outside an environment pip refuses to install, so a lesson's mistake can never
        # change the Python the runner runs on.
        "PIP_REQUIRE_VIRTUALENV": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if wheelhouse is not None:
        env["PIP_NO_INDEX"] = "1"
        env["PIP_FIND_LINKS"] = str(wheelhouse)
    return env, work


def session_script(scenario: Scenario, results: Path) -> str:
    """A bash script that runs each command in the same shell, keeping its output and status.

    Each command runs in a ``{ ...; }`` group (the current shell, not a subshell), so
    ``source``, ``cd`` and ``export`` carry over to the next command.
    """
    lines = ["set +e"]
    for index, item in enumerate(scenario.commands):
        status = shlex.quote(str(results / f"{index}.status"))
        lines += recorded_step(item.location, item.command.text, results, index)
        lines.append(f'[ "$(cat {status})" = 0 ] || exit 0')
    return "\n".join(lines) + "\n"


def recorded_step(location: str, text: str, results: Path, number: int) -> list[str]:
    """Bash lines that run ``text`` in the current shell (a ``{ ...; }`` group), keeping its
    output in ``<number>.out`` and its exit status in ``<number>.status`` under ``results``."""
    out = shlex.quote(str(results / f"{number}.out"))
    status = shlex.quote(str(results / f"{number}.status"))
    return [f"# {location}", "{", text, f"}} >{out} 2>&1 </dev/null", f"echo $? >{status}"]


def run_scenario(
    scenario: Scenario,
    root: Path,
    wheelhouse: Path | None = None,
    *,
    python: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ScenarioResult:
    """Run ``scenario`` in a new sandbox under ``root``; stop at the first failing command."""
    env, work = sandbox_environment(root, wheelhouse, python)
    results = root / "results"
    results.mkdir(exist_ok=True)
    script = root / "session.sh"
    script.write_text(session_script(scenario, results), encoding="utf-8")
    outcome = ScenarioResult(scenario)
    try:
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", str(script)],
            cwd=work, env=env, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        session_error = completed.stderr.strip()
    except subprocess.TimeoutExpired:
        session_error = f"the scenario did not finish within {timeout:g} s"
    for index, item in enumerate(scenario.commands):
        status_file = results / f"{index}.status"
        if not status_file.exists():
            detail = f": {session_error}" if session_error else ""
            outcome.failures.append(
                Failure(item.location, scenario.title, f"`{item.command.text}` did not run{detail}")
            )
            break
        outcome.ran += 1
        status = int(status_file.read_text().strip() or "1")
        output = (results / f"{index}.out").read_text(encoding="utf-8", errors="replace")
        if status != 0:
            outcome.failures.append(
                Failure(
                    item.location,
                    scenario.title,
                    f"`{item.command.text}` failed with exit status {status}; its output:\n"
                    + _indent(output),
                )
            )
            break
        if (
            item.compare
            and item.command.expected
            and not output_matches(item.command.expected, output)
        ):
            outcome.failures.append(
                Failure(
                    item.location,
                    scenario.title,
                    f"`{item.command.text}` printed other output than the page shows.\n"
                    f"  The page shows:\n{_indent(chr(10).join(item.command.expected))}\n"
                    f"  It printed:\n{_indent(output)}",
                )
            )
            break
    return outcome


def _indent(text: str) -> str:
    lines = text.rstrip("\n").splitlines() or ["(nothing)"]
    return "\n".join("    | " + line for line in lines)
