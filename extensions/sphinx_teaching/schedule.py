"""The generated schedule: a ``lesson-schedule`` directive that tables the lessons' timings.

Every page that declares a timing (see :mod:`.timing`) is a row, in toctree order, with its
teaching and exercise minutes and its clock times, counted from ``lesson_schedule_start``; the
breaks of ``lesson_schedule_breaks`` are rows of their own after the lesson they follow; a last
row gives the totals. The directive leaves a placeholder that is replaced at write time from
the timings in the build environment, and the page holding it is written again whenever any
page changes, so the schedule never drifts from the lessons. In HTML the table written is kept
(:mod:`.fragments`) and used again while the schedule stays the same.

Configuration (``conf.py``)::

    lesson_schedule_start = "09:00"
    lesson_schedule_breaks = [
        {"after": "lessons/isolated-environments", "minutes": 15, "title": "Coffee break"},
    ]
    # Sessions held at the same time (each learner takes one): they share a time slot.
    lesson_schedule_parallel = [["uppmax/isolated-uppmax", "hpc2n/isolated-hpc2n"]]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import clean_astext

from .badinput import TakesNoArgument, report_unexpected_argument
from .fragments import kept_or_made
from .generated import page_reference, track_generated_pages
from .timing import Timing, lessons_in_order
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

DEFAULT_START = "09:00"
DEFAULT_BREAK_TITLE = "Break"
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
#: Where the pages holding a schedule are remembered in the build environment.
_PAGES_ATTRIBUTE = "lesson_schedule_pages"


class lesson_schedule_node(nodes.General, nodes.Element):
    """Where a schedule goes; replaced by the table at write time."""


# --- Arithmetic -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """A pause in the day, after the lesson page ``after``."""

    after: str
    minutes: int
    title: str = DEFAULT_BREAK_TITLE


@dataclass(frozen=True)
class ScheduleRow:
    """One row: a lesson (``docname`` set) or a break (``docname`` is ``None``)."""

    start: int
    end: int
    title: str
    docname: str | None = None
    teaching: int | None = None
    exercises: int | None = None
    #: Held at the same time as the other lessons of its group (one per learner).
    parallel: bool = False


@dataclass(frozen=True)
class Schedule:
    """The rows of a day and its totals; times are minutes since midnight.

    ``teaching`` and ``exercises`` are the fewest and the most minutes one learner gets: the
    two differ only where parallel sessions differ.
    """

    rows: tuple[ScheduleRow, ...]
    start: int
    end: int
    teaching: tuple[int, int]
    exercises: tuple[int, int]
    breaks: int


def compute_schedule(
    lessons: list[tuple[str, str, Timing]],
    start: int,
    breaks: list[Break],
    parallel: list[list[str]] | None = None,
) -> Schedule:
    """Lay out ``(docname, title, timing)`` lessons from ``start``.

    Breaks follow the lesson they name. The lessons of a ``parallel`` group all start when the
    first of them (in toctree order) is due, and the next lesson waits for the longest.
    """
    breaks_after: dict[str, list[Break]] = {}
    for pause in breaks:
        breaks_after.setdefault(pause.after, []).append(pause)
    group_of = {docname: set(group) for group in parallel or [] for docname in group}
    rows: list[ScheduleRow] = []
    placed: set[str] = set()
    clock = start
    teaching = [0, 0]
    exercises = [0, 0]
    break_minutes = 0
    for docname, _, _ in lessons:
        if docname in placed:
            continue
        group = group_of.get(docname, {docname})
        members = [lesson for lesson in lessons if lesson[0] in group]
        placed.update(member for member, _, _ in members)
        in_parallel = len(members) > 1
        for member, title, timing in members:
            rows.append(
                ScheduleRow(
                    clock,
                    clock + timing.total,
                    title,
                    member,
                    timing.teaching,
                    timing.exercises,
                    parallel=in_parallel,
                )
            )
        for totals, part in ((teaching, "teaching"), (exercises, "exercises")):
            minutes = [getattr(timing, part) or 0 for _, _, timing in members]
            totals[0] += min(minutes)
            totals[1] += max(minutes)
        clock += max(timing.total for _, _, timing in members)
        for member, _, _ in members:
            for pause in breaks_after.get(member, []):
                rows.append(ScheduleRow(clock, clock + pause.minutes, pause.title))
                break_minutes += pause.minutes
                clock += pause.minutes
    return Schedule(
        tuple(rows), start, clock, (teaching[0], teaching[1]),
        (exercises[0], exercises[1]), break_minutes,
    )  # fmt: skip


def clock_time(minutes: int) -> str:
    """``HH:MM`` on a 24-hour clock."""
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def time_span(start: int, end: int) -> str:
    return f"{clock_time(start)}\u2013{clock_time(end)}"


def duration(minutes: int) -> str:
    """``45 min``, ``1 h``, ``1 h 15 min``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def page_title(env: BuildEnvironment, docname: str) -> str:
    """A page's title as plain text (markup and raw HTML in it become text)."""
    title = env.titles.get(docname)
    return clean_astext(title) if title is not None else docname


