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
keeps the result per page in the build environment, purged and merged with the page, so that
incremental and parallel builds see exactly the timings of the current sources. Other
features read them through :func:`lesson_timings`, in toctree order with
:func:`lessons_in_order`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.environment.collectors import EnvironmentCollector

from .envdata import env_data
from .navigation import pages_in_toctree_order
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

#: The metadata fields read as minutes, in the order they are shown.
TIMING_FIELDS = ("teaching", "exercises")

#: Where the timings live in the build environment (pickled with it).
_ENV_ATTRIBUTE = "lesson_timings"

#: Default of ``lesson_timing_max_minutes``: a lesson part longer than a working day is a typo.
DEFAULT_MAX_MINUTES = 480

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


def _store(env: BuildEnvironment) -> dict[str, Timing]:
    return env_data(env, _ENV_ATTRIBUTE, dict)


class TimingCollector(EnvironmentCollector):
    """Collect each page's timing from its metadata, after Sphinx has read the metadata."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        _store(env).pop(docname, None)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
    ) -> None:
        mine, theirs = _store(env), _store(other)
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        env = app.env
        docname = env.current_document.docname
        metadata = env.metadata.get(docname, {})
        if not any(field in metadata for field in TIMING_FIELDS):
            return
        max_minutes = app.config.lesson_timing_max_minutes
        source = env.doc2path(docname)
        markdown = source.suffix.lower() in {".md", ".markdown"}
        minutes: dict[str, int | None] = {}
        for field in TIMING_FIELDS:
            if field not in metadata:
                continue
            try:
                minutes[field] = parse_minutes(
                    field, str(metadata[field]), max_minutes, markdown=markdown
                )
            except TimingError as error:
                minutes[field] = None
                line = field_line(source, field)
                location = (docname, line) if line else docname
                warn(error.subtype, str(error), location=location)
        # A page that declares timing is a lesson even when a value is wrong: it stays in
        # the schedule (the wrong part shown as missing) and the warning says what to fix.
        _store(env)[docname] = Timing(**minutes)


def lesson_timings(env: BuildEnvironment) -> dict[str, Timing]:
    """Every page that declares a timing, with its minutes (a read-only view, by docname)."""
    return dict(_store(env))


def lessons_in_order(env: BuildEnvironment) -> list[tuple[str, Timing]]:
    """The pages with a timing, in toctree order."""
    timings = _store(env)
    return [
        (docname, timings[docname]) for docname in pages_in_toctree_order(env) if docname in timings
    ]


def check_max_minutes(app: Sphinx, config: Config) -> None:
    """Fall back to the default limit when ``lesson_timing_max_minutes`` is not usable."""
    value: Any = config.lesson_timing_max_minutes
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        warn(
            LessonWarning.CONFIG,
            f"lesson_timing_max_minutes must be a positive whole number of minutes, not "
            f"{value!r}; using {DEFAULT_MAX_MINUTES}",
        )
        config.lesson_timing_max_minutes = DEFAULT_MAX_MINUTES


def setup_timing(app: Sphinx) -> None:
    """Register the timing configuration and the collector."""
    app.add_config_value(
        "lesson_timing_max_minutes",
        DEFAULT_MAX_MINUTES,
        "env",
        types=frozenset({int}),
        description="The most minutes one timing field may declare before it is reported as "
        "a probable typo (``lesson.timing-absurd``).",
    )
    app.connect("config-inited", check_max_minutes)
    app.add_env_collector(TimingCollector)
