"""The manifest a build writes, ``<doctreedir>/lesson-commands.json``, read into scenarios.

The ``sphinx_teaching`` extension writes it (``sphinx_teaching.runnable.manifest``); this is
the only thing the runner knows of the build. Its shape, as far as the runner reads it::

    {"version": 2, "srcdir": "...", "pages": [
        {"docname": "lessons/venvs", "scenarios": [
            {"name": "venv", "blocks": [
                {"source": ".../venvs.rst", "line": 40, "output": "compare" or "ignore",
                 "commands": [{"line": 42, "text": "which python", "expected": ["<PATH>"]}]}
            ]}
        ], "cluster_blocks": [
            {"source": "...", "line": 80, "language": "console" or "bash", "cluster": "uppmax",
             "output": "compare", "hidden": false, "new_shell": false, "fails": false,
             "modules": [...], "commands": [...]}
        ]}
    ]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

#: The file name the extension writes in the doctree folder (``runnable.MANIFEST_NAME``).
MANIFEST_NAME = "lesson-commands.json"
#: The manifest version this runner reads (``runnable.MANIFEST_VERSION``).
MANIFEST_VERSION = 2


class ManifestError(Exception):
    """The manifest is missing, unreadable or of a shape this runner does not know."""


@dataclass
class Command:
    """One command as the page shows it, and the output shown after it."""

    #: Line of the command in its source file (1-based).
    line: int
    #: The command as bash reads it; continuation lines are joined with newlines.
    text: str
    #: The output lines the page shows after the command (empty: nothing shown).
    expected: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict) -> Command:
        return cls(data["line"], data["text"], list(data["expected"]))


@dataclass
class ScenarioCommand:
    """A command to run, with the file it is written in and whether to compare its output."""

    source: str
    command: Command
    compare: bool

    @property
    def location(self) -> str:
        """``file:line`` of the command, the file relative to the current folder if below it."""
        return f"{display_path(self.source)}:{self.command.line}"


@dataclass
class Scenario:
    """The runnable blocks of one scenario of one page, in page order."""

    docname: str
    name: str
    commands: list[ScenarioCommand]
    #: How many ``lesson-command`` blocks the commands come from.
    blocks: int = 0

    @property
    def title(self) -> str:
        return f"{self.docname} (scenario {self.name!r})"


def display_path(source: str) -> str:
    """``source`` relative to the current folder when it is below it (shorter messages)."""
    try:
        return str(Path(source).resolve().relative_to(Path.cwd()))
    except ValueError:
        return source


def manifest_path(path: Path) -> Path:
    """The manifest file itself, given either it or the doctree folder that holds it."""
    path = Path(path)
    return path / MANIFEST_NAME if path.is_dir() else path


def load_manifest(path: Path) -> dict:
    """Read the manifest at ``path`` (the file, or the doctree folder that holds it).

    Raises :class:`ManifestError` with a message for the reader when there is none, it is
    not JSON, or it is of another version.
    """
    given, path = Path(path), manifest_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = f"{given} has no {MANIFEST_NAME}" if given.is_dir() else f"{given} does not exist"
        raise ManifestError(
            f"{problem}: build the site first with the sphinx_teaching extension, which "
            f"writes {MANIFEST_NAME} into its doctree folder (such as _build/html/.doctrees)"
        ) from None
    except OSError as error:
        raise ManifestError(f"cannot read {path}: {error.strerror}") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(f"{path} is not valid JSON: {error}") from None
    version = manifest.get("version") if isinstance(manifest, dict) else None
    if version != MANIFEST_VERSION:
        raise ManifestError(
            f"{path} is a manifest of version {version!r}; this runner reads version "
            f"{MANIFEST_VERSION}: install the runner of the same release as the extension"
        )
    return manifest


def scenarios_of(manifest: dict) -> list[Scenario]:
    """Every scenario of every page of a manifest, in the manifest's order."""
    result = []
    for page in manifest["pages"]:
        for scenario in page["scenarios"]:
            commands = [
                ScenarioCommand(
                    block["source"], Command.from_json(command), block["output"] == "compare"
                )
                for block in scenario["blocks"]
                for command in block["commands"]
            ]
            result.append(
                Scenario(page["docname"], scenario["name"], commands, len(scenario["blocks"]))
            )
    return result


@dataclass
class ClusterBlock:
    """A cluster-only block (``:cluster: CENTRE``): a console session or a job script."""

    source: str
    line: int
    language: str
    commands: list[Command]
    compare: bool
    #: Marked ``:class: new-shell``: it starts a new shell, without the earlier blocks' state.
    new_shell: bool = False
    #: Marked ``:fails:``: its last command must fail (the lesson shows a mistake).
    fails: bool = False

    @property
    def location(self) -> str:
        return f"{display_path(self.source)}:{self.line}"


@dataclass
class ClusterSession:
    """The cluster-only blocks of one page for one centre, in page order."""

    docname: str
    centre: str
    blocks: list[ClusterBlock]

    @property
    def title(self) -> str:
        return f"{self.docname} (on the model of {self.centre})"


def cluster_sessions_of(manifest: dict) -> list[ClusterSession]:
    """One session per page and centre of a manifest's cluster-only blocks, in page order."""
    sessions: list[ClusterSession] = []
    for page in manifest["pages"]:
        by_centre: dict[str, ClusterSession] = {}
        for block in page.get("cluster_blocks", []):
            session = by_centre.setdefault(
                block["cluster"], ClusterSession(page["docname"], block["cluster"], [])
            )
            session.blocks.append(
                ClusterBlock(
                    source=block["source"],
                    line=block["line"],
                    language=block.get("language", "console"),
                    commands=[Command.from_json(command) for command in block["commands"]],
                    compare=block.get("output") == "compare",
                    new_shell=block.get("new_shell", False),
                    fails=block.get("fails", False),
                )
            )
        sessions += by_centre.values()
    return sessions