# --- Configuration ----------------------------------------------------------------------------


def parse_clock(text: str) -> int | None:
    """Minutes since midnight of an ``HH:MM`` time, or ``None`` if it is not one."""
    match = _CLOCK.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    return int(match[1]) * 60 + int(match[2])


def configured_parallel(config: Config) -> list[list[str]]:
    """``lesson_schedule_parallel`` (already validated)."""
    return [list(group) for group in config.lesson_schedule_parallel]


def configured_breaks(config: Config) -> list[Break]:
    """``lesson_schedule_breaks`` as :class:`Break` values (already validated)."""
    return [
        Break(item["after"], item["minutes"], item["title"])
        for item in config.lesson_schedule_breaks
    ]


def check_schedule_config(app: Sphinx, config: Config) -> None:
    """Validate the schedule's configuration; fall back to defaults with a warning."""
    if parse_clock(config.lesson_schedule_start) is None:
        warn(
            LessonWarning.CONFIG,
            f"lesson_schedule_start must be a time as 'HH:MM' (24-hour clock), not "
            f"{config.lesson_schedule_start!r}; using {DEFAULT_START!r}",
        )
        config.lesson_schedule_start = DEFAULT_START

    raw = config.lesson_schedule_breaks
    if not isinstance(raw, (list, tuple)):
        warn(
            LessonWarning.CONFIG,
            f"lesson_schedule_breaks must be a list of breaks, not {raw!r}; using no breaks",
        )
        raw = []
    valid: list[dict[str, Any]] = []
    for number, item in enumerate(raw, start=1):
        problem = _break_problem(item)
        if problem:
            warn(
                LessonWarning.CONFIG,
                f"lesson_schedule_breaks, item {number} ({item!r}): {problem}; the break is "
                "left out. Write each break as {'after': 'docname', 'minutes': 15, "
                "'title': 'Coffee break'}",
            )
            continue
        valid.append(
            {
                "after": item["after"],
                "minutes": item["minutes"],
                "title": item.get("title", DEFAULT_BREAK_TITLE),
            }
        )
    config.lesson_schedule_breaks = valid
    config.lesson_schedule_parallel = _valid_parallel_groups(config.lesson_schedule_parallel)


def _valid_parallel_groups(raw: Any) -> list[list[str]]:
    """``lesson_schedule_parallel`` without its bad groups, each reported."""
    example = "[['uppmax/isolated-uppmax', 'hpc2n/isolated-hpc2n']]"
    if not isinstance(raw, (list, tuple)):
        warn(
            LessonWarning.CONFIG,
            f"lesson_schedule_parallel must be a list of groups of docnames such as {example}, "
            f"not {raw!r}; scheduling every lesson one after the other",
        )
        return []
    groups: list[list[str]] = []
    seen: set[str] = set()
    for number, group in enumerate(raw, start=1):
        if (
            not isinstance(group, (list, tuple))
            or len(group) < 2
            or not all(isinstance(docname, str) and docname for docname in group)
        ):
            problem = "is not a list of two or more docnames"
        elif seen & set(group):
            problem = f"repeats {', '.join(sorted(seen & set(group)))} from an earlier group"
        else:
            groups.append(list(group))
            seen.update(group)
            continue
        warn(
            LessonWarning.CONFIG,
            f"lesson_schedule_parallel, group {number} ({group!r}) {problem}; the group is "
            f"left out. Write the groups as {example}",
        )
    return groups


