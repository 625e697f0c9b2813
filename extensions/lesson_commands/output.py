"""Whether a command printed what the page shows after it, placeholders allowed.

Output is compared line by line, ignoring trailing spaces and blank lines at the end.
The page may write ``<PATH>`` for any path, ``<VERSION>`` for a version number, and ``...``
for any text within a line or, on a line of its own, for any number of lines.
"""

from __future__ import annotations

import re

#: Placeholders an author may write in the output shown after a command.
PLACEHOLDERS: dict[str, str] = {
    # Any path (no spaces): where the sandbox or the learner's home happens to be.
    "<PATH>": r"\S+",
    # A version number such as 3.11.7, 24.0 or 1.2.3rc1.
    "<VERSION>": r"\d+(?:\.\d+)*(?:[a-zA-Z0-9+.-]*[a-zA-Z0-9])?",
    # Anything within the line (possibly nothing).
    "...": r".*?",
}
#: A line holding only this stands for any number of lines (possibly none).
ANY_LINES = "..."

#: ``...`` with the spaces written around it: the spaces are part of the gap it stands for,
#: so ``tabulate ... 0.9.0`` matches ``tabulate 0.9.0`` as well as ``tabulate    0.9.0``
#: (column widths change with the other rows, e.g. from one Python version to the next).
_SPACED_ANY_TEXT = {
    " ... ": r"\s(?:.*?\s)?",
    " ...": r"(?:\s.*?)?",
    "... ": r"(?:.*?\s)?",
}

_PLACEHOLDER_SPLIT = re.compile(
    "(" + "|".join(re.escape(p) for p in [*_SPACED_ANY_TEXT, *PLACEHOLDERS]) + ")"
)


def _normalise(text: str) -> list[str]:
    """Lines without trailing spaces and without trailing blank lines."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _line_pattern(line: str) -> str:
    placeholders = {**PLACEHOLDERS, **_SPACED_ANY_TEXT}
    parts = _PLACEHOLDER_SPLIT.split(line)
    return "".join(placeholders.get(part, re.escape(part)) for part in parts)


def expected_output_pattern(expected: list[str]) -> re.Pattern[str]:
    """A regular expression for the whole output, placeholders expanded."""
    pattern = []
    for line in _normalise("\n".join(expected)):
        if line.strip() == ANY_LINES:
            pattern.append(r"(?:[^\n]*\n)*?")
        else:
            pattern.append(_line_pattern(line) + r"\n")
    return re.compile("".join(pattern))


def output_matches(expected: list[str], actual: str) -> bool:
    """Whether ``actual`` output is what the page shows, with placeholders.

    Trailing spaces and trailing blank lines are ignored on both sides.
    """
    actual_lines = _normalise(actual)
    text = "".join(line + "\n" for line in actual_lines)
    return expected_output_pattern(expected).fullmatch(text) is not None
