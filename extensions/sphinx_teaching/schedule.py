"""The generated schedule: a ``lesson-schedule`` directive that tables the lessons' timings.

Every page that declares a timing (see :mod:`.timing`) is a row, in toctree order, with its
teaching and exercise minutes and its clock times, counted from ``lesson_schedule_start``; the
breaks of ``lesson_schedule_breaks`` are rows of their own after the lesson they follow; a last
row gives the totals. The directive leaves a placeholder that is replaced at write time from
the timings in :class:`.domain.LessonDomain`, and the page holding it is written again
whenever a timing, a title or the toctree changes, so the schedule never drifts from the
lessons.

Configuration (``conf.py``)::

    lesson_schedule_start = "09:00"
    lesson_schedule_breaks = [
        {"after": "lessons/isolated-environments", "minutes": 15, "title": "Coffee break"},
    ]
    # Sessions held at the same time (each learner takes one): they share a time slot.
    lesson_schedule_parallel = [["uppmax/isolated-uppmax", "hpc2n/isolated-hpc2n"]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from docutils import nodes

from .config import DEFAULT_BREAK_TITLE, parse_clock
from .domain import lesson_domain, page_title
from .nodes import generated_part
from .placeholders import GeneratedPartDirective, page_reference
from .timing import Timing, lessons_in_order
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment


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


# --- Configuration ----------------------------------------------------------------------------


def configured_breaks(config: Config) -> list[Break]:
    """``lesson_schedule_breaks`` as :class:`Break` values (already validated)."""
    return [
        Break(item["after"], item["minutes"], item["title"])
        for item in config.lesson_schedule_breaks
    ]


def check_schedule_pages(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about configured docnames that are not lessons (the schedule can't place them)."""
    if not any("schedule" in parts for parts in lesson_domain(env).entries("parts").values()):
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
    for group in env.config.lesson_schedule_parallel:
        for docname in group:
            if docname not in lessons:
                warn(
                    LessonWarning.SCHEDULE_PAGE,
                    f"lesson_schedule_parallel: {docname!r} is not a lesson page with a "
                    f"timing; {advice}",
                )


# --- Directive and rendering ------------------------------------------------------------------


class LessonScheduleDirective(GeneratedPartDirective):
    """``.. lesson-schedule::`` places the generated schedule table."""

    part = "schedule"


def render_schedule(
    builder: Builder, placeholder: generated_part, fromdoc: str
) -> list[nodes.Node]:
    """The schedule table, from the current timings, with the placeholder's classes and ids."""
    env, config = builder.env, builder.config
    lessons = [
        (lesson, page_title(env, lesson), timing) for lesson, timing in lessons_in_order(env)
    ]
    schedule = compute_schedule(
        lessons,
        parse_clock(config.lesson_schedule_start) or 0,
        configured_breaks(config),
        config.lesson_schedule_parallel,
    )
    if not schedule.rows:
        text = "No lesson page declares its timing yet."
        return [nodes.paragraph("", text, classes=["lesson-schedule"])]

    def lesson_link(lesson: str, title: str) -> nodes.Node:
        return page_reference(builder, fromdoc, lesson, [nodes.Text(title)])

    table = schedule_table(schedule, lesson_link)
    # Left out of the search index: the lesson titles it repeats are found on their pages.
    table["classes"] += ["lesson-schedule", "no-search"]
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
    """Register the schedule's directive and the check of its configured pages."""
    app.add_directive("lesson-schedule", LessonScheduleDirective)
    app.connect("env-check-consistency", check_schedule_pages)