def _break_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "not a dict"
    unknown = set(item) - {"after", "minutes", "title"}
    if unknown:
        return f"unknown key(s) {', '.join(sorted(map(str, unknown)))}"
    after = item.get("after")
    if not isinstance(after, str) or not after:
        return "'after' must be the docname of the lesson the break follows"
    minutes = item.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        return "'minutes' must be a whole number greater than 0"
    if not isinstance(item.get("title", DEFAULT_BREAK_TITLE), str):
        return "'title' must be text"
    return None


def check_schedule_pages(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about configured docnames that are not lessons (the schedule can't place them)."""
    if not getattr(env, _PAGES_ATTRIBUTE, None):
        return
    lessons = {docname for docname, _ in lessons_in_order(env)}
    advice = "give the docname of a lesson (its path in docs/ without the suffix)"
    for pause in configured_breaks(env.config):
        if pause.after not in lessons:
            warn(
                LessonWarning.SCHEDULE_PAGE,
                f"lesson_schedule_breaks: the break {pause.title!r} follows {pause.after!r}, "
                f"which is not a lesson page with a timing; {advice}",
            )
    for group in configured_parallel(env.config):
        for docname in group:
            if docname not in lessons:
                warn(
                    LessonWarning.SCHEDULE_PAGE,
                    f"lesson_schedule_parallel: {docname!r} is not a lesson page with a "
                    f"timing; {advice}",
                )


# --- Directive and rendering ------------------------------------------------------------------


class LessonScheduleDirective(TakesNoArgument, SphinxDirective):
    """``.. lesson-schedule::`` places the generated schedule table."""

    has_content = False
    option_spec: ClassVar[OptionSpec] = {
        "class": directives.class_option,
        "name": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        report_unexpected_argument(self)
        node = lesson_schedule_node()
        self.set_source_info(node)
        node["classes"] = ["lesson-schedule", *self.options.get("class", [])]
        self.add_name(node)
        return [node]


def fill_schedules(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each schedule placeholder by the table, from the current timings.

    Done on ``doctree-resolved``, after the post-transforms: the table holds nothing for them
    to do (its links are made resolved), and a schedule of hundreds of rows would otherwise
    be walked over by every one of them.
    """
    placeholders = list(doctree.findall(lesson_schedule_node))
    if not placeholders:
        return
    env, builder = app.env, app.builder
    lessons = [
        (lesson, page_title(env, lesson), timing) for lesson, timing in lessons_in_order(env)
    ]
    start = parse_clock(app.config.lesson_schedule_start) or 0
    schedule = compute_schedule(
        lessons, start, configured_breaks(app.config), configured_parallel(app.config)
    )

    def lesson_link(lesson: str, title: str) -> nodes.Node:
        return page_reference(builder, docname, lesson, [nodes.Text(title)])

    for placeholder in placeholders:
        if not schedule.rows:
            empty = nodes.paragraph("", "No lesson page declares its timing yet.")
            empty["classes"] = list(placeholder["classes"])
            placeholder.replace_self(empty)
            continue
        # In HTML the table is kept as written, and used again while the schedule and the
        # placeholder's classes and names stay the same (.fragments).
        attributes = [placeholder[name] for name in ("classes", "ids", "names")]
        data = ("schedule", repr(schedule), repr(attributes))
        placeholder.replace_self(
            kept_or_made(
                builder,
                docname,
                data,
                partial(placed_table, schedule, lesson_link, placeholder),
            )
        )


def placed_table(
    schedule: Schedule,
    lesson_link: Callable[[str, str], nodes.Node],
    placeholder: lesson_schedule_node,
) -> list[nodes.Node]:
    """The schedule's table, with the classes, ids and names of the placeholder it replaces."""
    table = schedule_table(schedule, lesson_link)
    # Left out of the search index: the lesson titles it repeats are found on their pages.
    table["classes"] += [*placeholder["classes"], "no-search"]
    table["ids"] = list(placeholder["ids"])
    table["names"] = list(placeholder["names"])
    return [table]


def _cell(*children: nodes.Node | str) -> nodes.entry:
    paragraph = nodes.paragraph()
    for child in children:
        paragraph += nodes.Text(child) if isinstance(child, str) else child
    return nodes.entry("", paragraph)


def _minutes(value: int | None) -> str:
    return "\u2014" if value is None else str(value)


def _range(bounds: tuple[int, int]) -> str:
    low, high = bounds
    return str(low) if low == high else f"{low}\u2013{high}"


def schedule_table(
    schedule: Schedule, lesson_link: Callable[[str, str], nodes.Node]
) -> nodes.table:
    """The schedule as a docutils table: every builder can write it, all text escaped.

    ``lesson_link(docname, title)`` makes the link of a lesson's row.
    """
    table = nodes.table()
    group = nodes.tgroup(cols=4)
    table += group
    for width in (20, 50, 15, 15):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += nodes.row(
        "",
        _cell("Time"),
        _cell("Lesson"),
        _cell("Teaching (min)"),
        _cell("Exercises (min)"),
    )
    group += head
    body = nodes.tbody()
    group += body
    for row in schedule.rows:
        if row.docname is None:
            tr = nodes.row(
                "",
                _cell(time_span(row.start, row.end)),
                _cell(nodes.emphasis("", row.title)),
                _cell(""),
                _cell(""),
            )
            tr["classes"].append("lesson-schedule-break")
        else:
            lesson = _cell(lesson_link(row.docname, row.title))
            if row.parallel:
                lesson[0] += nodes.Text(" ")
                lesson[0] += nodes.emphasis("", "(parallel session)")
            tr = nodes.row(
                "",
                _cell(time_span(row.start, row.end)),
                lesson,
                _cell(_minutes(row.teaching)),
                _cell(_minutes(row.exercises)),
            )
            tr["classes"].append("lesson-schedule-lesson")
            if row.parallel:
                tr["classes"].append("lesson-schedule-parallel")
        body += tr
    total_label = "Total"
    if schedule.breaks:
        total_label += f" ({duration(schedule.breaks)} of breaks)"
    if any(row.parallel for row in schedule.rows):
        # Minutes per learner, who takes one of each group of parallel sessions.
        total_label += ", per learner"
    total = nodes.row(
        "",
        _cell(time_span(schedule.start, schedule.end)),
        _cell(nodes.strong("", total_label)),
        _cell(nodes.strong("", _range(schedule.teaching))),
        _cell(nodes.strong("", _range(schedule.exercises))),
    )
    total["classes"].append("lesson-schedule-total")
    body += total
    return table


def setup_schedule(app: Sphinx) -> None:
    """Register the schedule's configuration, directive and table."""
    app.add_config_value(
        "lesson_schedule_start",
        DEFAULT_START,
        "env",
        types=frozenset({str}),
        description="When the schedule's day starts, as ``HH:MM`` (24-hour clock).",
    )
    app.add_config_value(
        "lesson_schedule_breaks",
        [],
        "env",
        types=frozenset({list, tuple}),
        description="Breaks in the schedule: each a dict with ``after`` (a lesson's docname), "
        "``minutes`` and ``title``.",
    )
    app.add_config_value(
        "lesson_schedule_parallel",
        [],
        "env",
        types=frozenset({list, tuple}),
        description="Groups of lesson docnames taught at the same time (one per learner); "
        "each group shares a time slot.",
    )
    app.connect("config-inited", check_schedule_config)
    app.add_node(lesson_schedule_node)
    app.add_directive("lesson-schedule", LessonScheduleDirective)
    app.connect("doctree-resolved", fill_schedules)
    track_generated_pages(app, lesson_schedule_node, _PAGES_ATTRIBUTE)
    app.connect("env-check-consistency", check_schedule_pages)
