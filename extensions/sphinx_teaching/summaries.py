"""Summary pages: key points, objectives and questions, and the exercise list of the whole site.

A summary directive (``keypoints-summary``, ``objectives-summary``, ``exercise-list``; also
sphinx-lesson's ``exerciselist``) leaves a :class:`summary_placeholder` in its page. While each
page is read, :class:`SummaryDomain` keeps a copy of its boxes, keyed by docname, and purges
and merges them like any domain data, so incremental and parallel builds see the same data as
a clean one. When a page with a placeholder is written, the placeholder is replaced
(``doctree-resolved``) by the collected boxes, page by page in toctree order (or only the
pages named by ``:folders:``), each entry linking back to its box. Solutions (in the exercise
list) and instructor notes (everywhere) are left out of the copies.

A summary page depends on the boxes of every other page. When a page is added, changed or
removed and its share of a summary differs from the last build's, the pages holding that
summary are written again (``env-get-updated``), not read again. Changes to titles and to the
order of the pages reach every page through :mod:`.navigation`, which then rewrites the whole
site. In HTML, each page's share of a summary is kept as written (:mod:`.fragments`), so
writing a summary again costs little more than writing the share that changed.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.util.docutils import SphinxDirective, new_document
from sphinx.util.nodes import clean_astext
from sphinx.util.osutil import SEP

from . import nodes as box_nodes
from .fragments import kept_or_made
from .generated import page_reference
from .kinds import KINDS_BY_NAME
from .navigation import pages_in_toctree_order
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Set

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec


@dataclass(frozen=True)
class Summary:
    """One kind of summary: which boxes it lists and how it is named."""

    #: ``node["summary"]`` of its placeholder, and the suffix of its CSS class.
    name: str
    #: The directive names that place it.
    directives: tuple[str, ...]
    #: The kinds of box it lists (``node["kind"]``).
    kinds: tuple[str, ...]
    #: What the summary says when the site has no such box.
    empty_text: str


SUMMARIES: tuple[Summary, ...] = (
    Summary(
        "keypoints",
        ("keypoints-summary",),
        ("keypoints",),
        "No page has key points yet.",
    ),
    Summary(
        "objectives",
        ("objectives-summary",),
        ("questions", "objectives"),
        "No page has questions or objectives yet.",
    ),
    Summary(
        "exercises",
        ("exercise-list", "exerciselist"),
        ("exercise",),
        "No page has exercises yet.",
    ),
)

SUMMARIES_BY_NAME: dict[str, Summary] = {summary.name: summary for summary in SUMMARIES}

#: Every box kind some summary lists.
COLLECTED_CLASSES: tuple[type[box_nodes.TeachingBox], ...] = tuple(
    KINDS_BY_NAME[kind].node_class for summary in SUMMARIES for kind in summary.kinds
)


class summary_placeholder(nodes.General, nodes.Element):
    """Where a summary goes; ``node["summary"]`` names it. Replaced before writing."""


class SummaryDirective(SphinxDirective):
    """Place a summary here; each subclass sets :attr:`summary`."""

    summary: ClassVar[Summary]

    has_content = False
    required_arguments = 0
    # Takes no argument, but accepts one so that a title written after the directive gets a
    # message saying what to do instead of docutils' "no content permitted".
    optional_arguments = 1
    final_argument_whitespace = True
    #: For tests/test_bad_input.py: takes no argument (the one it parses is reported).
    takes_no_argument = True
    option_spec: ClassVar[OptionSpec] = {
        # Only pages whose names start with one of these (``lessons/ uppmax/``); default all.
        "folders": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        placeholder = summary_placeholder("", summary=self.summary.name, directive=self.name)
        placeholder["folders"] = self.options.get("folders", "").split()
        self.set_source_info(placeholder)
        if self.arguments:
            warn(
                LessonWarning.SUMMARY_ARGUMENT,
                f"the {self.name!r} directive takes no argument; {self.arguments[0]!r} is "
                "ignored. To give the summary a title, write it as a heading above the "
                "directive.",
                location=placeholder,
            )
        return [placeholder]


# --- Collected data --------------------------------------------------------------------------


class PageBoxes(NamedTuple):
    """One page's boxes for one summary, as kept in the environment."""

    #: The pickled list of entries (see :class:`SummaryDomain`).
    pickled: bytes
    #: No box has a cross-reference, so their HTML depends on nothing but themselves and can
    #: be kept between builds (:mod:`.fragments`).
    self_contained: bool


