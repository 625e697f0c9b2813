"""The table of teaching-box kinds: the one place that knows every kind.

Names, default titles and extra CSS classes follow sphinx-lesson, so lessons written for it build
unchanged and custom CSS aimed at its classes keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import nodes as box_nodes


@dataclass(frozen=True)
class BoxKind:
    """One kind of teaching box and how it is written and rendered."""

    #: Canonical directive name; also the CSS class, the id prefix and ``node["kind"]``.
    name: str
    #: The node class the directive creates.
    node_class: type[box_nodes.TeachingBox]
    #: Title used when the directive has no argument.
    default_title: str
    #: Classes sphinx-lesson adds besides the name (``important`` on exercises, ...).
    extra_classes: tuple[str, ...] = ()
    #: Other directive names for the same kind; they share its id counter.
    aliases: tuple[str, ...] = ()
    #: ``"closed"`` for kinds collapsed by default (rendered as ``<details>``).
    collapsible: str | None = None


BOX_KINDS: tuple[BoxKind, ...] = (
    BoxKind("questions", box_nodes.questions_node, "Questions"),
    BoxKind("objectives", box_nodes.objectives_node, "Objectives"),
    BoxKind("keypoints", box_nodes.keypoints_node, "Keypoints"),
    BoxKind(
        "prerequisites",
        box_nodes.prerequisites_node,
        "Prerequisites",
        aliases=("prereq",),
    ),
    BoxKind(
        "exercise",
        box_nodes.exercise_node,
        "Exercise",
        extra_classes=("important",),
        aliases=("challenge",),
    ),
    BoxKind(
        "solution",
        box_nodes.solution_node,
        "Solution",
        extra_classes=("important", "dropdown"),
        collapsible="closed",
    ),
    BoxKind("homework", box_nodes.homework_node, "Homework", extra_classes=("important",)),
    BoxKind("demo", box_nodes.demo_node, "Demo"),
    BoxKind("type-along", box_nodes.type_along_node, "Type-Along", extra_classes=("important",)),
    BoxKind("discussion", box_nodes.discussion_node, "Discussion", extra_classes=("important",)),
    BoxKind("instructor-note", box_nodes.instructor_note_node, "Instructor note"),
    BoxKind("callout", box_nodes.callout_node, "Callout"),
    BoxKind("checklist", box_nodes.checklist_node, "Checklist"),
    BoxKind("testimonial", box_nodes.testimonial_node, "Testimonial"),
    BoxKind("output", box_nodes.output_node, "Output"),
)

#: Kinds by canonical name.
KINDS_BY_NAME: dict[str, BoxKind] = {kind.name: kind for kind in BOX_KINDS}

#: Every directive name we register (canonical names and aliases) with its kind.
KINDS_BY_DIRECTIVE: dict[str, BoxKind] = {
    **KINDS_BY_NAME,
    **{alias: kind for kind in BOX_KINDS for alias in kind.aliases},
}
