"""The wheels the scenarios ``pip install``, fetched once into a folder the sandbox reads.

In the sandbox pip installs only from this folder (the wheelhouse), so a scenario that ran
once runs again offline, and every run installs the same files.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .manifest import Scenario

#: A ``name==version`` requirement (extras allowed: ``name[extra]==1.0``).
_PIN = re.compile(r"[A-Za-z0-9_.\[\],-]+==[\w.+!-]+")


def _simple_commands(text: str) -> Iterable[list[str]]:
    """The words of each simple command of ``text``, as bash would split them, roughly.

    Each line is split on its own (so a here-document's lines stand alone); an operator such
    as ``&&``, ``;``, ``|`` or ``>`` ends a command. Enough to find ``pip install`` and its
    arguments; nothing here needs to understand the shell better than that.
    """
    for line in text.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            words = list(lexer)
        except ValueError:  # an unclosed quote: plain words will do
            words = line.split()
        command: list[str] = []
        for word in words:
            if word and set(word) <= set(lexer.punctuation_chars):
                yield command
                command = []
            else:
                command.append(word)
        yield command


def pinned_requirements(text: str) -> list[str]:
    """The ``name==version`` arguments of the ``pip install`` commands in ``text``.

    Only what to download is read from the commands: a pin missed here is no error, its
    ``pip install`` fails in the sandbox at its own line.
    """
    pins = []
    for words in _simple_commands(text):
        if "install" not in words:
            continue
        position = words.index("install")
        if _is_pip(words[:position]):
            pins += [word for word in words[position + 1 :] if _PIN.fullmatch(word)]
    return pins


def _is_pip(program: list[str]) -> bool:
    """Whether the words before ``install`` run pip: ``pip``, ``bin/pip3``, ``python -m pip``."""
    names = [PurePosixPath(word).name for word in program]
    if names in (["pip"], ["pip3"]):
        return True
    return len(names) == 3 and names[0].startswith("python") and names[1:] == ["-m", "pip"]


def requirements_to_fetch(scenarios: list[Scenario]) -> list[str]:
    """The pinned packages the scenarios install with pip (``name==version``), once each."""
    pins: list[str] = []
    for scenario in scenarios:
        for item in scenario.commands:
            pins += [pin for pin in pinned_requirements(item.command.text) if pin not in pins]
    return pins


def fill_wheelhouse(
    wheelhouse: Path, requirements: list[str], python: str = sys.executable
) -> None:
    """Put wheels for ``requirements`` and their dependencies into ``wheelhouse``.

    Looks in the wheelhouse first, so once filled it works offline; otherwise downloads from
    the package index the machine's pip is configured for. A requirement that cannot be had
    (a version that does not exist) is left out: the command that installs it then fails in
    the sandbox, reported at its page and line.
    """
    if not requirements:
        return
    wheelhouse.mkdir(parents=True, exist_ok=True)
    base = [python, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
            "--only-binary=:all:", "--dest", str(wheelhouse)]  # fmt: skip
    offline = [*base, "--no-index", "--find-links", str(wheelhouse)]
    # All at once first (one resolution); one by one only when some cannot be had.
    if _succeeds([*offline, *requirements]) or _succeeds([*base, *requirements]):
        return
    for requirement in requirements:
        if not _succeeds([*offline, requirement]):
            _succeeds([*base, requirement])


def _succeeds(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0