class SummaryDomain(Domain):
    """The boxes of every page and the pages that show a summary, keyed by docname.

    ``boxes[docname]`` maps the name of each summary the page has boxes for to those boxes, a
    :class:`PageBoxes` whose ``pickled`` is a list of entries in page order, each a dict with
    the box's ``kind``, its first ``id`` (``""`` if it has none), and copies of its ``title``
    and ``body`` nodes, without ids (an exercise's body without its solutions). Kept pickled
    because every build loads the environment and only a build that writes a summary needs
    its boxes: thousands of small nodes would cost every build their loading and garbage
    collection. The bytes also tell, compared after reading, which summaries changed.
    ``summaries[docname]`` lists the summaries placed on that page.
    """

    name = "lesson_summaries"
    label = "Lesson summaries"
    # Raise when the shape of the stored data changes: Sphinx then reads every page afresh.
    data_version = 3
    initial_data: ClassVar[dict[str, Any]] = {"boxes": {}, "summaries": {}}

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        #: The boxes of the pages cleared in this build (read again or removed), as they were
        #: before; not kept in the environment.
        self.previous_boxes: dict[str, dict[str, PageBoxes]] = {}

    @property
    def boxes(self) -> dict[str, dict[str, PageBoxes]]:
        return self.data["boxes"]

    @property
    def summaries(self) -> dict[str, list[str]]:
        return self.data["summaries"]

    def page_boxes(self, docname: str, summary: Summary) -> PageBoxes | None:
        """The boxes of ``docname`` that ``summary`` lists, if it has any."""
        return self.boxes.get(docname, {}).get(summary.name)

    def clear_doc(self, docname: str) -> None:
        self.previous_boxes.setdefault(docname, self.boxes.pop(docname, {}))
        self.summaries.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            for key in ("boxes", "summaries"):
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        entries = [box_entry(box) for box in document.findall(is_collected_box)]
        by_summary = {
            summary.name: PageBoxes(
                pickle.dumps(listed, pickle.HIGHEST_PROTOCOL),
                not any(map(has_cross_reference, listed)),
            )
            for summary in SUMMARIES
            if (listed := [entry for entry in entries if entry["kind"] in summary.kinds])
        }
        if by_summary:
            self.boxes[docname] = by_summary
        placed = note_summaries(document)
        if placed:
            self.summaries[docname] = placed

    def changed_summaries(self) -> set[str]:
        """The summaries whose boxes changed in this build; forgets the previous boxes."""
        changed: set[str] = set()
        for docname, before in self.previous_boxes.items():
            after = self.boxes.get(docname, {})
            for name in before.keys() | after.keys():
                if before.get(name) != after.get(name):
                    changed.add(name)
        self.previous_boxes = {}
        return changed

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, nodes.Element]]:
        return []


def is_collected_box(node: nodes.Node) -> bool:
    return isinstance(node, COLLECTED_CLASSES)


