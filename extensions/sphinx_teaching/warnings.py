"""The catalogue of warnings this extension emits.

Every warning has the type ``lesson`` and one of the subtypes below, so a project can silence
one kind with ``suppress_warnings = ["lesson.<subtype>"]``. The documentation's list of
warnings is generated from this catalogue, so add a subtype here before using it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sphinx.util import logging

#: The warning type of every warning we emit.
WARNING_TYPE = "lesson"

logger = logging.getLogger(__name__)


class LessonWarning(str, Enum):
    """Warning subtypes, each with a one-line description for the docs."""

    description: str

    def __new__(cls, subtype: str, description: str) -> LessonWarning:
        member = str.__new__(cls, subtype)
        member._value_ = subtype
        member.description = description
        return member

    BOX_TITLE = (
        "box-title",
        "A box title spans several lines or starts with a list marker: the blank line after "
        "the directive is probably missing, so the content became the title.",
    )
    COMMAND_UNMARKED = (
        "command-unmarked",
        "A shell code block (console, bash, sh, ...) in a lesson page is neither runnable nor "
        "cluster-only: write it as ``lesson-command`` with ``:scenario:`` or ``:cluster:`` so "
        "the tests run or check it.",
    )
    COMMAND_MARKUP = (
        "command-markup",
        "A ``lesson-command`` block is marked wrongly: no ``:scenario:`` or ``:cluster:`` (or "
        "both), no ``$ `` command, output before the first command, or a cluster command "
        "(``module``, ``ml``, ``sbatch``...) in a runnable block.",
    )
    COMMAND_CLUSTER = (
        "command-cluster",
        "``:cluster:`` names a centre that the known-modules file does not list.",
    )
    COMMAND_MODULE = (
        "command-module",
        "A cluster-only block loads a module (name or version) that is not in the "
        "known-modules file for its centre.",
    )
    CONFIG = (
        "config",
        "A configuration value of this extension has the wrong type or an unknown value; "
        "the default is used instead.",
    )
    REFERENCE = (
        "reference",
        "``lesson-example`` (which shows an example in both syntaxes) found no snippet file "
        "of the name it was given.",
    )
    UNKNOWN_OPTION = (
        "unknown-option",
        "A teaching box has an option it does not take (often a misspelling); the option is "
        "ignored and the box is shown without it.",
    )
    DUPLICATE_NAME = (
        "duplicate-name",
        "Two boxes (or a box and another target) have the same ``:name:``: on one page the "
        "later box is shown without it, so links keep going to the first; across pages, "
        "links can reach only one of them.",
    )
    UNEXPECTED_ARGUMENT = (
        "unexpected-argument",
        "Text after the name of a directive that takes no argument (a summary, the "
        "schedule, ...); it is ignored.",
    )
    TIMING_NEGATIVE = (
        "timing-negative",
        "A lesson's ``teaching`` or ``exercises`` minutes are negative; the value is ignored.",
    )
    TIMING_NOT_A_NUMBER = (
        "timing-not-a-number",
        "A lesson's ``teaching`` or ``exercises`` minutes are not a whole number; the value "
        "is ignored.",
    )
    TIMING_ABSURD = (
        "timing-absurd",
        "A lesson's ``teaching`` or ``exercises`` minutes exceed ``lesson_timing_max_minutes`` "
        "(480 by default), most likely a typo; the value is ignored.",
    )
    GUIDE_TWICE = (
        "instructor-guide-twice",
        "The ``instructor-guide`` directive is used more than once on a page; only the first "
        "is kept.",
    )
    SCHEDULE_PAGE = (
        "schedule-page",
        "A page named in ``lesson_schedule_breaks`` or ``lesson_schedule_parallel`` is not a "
        "lesson with a timing, so the schedule cannot place the break or group by it.",
    )

    SUMMARY_TWICE = (
        "summary-twice",
        "The same summary directive (keypoints-summary, objectives-summary, exercise-list) is "
        "used twice on one page; only the first one is filled.",
    )
    SUMMARY_ARGUMENT = (
        "summary-argument",
        "A summary directive was given an argument (such as a title); it takes none, and the "
        "argument is ignored.",
    )
    MISSING_OBJECTIVES = (
        "missing-objectives",
        "A lesson page has neither a questions nor an objectives box near its start (before "
        "its first sub-heading).",
    )
    MISSING_KEYPOINTS = (
        "missing-keypoints",
        "A lesson page has no keypoints box at its end (after its last heading).",
    )
    EXERCISE_WITHOUT_SOLUTION = (
        "exercise-without-solution",
        "An exercise on a lesson page has no solution box inside it.",
    )
    SOLUTION_OUTSIDE_EXERCISE = (
        "solution-outside-exercise",
        "A solution box on a lesson page is not inside any exercise box.",
    )
    KEYPOINTS_IN_EXERCISE = (
        "keypoints-in-exercise",
        "A keypoints box on a lesson page is nested inside an exercise box.",
    )
    MISSING_TIMING = (
        "missing-timing",
        "A lesson page lacks the timing metadata 'teaching' or 'exercises' (minutes).",
    )
    MARKDOWN_TRANSFORM = (
        "markdown-transform",
        "On a Markdown page, a line looks like one of sphinx-lesson's rewrites but is not one: "
        "a ``{: ...}`` line that follows no code fence or block quote or names no box kind, or "
        "an ``<img>`` without a double-quoted ``src``; it is left as written.",
    )
    SITE_UNKNOWN = (
        "site-unknown",
        "A 'site' block names a site that is not in lesson_sites; the message lists the "
        "configured sites.",
    )
    SITE_OUTSIDE_TABS = (
        "site-outside-tabs",
        "A 'site' block is not directly inside a 'site-tabs' group.",
    )
    SITE_DUPLICATE = (
        "site-duplicate",
        "A 'site-tabs' group has two blocks for the same site; the second is added to the first.",
    )
    SITE_TABS_EMPTY = (
        "site-tabs-empty",
        "A 'site-tabs' group has no 'site' blocks; it is left out of the page.",
    )
    SITE_TABS_CONTENT = (
        "site-tabs-content",
        "A 'site-tabs' group holds content outside its 'site' blocks; it is shown before the "
        "group.",
    )

    @property
    def tag(self) -> str:
        """The ``type.subtype`` string used in ``suppress_warnings``."""
        return f"{WARNING_TYPE}.{self.value}"


def warn(subtype: LessonWarning, message: str, location: Any = None) -> None:
    """Log a warning of type ``lesson`` with ``subtype`` at ``location``.

    ``location`` is a node, a docname, a ``(docname, line)`` pair or ``None`` (for
    configuration problems, which have no place in a page).
    """
    logger.warning(message, location=location, type=WARNING_TYPE, subtype=subtype.value)
