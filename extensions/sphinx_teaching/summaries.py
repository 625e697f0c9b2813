"""Summary pages: the key points, the objectives and questions, and the exercises of every lesson.

A summary directive (``keypoints-summary``, ``objectives-summary``, ``exercise-list``; also
sphinx-lesson's ``exerciselist``) leaves a :class:`.nodes.generated_part`. When its page is
written, :func:`render_summary` fills it from the boxes kept in :class:`.domain.LessonDomain`:
page by page in toctree order (or only the pages under ``:folders:``), a heading linking to the
page, then each box. A key point, question or objective is shown as its content under its title
linking back to the box. The exercise list follows sphinx-lesson: it shows each admonition with
one of its ``:include:`` classes (exercises, solutions, ...) and none of its ``:exclude:``
classes, unless it is inside one already shown, as the whole box (its solutions collapsed), after
a link back to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes

from . import nodes as box_nodes
from .domain import (
    LISTED_CLASSES,
    UNLISTED_CLASSES,
    boxes_in,
    is_box,
    lesson_domain,
    page_title,
    pages_in_toctree_order,
)
from .placeholders import GeneratedPartDirective, copy_box, page_reference
from .warnings import LessonWarning

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.util.typing import OptionSpec


@dataclass(frozen=True)
class Summary:
    """One kind of summary: which boxes it lists and how it is named."""

    #: The name of its generated part, and the suffix of its CSS class.
    name: str
    #: The directive names that place it.
    directives: tuple[str, ...]
    #: The kinds of box it lists (``node["kind"]``).
    kinds: tuple[str, ...]
    #: What the summary says when the site has no such box.
    empty_text: str


SUMMARIES: tuple[Summary, ...] = (
    Summary("keypoints", ("keypoints-summary",), ("keypoints",), "No page has key points yet."),
    Summary(
        "objectives",
        ("objectives-summary",),
        ("questions", "objectives"),
        "No page has questions or objectives yet.",
    ),
    Summary(
        "exercises", ("exercise-list", "exerciselist"), ("exercise",), "No page has exercises yet."
    ),
)

SUMMARIES_BY_NAME: dict[str, Summary] = {summary.name: summary for summary in SUMMARIES}


class SummaryDirective(GeneratedPartDirective):
    """Place a summary here; each subclass sets :attr:`summary`."""

    summary: ClassVar[Summary]
    twice_warning = LessonWarning.SUMMARY_TWICE
    argument_warning = LessonWarning.SUMMARY_ARGUMENT
    option_spec: ClassVar[OptionSpec] = {
        **GeneratedPartDirective.option_spec,
        # Only pages whose names start with one of these (``lessons/ uppmax/``); default all.
        "folders": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        placeholders = super().run()
        for placeholder in placeholders:
            placeholder["folders"] = self.options.get("folders", "").split()
            if self.part == "exercises":
                # sphinx-lesson's options: class names separated by spaces or commas.
                for option, default in (("include", LISTED_CLASSES), ("exclude", UNLISTED_CLASSES)):
                    given = self.options.get(option)
                    placeholder[option] = re.findall(r"[^ ,]+", given) if given else list(default)
        return placeholders


def render_summary(
    builder: Builder, placeholder: box_nodes.generated_part, fromdoc: str
) -> list[nodes.Node]:
    """The summary of ``placeholder`` as written on ``fromdoc``."""
    summary = SUMMARIES_BY_NAME[placeholder["part"]]
    env = builder.env
    boxes = lesson_domain(env).entries("boxes")
    level = box_nodes.heading_level(placeholder)
    folders = tuple(placeholder.get("folders", ()))
    # "no-search": Sphinx's search leaves the copies out, so a search finds each box once,
    # on its own page, rather than also on every summary that repeats it.
    container = nodes.container(
        classes=["lesson-summary", f"lesson-summary-{summary.name}", "no-search"]
    )
    for docname in pages_in_toctree_order(env):
        kept = boxes.get(docname, [])
        if "include" in placeholder:
            listed = list_selection(kept, placeholder)
        else:
            listed = [box for box in boxes_in(kept) if box.get("kind") in summary.kinds]
        if not listed or (folders and not docname.startswith(folders)):
            continue
        heading = nodes.rubric("", "", classes=["lesson-summary-page"])
        heading["heading-level"] = level
        heading += page_reference(builder, fromdoc, docname, [nodes.Text(page_title(env, docname))])
        container += heading
        whole = "include" in placeholder
        for box in listed:
            prefix = f"lesson-{summary.name}-{len(container)}"
            container += summary_entry(builder, box, docname, fromdoc, prefix, whole)
    if len(container) == 0:
        container += nodes.paragraph(summary.empty_text, summary.empty_text)
    return [container]


def list_selection(kept: list[nodes.Element], placeholder: nodes.Element) -> list[nodes.Element]:
    """The boxes of one page that the exercise list shows, by sphinx-lesson's rules."""
    include, exclude = set(placeholder["include"]), set(placeholder["exclude"])
    shown: list[nodes.Element] = []

    def visit(node: nodes.Element) -> None:
        classes = set(node["classes"])
        if is_box(node) and include & classes and not exclude & classes:
            shown.append(node)  # with the boxes inside it
            return
        for child in node.children:
            if isinstance(child, nodes.Element):
                visit(child)

    for tree in kept:
        visit(tree)
    return shown


def summary_entry(
    builder: Builder, box: nodes.Element, docname: str, fromdoc: str, prefix: str, whole_box: bool
) -> nodes.container:
    """One box in a summary: its title linking back to the box, then its content; in the
    exercise list, the link, then the whole box."""
    copy = copy_box(builder.env, box, docname, fromdoc, prefix)
    kind = box.get("kind", "admonition")
    entry = nodes.container(classes=["lesson-summary-entry", f"lesson-summary-entry-{kind}"])
    title = copy.next_node(nodes.title)
    own_title = title is not None and title.parent is copy
    label = list(flatten_links(title.children)) if own_title else [nodes.Text(kind)]
    if whole_box:
        label.insert(0, nodes.Text("\u21a9 In the lesson: "))
    paragraph = nodes.paragraph("", "", classes=["lesson-summary-entry-title"])
    paragraph += page_reference(
        builder, fromdoc, docname, label, box["ids"][0] if box["ids"] else ""
    )
    entry += paragraph
    if whole_box:
        entry += copy
    else:
        entry.extend(
            child
            for child in copy.children
            if not isinstance(child, (nodes.title, nodes.system_message))
        )
    return entry


def flatten_links(children: Iterable[nodes.Node]) -> Iterator[nodes.Node]:
    """The title's inline nodes with links turned into plain text (no link inside a link)."""
    for child in children:
        if isinstance(child, (nodes.reference, addnodes.pending_xref)):
            yield nodes.inline("", "", *child.children)
        else:
            if isinstance(child, nodes.Element):
                for inner in list(child.findall(nodes.reference)):
                    inner.replace_self(nodes.inline("", "", *inner.children))
            yield child


def setup_summaries(app: Sphinx) -> None:
    """Register the summary directives."""
    for summary in SUMMARIES:
        class_name = summary.name.title() + "SummaryDirective"
        namespace: dict = {"summary": summary, "part": summary.name}
        if summary.name == "exercises":
            classes = directives.unchanged_required
            options = {**SummaryDirective.option_spec, "include": classes, "exclude": classes}
            namespace["option_spec"] = options
        directive = type(class_name, (SummaryDirective,), namespace)
        for directive_name in summary.directives:
            app.add_directive(directive_name, directive)