def box_entry(box: box_nodes.TeachingBox) -> dict[str, Any]:
    """What a summary needs of one box, copied so that the page's doctree stays untouched."""
    title = box.next_node(nodes.title)
    own_title = title is not None and title.parent is box
    title_copy = box_nodes.detached_copy(title) if own_title else None
    body = [
        box_nodes.detached_copy(child)
        for child in box.children
        if not isinstance(child, (nodes.title, nodes.system_message))
    ]
    # Instructor notes stay on their page: a summary is for learners, and the learner site
    # must not show a note's text anywhere. The exercise list also keeps the answers back.
    left_out: tuple[type[nodes.Element], ...] = (box_nodes.instructor_note_node,)
    if isinstance(box, box_nodes.exercise_node):
        left_out += (box_nodes.solution_node,)

    def is_left_out(node: nodes.Node) -> bool:
        return isinstance(node, left_out)

    for copy in body:
        for inner in list(copy.findall(is_left_out, include_self=False)):
            inner.parent.remove(inner)
    body = [copy for copy in body if not isinstance(copy, left_out)]
    for copy in [title_copy, *body]:
        if copy is not None:
            drop_ids(copy)
    return {
        "kind": box["kind"],
        "id": box["ids"][0] if box["ids"] else "",
        "title": title_copy,
        "body": body,
    }


def has_cross_reference(entry: dict[str, Any]) -> bool:
    """Whether the entry links to something Sphinx resolves from other pages' data."""
    copies = [entry["title"], *entry["body"]] if entry["title"] is not None else entry["body"]
    return any(next(copy.findall(addnodes.pending_xref), None) for copy in copies)


def drop_ids(node: nodes.Node) -> None:
    """Remove ids and names from a copy, so the summary page has no duplicate anchors."""
    for element in node.findall(nodes.Element):
        element["ids"] = []
        element["names"] = []


def note_summaries(document: nodes.document) -> list[str]:
    """The summaries placed on this page; a second use of the same one is reported and dropped."""
    placed: list[str] = []
    for placeholder in list(document.findall(summary_placeholder)):
        name = placeholder["summary"]
        if name in placed:
            directive = placeholder.get("directive", name)
            warn(
                LessonWarning.SUMMARY_TWICE,
                f"the {directive!r} summary is already on this page; "
                "each summary can be placed once per page. Remove this one.",
                location=placeholder,
            )
            placeholder.parent.remove(placeholder)
            continue
        placed.append(name)
    return placed


# --- Rendering -------------------------------------------------------------------------------


def replace_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Fill every summary on the page being written (``doctree-resolved``)."""
    placeholders = list(doctree.findall(summary_placeholder))
    if not placeholders:
        return
    env = app.env
    domain: SummaryDomain = env.domains[SummaryDomain.name]  # type: ignore[assignment]
    order = pages_in_toctree_order(env)
    for placeholder in placeholders:
        summary = SUMMARIES_BY_NAME[placeholder["summary"]]
        level = min(box_nodes.section_depth(placeholder) + 1, 6)
        if folders := placeholder.get("folders"):
            pages = [page for page in order if page.startswith(tuple(folders))]
        else:
            pages = order
        content = render_summary(app.builder, domain, summary, pages, docname, level)
        # Resolve cross-references inside the copied boxes as if they were written here, and
        # run the post-transforms (HTML box headings, ...) over them, as sphinx.ext.todo does.
        temporary = new_document("")
        temporary += content
        env.resolve_references(temporary, docname, app.builder)
        temporary.remove(content)
        placeholder.replace_self(content)


def render_summary(
    builder: Builder,
    domain: SummaryDomain,
    summary: Summary,
    order: Iterable[str],
    fromdoc: str,
    level: int,
) -> nodes.container:
    """The nodes of one summary, written from ``fromdoc``.

    Each page's share is a heading linking to the page and its entries; in HTML, a share
    without cross-references is kept as written and used again while nothing it is made of
    changes (:mod:`.fragments`).
    """
    env = builder.env
    # "no-search": Sphinx's search leaves the copies out, so a search finds each box once,
    # on its own page, rather than also on every summary that repeats it.
    container = nodes.container(
        classes=["lesson-summary", f"lesson-summary-{summary.name}", "no-search"]
    )
    for docname in order:
        boxes = domain.page_boxes(docname, summary)
        if boxes is None:
            continue
        page_title = env.titles.get(docname)
        title_text = clean_astext(page_title) if page_title is not None else docname
        data = (summary.name, docname, title_text, str(level), boxes.pickled)
        container += kept_or_made(
            builder,
            fromdoc,
            data if boxes.self_contained else None,
            partial(page_share, builder, boxes, docname, title_text, fromdoc, level),
        )
    if len(container) == 0:
        container += nodes.paragraph(summary.empty_text, summary.empty_text)
    return container


def page_share(
    builder: Builder, boxes: PageBoxes, docname: str, title: str, fromdoc: str, level: int
) -> list[nodes.Node]:
    """One page's share of a summary: a heading linking to the page, then its boxes."""
    heading = nodes.rubric("", "", classes=["lesson-summary-page"])
    heading["heading-level"] = level
    heading += page_reference(builder, fromdoc, docname, [nodes.Text(title)])
    entries = [
        render_entry(builder, entry, docname, fromdoc) for entry in pickle.loads(boxes.pickled)
    ]
    return [heading, *entries]


