"""Lesson checks: tell contributors when a lesson page is missing one of its parts.

For every page in the lesson folders (``lesson_check_folders``, docname prefixes such as
``"lessons/"``), a warning at file and line when:

- neither a questions nor an objectives box is near the start (before the first sub-heading);
- no keypoints box is at the end (no heading after it);
- an exercise has no solution inside it;
- a solution is not inside any exercise;
- a keypoints box is inside an exercise;
- the page metadata lacks the timing fields ``teaching`` or ``exercises``.

Each has the type ``lesson`` and its own subtype (see :mod:`.warnings`), so a project can turn
one kind off with ``suppress_warnings``. The checks look at one page at a time, when it is read
(``doctree-read``), so they work the same in parallel builds; the one site-wide check, that each
configured folder has pages (a note, not a warning), runs after all pages are read
(``env-check-consistency``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging
from sphinx.util.nodes import clean_astext

from .domain import TIMING_FIELDS, in_lesson_folder
from .nodes import (
    TeachingBox,
    exercise_node,
    keypoints_node,
    nearest_ancestor,
    objectives_node,
    questions_node,
    solution_node,
)
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


# --- Configuration ---------------------------------------------------------------------------


def check_folders_have_pages(app: Sphinx, env: BuildEnvironment) -> None:
    """Say so when a configured folder has no page: it may be a typo.

    A note in the build output rather than a warning: a course that lists its lesson folders
    before their pages are written must still build with ``-W``.
    """
    for folder in env.config.lesson_check_folders:
        if not any(docname.startswith(folder) for docname in env.found_docs):
            logger.info(
                f"lesson checks: lesson_check_folders names {folder!r}, but no page's name starts "
                "with it; check the spelling (names are relative to the source folder)."
            )


# --- The checks of one page ------------------------------------------------------------------


def check_lesson_page(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: check a page of the lesson folders."""
    env = app.env
    docname = env.current_document.docname
    if not in_lesson_folder(app, docname):
        return
    check_start(doctree)
    check_end(doctree)
    check_exercises_and_solutions(doctree)
    check_timing(env, docname, doctree)


def check_start(doctree: nodes.document) -> None:
    """Questions or objectives before the first sub-heading."""
    opening = (questions_node, objectives_node)
    if any(isinstance(node, opening) for node in start_of_page(doctree)):
        return
    later = next(doctree.findall(lambda node: isinstance(node, opening)), None)
    if later is not None:
        warn(
            LessonWarning.MISSING_OBJECTIVES,
            f"this {later['kind']!r} box is not near the start of the lesson: move it up, "
            "before the first sub-heading, so that learners see it first.",
            location=later,
        )
        return
    warn(
        LessonWarning.MISSING_OBJECTIVES,
        "this lesson page has no 'questions' or 'objectives' box near its start: add one "
        "right after the page title.",
        location=title_node(doctree) or doctree,
    )


def check_end(doctree: nodes.document) -> None:
    """A keypoints box with no heading after it (keypoints inside exercises do not count)."""
    ordered = list(doctree.findall(nodes.Element))
    keypoints = [
        node
        for node in ordered
        if isinstance(node, keypoints_node) and nearest_ancestor(node, exercise_node) is None
    ]
    if not keypoints:
        warn(
            LessonWarning.MISSING_KEYPOINTS,
            "this lesson page has no 'keypoints' box at its end: add one after the last "
            "section, listing what learners should remember.",
            location=last_located(ordered) or doctree,
        )
        return
    last = keypoints[-1]
    position = ordered.index(last)
    following = next((node for node in ordered[position:] if isinstance(node, nodes.section)), None)
    if following is None:
        return
    heading = following.next_node(nodes.title)
    heading_text = clean_astext(heading) if heading is not None else "a section"
    warn(
        LessonWarning.MISSING_KEYPOINTS,
        f"the 'keypoints' box is not at the end of the lesson: the heading {heading_text!r} "
        "comes after it. Move the box to the end of the page.",
        location=last,
    )


def check_exercises_and_solutions(doctree: nodes.document) -> None:
    """Every exercise has a solution inside; solutions and keypoints are placed right."""
    for exercise in doctree.findall(exercise_node):
        if next(exercise.findall(solution_node, include_self=False), None) is None:
            warn(
                LessonWarning.EXERCISE_WITHOUT_SOLUTION,
                f"the exercise {box_title(exercise)!r} has no solution: add a 'solution' "
                "box inside it (indented under the exercise).",
                location=exercise,
            )
    for solution in doctree.findall(solution_node):
        if nearest_ancestor(solution, exercise_node) is None:
            warn(
                LessonWarning.SOLUTION_OUTSIDE_EXERCISE,
                "this solution is not inside an exercise: indent it under the exercise it "
                "solves (in MyST, nest it inside the exercise's fence).",
                location=solution,
            )
    for keypoints in doctree.findall(keypoints_node):
        if nearest_ancestor(keypoints, exercise_node) is not None:
            warn(
                LessonWarning.KEYPOINTS_IN_EXERCISE,
                "this 'keypoints' box is inside an exercise: key points belong to the whole "
                "lesson; move the box out of the exercise, to the end of the page.",
                location=keypoints,
            )


def check_timing(env: BuildEnvironment, docname: str, doctree: nodes.document) -> None:
    """The page metadata has both timing fields (their values are checked by the schedule)."""
    metadata = env.metadata.get(docname, {})
    missing = [field for field in TIMING_FIELDS if field not in metadata]
    if not missing:
        return
    names = " and ".join(repr(field) for field in missing)
    fields = "field" if len(missing) == 1 else "fields"
    if env.doc2path(docname).suffix == ".md":
        how = "in the front matter at the top (teaching: 25 and exercises: 20)"
    else:
        how = "as a field list at the very top of the file (:teaching: 25 and :exercises: 20)"
    warn(
        LessonWarning.MISSING_TIMING,
        f"this lesson page lacks the timing {fields} {names}: add the minutes {how}.",
        location=(docname, 1),
    )


# --- Helpers ---------------------------------------------------------------------------------


def start_of_page(doctree: nodes.document) -> Iterator[nodes.Node]:
    """The nodes before the first sub-heading: the page title's section up to its first
    subsection (or, on a page without a title, everything before the first section)."""
    container: nodes.Element = doctree
    top = next((child for child in doctree.children if isinstance(child, nodes.section)), None)
    if top is not None and not any(isinstance(child, TeachingBox) for child in doctree.children):
        container = top
    for child in container.children:
        if isinstance(child, nodes.section):
            return
        yield from child.findall(nodes.Node)


def title_node(doctree: nodes.document) -> nodes.title | None:
    """The page's title node, to point a warning at (its text is :func:`.domain.page_title`)."""
    section = next(doctree.findall(nodes.section), None)
    return section.next_node(nodes.title) if section is not None else None


def last_located(ordered: list[nodes.Element]) -> nodes.Element | None:
    """The last node that knows its line, to point at the end of the page."""
    return next((node for node in reversed(ordered) if node.line), None)


def box_title(box: TeachingBox) -> str:
    title = box.next_node(nodes.title)
    return clean_astext(title) if title is not None else box["kind"]


def setup_checks(app: Sphinx) -> None:
    """Register the checks."""
    # After Sphinx's own collectors (priority 500) have moved the metadata into the env.
    app.connect("doctree-read", check_lesson_page, priority=600)
    app.connect("env-check-consistency", check_folders_have_pages)
