"""Docutils node classes: one per kind of teaching box.

Every box is a :class:`TeachingBox`, itself an admonition, so builders that know nothing of us
still treat it as one. Later features (summaries, checks, the instructor view) find boxes by
their node class, never by CSS class. State lives in node attributes (``node["kind"]``) because
deep copies and pickles keep only those.
"""

from __future__ import annotations

from typing import TypeVar

from docutils import nodes


class TeachingBox(nodes.Admonition, nodes.Element):
    """Base class of every teaching box.

    Attributes set by the directive:

    ``kind``
        the canonical directive name (``"exercise"`` also for ``challenge``);
    ``collapsible``
        ``"open"`` or ``"closed"`` for boxes rendered as ``<details>`` (Sphinx 9's own
        collapsible admonitions), absent otherwise.
    """


class questions_node(TeachingBox):
    """Questions the lesson answers; opens a lesson."""


class objectives_node(TeachingBox):
    """What the learner will be able to do; opens a lesson."""


class keypoints_node(TeachingBox):
    """What to remember; closes a lesson."""


class prerequisites_node(TeachingBox):
    """What the learner needs before starting."""


class exercise_node(TeachingBox):
    """A hands-on exercise (directive ``exercise``, alias ``challenge``)."""


class solution_node(TeachingBox):
    """The solution of an exercise; collapsed until the reader opens it."""


class homework_node(TeachingBox):
    """Work to do after the session."""


class demo_node(TeachingBox):
    """Something the instructor shows."""


class type_along_node(TeachingBox):
    """Steps the learners type along with the instructor."""


class discussion_node(TeachingBox):
    """A question for the group to talk over."""


class instructor_note_node(TeachingBox):
    """A note meant for instructors rather than learners."""


class callout_node(TeachingBox):
    """An aside worth drawing attention to."""


class checklist_node(TeachingBox):
    """A list of things to check."""


class testimonial_node(TeachingBox):
    """A quotation from a former learner or user."""


class output_node(TeachingBox):
    """The output a command or program prints."""


# --- Site-specific content (see sitetabs.py) ----------------------------------------------------


class site_tabs(nodes.General, nodes.Element):
    """A group of variants of one step, one per site (directive ``site-tabs``)."""


class site_variant(nodes.General, nodes.Element):
    """The variant of a step for one site (directive ``site``).

    ``site`` is the site's name, ``label`` its label from ``lesson_sites``.
    """


# --- Where a node stands in the doctree ------------------------------------------------------

_Ancestor = TypeVar("_Ancestor", bound=nodes.Element)


def nearest_ancestor(node: nodes.Node, ancestor_class: type[_Ancestor]) -> _Ancestor | None:
    """The innermost ancestor of ``node`` that is an ``ancestor_class``, if any."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, ancestor_class):
            return parent
        parent = parent.parent
    return None


def heading_level(node: nodes.Node) -> int:
    """The HTML heading level for a heading at ``node``: one below the nearest heading above.

    Sections, boxes that show a heading (not collapsible ones, whose title is a summary),
    site variants and the page headings of a summary each head what they hold.
    """
    level = 1
    parent = node.parent
    while parent is not None:
        if (
            isinstance(parent, (nodes.section, site_variant))
            or (isinstance(parent, TeachingBox) and not parent.get("collapsible"))
            or (isinstance(parent, nodes.container) and "lesson-summary" in parent["classes"])
        ):
            level += 1
        parent = parent.parent
    return min(level, 6)


# --- Copies kept in the build environment ----------------------------------------------------

_Node = TypeVar("_Node", bound=nodes.Node)


def detached_copy(node: _Node) -> _Node:
    """A deep copy of ``node`` that holds no reference to the page it was copied from.

    Sphinx's ``deepcopy`` points every copied child at the original ``document``; a copy kept
    in the build environment would then pickle the whole page along with it (with every box
    of a 300-page course, the environment grew 13-fold, and every load, save and ``-j`` merge
    paid for it). The copy finds its document through its parent once it is placed in a page.
    """
    copy = node.deepcopy()
    copy.parent = None
    for descendant in copy.findall(nodes.Node):
        descendant.document = None  # type: ignore[assignment]
    return copy


# --- Generated parts ---------------------------------------------------------------------------


class generated_part(nodes.General, nodes.Element):
    """Where a part generated from every page goes (a summary, the schedule, the guide).

    ``node["part"]`` names it: ``"keypoints"``, ``"objectives"``, ``"exercises"``,
    ``"schedule"`` or ``"guide"``; the directive that placed it may add options of its own
    (``folders``, ``classes``, ...). Filled from the collected data as the page is written.
    """