def render_entry(
    builder: Builder, entry: dict[str, Any], docname: str, fromdoc: str
) -> nodes.container:
    """One box: its title linking back to the box, then its body.

    ``entry`` is unpickled afresh for each summary written, so its nodes are used as they are.
    """
    box = nodes.container(classes=["lesson-summary-entry", f"lesson-summary-entry-{entry['kind']}"])
    title = entry["title"]
    label = [*flatten_links(title.children)] if title is not None else [nodes.Text(entry["kind"])]
    paragraph = nodes.paragraph("", "", classes=["lesson-summary-entry-title"])
    paragraph += page_reference(builder, fromdoc, docname, label, entry["id"])
    box += paragraph
    for child in entry["body"]:
        retarget_references(child, docname, fromdoc)
        box += child
    return box


def flatten_links(children: Iterable[nodes.Node]) -> Iterator[nodes.Node]:
    """The title's inline nodes with links turned into plain text (no link inside a link)."""
    for child in children:
        if isinstance(child, (nodes.reference, addnodes.pending_xref)):
            yield nodes.inline("", "", *[grandchild.deepcopy() for grandchild in child.children])
        else:
            copy = child.deepcopy()
            if isinstance(copy, nodes.Element):
                for inner in list(copy.findall(nodes.reference)):
                    inner.replace_self(nodes.inline("", "", *inner.children))
            yield copy


def retarget_references(node: nodes.Node, sourcedoc: str, fromdoc: str) -> None:
    """Resolve the copy's cross-references from the summary page, not from the box's page.

    A ``:doc:`` target relative to the box's page is made absolute first.
    """
    for xref in node.findall(addnodes.pending_xref):
        if xref.get("reftype") == "doc" and not xref["reftarget"].startswith("/"):
            base = sourcedoc.rpartition(SEP)[0]
            target = f"{base}{SEP}{xref['reftarget']}" if base else xref["reftarget"]
            xref["reftarget"] = SEP + target
        xref["refdoc"] = fromdoc


# --- Incremental builds ----------------------------------------------------------------------


def summary_pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: the pages holding a summary whose boxes changed in this build."""
    domain: SummaryDomain = env.domains[SummaryDomain.name]  # type: ignore[assignment]
    changed = domain.changed_summaries()
    if not changed:
        return []
    return sorted(
        docname for docname, placed in domain.summaries.items() if changed.intersection(placed)
    )


def setup_summaries(app: Sphinx) -> None:
    """Register the summary directives, their domain and the handlers that fill them."""
    app.add_node(summary_placeholder)
    app.add_domain(SummaryDomain)
    for summary in SUMMARIES:
        for directive_name in summary.directives:
            class_name = "".join(p.title() for p in summary.name.split("-")) + "SummaryDirective"
            directive = type(class_name, (SummaryDirective,), {"summary": summary})
            app.add_directive(directive_name, directive)
    app.connect("doctree-resolved", replace_placeholders)
    app.connect("env-get-updated", summary_pages_to_rewrite)
