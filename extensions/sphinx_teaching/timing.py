"""Lesson timings: the teaching and exercise minutes each lesson page declares.

A page declares them as page metadata, at the very top of the file:

- reStructuredText, a field list before the title::

    :teaching: 25
    :exercises: 20

- MyST Markdown, front matter::

    ---
    teaching: 25
    exercises: 20
    ---

Both end up in Sphinx's page metadata (``env.metadata``). This module checks each value
(a whole number of minutes, not negative, not more than ``lesson_timing_max_minutes``) and
keeps the result in :class:`.domain.LessonDomain`. Other features read them through
:func:`lesson_timings`, in toctree order with :func:`lessons_in_order`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .domain import TIMING_FIELDS, lesson_domain, pages_in_toctree_order
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: A whole number of minutes, possibly signed (the sign is checked separately).
_INTEGER = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class Timing:
    """The minutes a lesson page declares; ``None`` where a field is missing or invalid."""

    teaching: int | None = None
    exercises: int | None = None

    @property
    def total(self) -> int:
        """Teaching plus exercise minutes (a missing part counts as zero)."""
        return (self.teaching or 0) + (self.exercises or 0)


class TimingError(ValueError):
    """A timing value that is not acceptable, with the warning subtype it gets."""

    def __init__(self, subtype: LessonWarning, message: str) -> None:
        super().__init__(message)
        self.subtype = subtype


def parse_minutes(field: str, text: str, max_minutes: int, markdown: bool = False) -> int:
    """Read one timing field's value as minutes, or raise :class:`TimingError`.

    ``markdown`` selects the syntax of the example the message gives.
    """
    value = text.strip()
    if not _INTEGER.match(value):
        example = f"'{field}: 20' in the front matter" if markdown else f"':{field}: 20'"
        raise TimingError(
            LessonWarning.TIMING_NOT_A_NUMBER,
            f"the {field!r} timing {value!r} is not a number: give a whole number of "
            f"minutes, such as {example}",
        )
    minutes = int(value)
    if minutes < 0:
        raise TimingError(
            LessonWarning.TIMING_NEGATIVE,
            f"the {field!r} timing is negative ({minutes}): give the minutes as 0 or more",
        )
    if minutes > max_minutes:
        raise TimingError(
            LessonWarning.TIMING_ABSURD,
            f"the {field!r} timing of {minutes} minutes is more than the limit of "
            f"{max_minutes} (lesson_timing_max_minutes): is it a typo? Timings are minutes, "
            "not seconds; split a longer lesson, or raise the limit in conf.py",
        )
    return minutes


def field_line(source: str | Path, field: str) -> int | None:
    """The line of ``field`` in the metadata at the top of ``source`` (1-based), if found.

    Sphinx keeps no line for a front-matter field, and its docinfo node has none either, so
    we look for the field in the file: ``:teaching:`` (reST) or ``teaching:`` (MyST).
    """
    pattern = re.compile(rf"^\s*:?{re.escape(field)}\s*:")
    try:
        with open(source, encoding="utf-8") as file:
            for number, line in enumerate(file, start=1):
                if pattern.match(line):
                    return number
                if number >= 200:  # metadata is at the top; don't read a whole book
                    break
    except (OSError, UnicodeDecodeError):
        return None
    return None


def collect_timing(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: check the page's timing fields and keep its :class:`Timing`."""
    env = app.env
    docname = env.current_document.docname
    metadata = env.metadata.get(docname, {})
    if not any(field in metadata for field in TIMING_FIELDS):
        return
    source = env.doc2path(docname)
    markdown = source.suffix.lower() in {".md", ".markdown"}
    minutes: dict[str, int | None] = {}
    for field in TIMING_FIELDS:
        if field not in metadata:
            continue
        try:
            minutes[field] = parse_minutes(
                field, str(metadata[field]), app.config.lesson_timing_max_minutes, markdown
            )
        except TimingError as error:
            minutes[field] = None
            line = field_line(source, field)
            warn(error.subtype, str(error), location=(docname, line) if line else docname)
    # A page that declares timing is a lesson even when a value is wrong: it stays in the
    # schedule (the wrong part shown as missing) and the warning says what to fix.
    lesson_domain(env).entries("timings")[docname] = Timing(**minutes)


def lesson_timings(env: BuildEnvironment) -> dict[str, Timing]:
    """Every page that declares a timing, with its minutes (a read-only view, by docname)."""
    return dict(lesson_domain(env).entries("timings"))


def lessons_in_order(env: BuildEnvironment) -> list[tuple[str, Timing]]:
    """The pages with a timing, in toctree order."""
    timings = lesson_domain(env).entries("timings")
    return [
        (docname, timings[docname]) for docname in pages_in_toctree_order(env) if docname in timings
    ]


def setup_timing(app: Sphinx) -> None:
    """Collect the timings of each page, after Sphinx has read its metadata."""
    app.connect("doctree-read", collect_timing, priority=600)
