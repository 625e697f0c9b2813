"""Generated parts: one placeholder node, filled by one post-transform as its page is written.

The summaries, the exercise list, the schedule and the instructor guide are each placed by a
:class:`GeneratedPartDirective`, which leaves a :class:`.nodes.generated_part`;
:class:`FillGeneratedParts` replaces it with what the part's renderer makes from the data in
:class:`.domain.LessonDomain`. It runs
before Sphinx resolves references, so the references inside copied boxes are resolved for the
page they are copied to, and every later post-transform (box headings, site tabs, hidden
blocks) treats the copies as it treats the page's own content.

:func:`copy_box` is the one way a box is copied onto another page, and :func:`page_reference`
the one way a generated part links back to a page or a box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import docname_join
from sphinx.util.docutils import SphinxDirective

from .domain import current_builder
from .nodes import generated_part
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec


class GeneratedPartDirective(SphinxDirective):
    """Place a generated part here; each subclass sets :attr:`part`.

    Takes no content and no argument. Docutils and MyST would report text after the name as
    content ("no content permitted"), which misleads, so one argument is let through and
    reported with what to do instead. ``:class:`` and ``:name:`` go to what the part becomes.
    """

    #: The part's name (``node["part"]``), which selects its renderer.
    part: ClassVar[str]
    #: The warning for a second placement on one page, or ``None`` where several may be.
    twice_warning: ClassVar[LessonWarning | None] = None
    #: The warning for text after the directive's name.
    argument_warning: ClassVar[LessonWarning] = LessonWarning.UNEXPECTED_ARGUMENT
    #: For tests/test_bad_input.py: takes no argument (the one it parses is reported).
    takes_no_argument = True
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = False
    option_spec: ClassVar[OptionSpec] = {
        "class": directives.class_option,
        "name": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        location = (self.env.docname, self.lineno)
        if self.arguments:
            warn(
                self.argument_warning,
                f"the {self.name!r} directive takes no argument, so {self.arguments[0]!r} "
                "after its name is ignored. Remove it; for a title, write a heading above "
                "the directive.",
                location=location,
            )
        serial = self.env.current_document.new_serial_number(f"lesson-part-{self.part}")
        if self.twice_warning and serial:
            # A second copy would repeat every entry and every id of the first.
            warn(
                self.twice_warning,
                f"the {self.name!r} directive is already used on this page, and is placed "
                "once per page. Remove this one.",
                location=location,
            )
            return []
        placeholder = generated_part(part=self.part, classes=self.options.get("class", []))
        self.set_source_info(placeholder)
        self.add_name(placeholder)
        return [placeholder]


def copy_box(
    env: BuildEnvironment, box: nodes.Element, sourcedoc: str, fromdoc: str, prefix: str
) -> nodes.Element:
    """A copy of ``box`` (from ``sourcedoc``) to place on the page ``fromdoc``.

    Its ids are the original's behind ``prefix`` (unique on ``fromdoc``), and what inside it
    refers to them (footnotes) follows; its figures, tables, code blocks and equations keep
    their numbers; its cross-references are resolved as if written on ``fromdoc``, with
    relative ``:doc:`` targets still relative to ``sourcedoc``. Everything else a builder
    processes (images, downloads, ``only``) was processed once the page was read.
    """
    copy = box.deepcopy()
    renamed: dict[str, str] = {}
    for element in copy.findall(nodes.Element):
        element["names"] = []  # the labels belong to the original
        element["ids"] = [renamed.setdefault(old, f"{prefix}-{old}") for old in element["ids"]]
    for element in copy.findall(nodes.Element):
        if element.get("refid") in renamed:
            element["refid"] = renamed[element["refid"]]
        if element.get("backrefs"):
            element["backrefs"] = [renamed.get(old, old) for old in element["backrefs"]]
        if isinstance(element, nodes.math_block) and element.get("label"):
            element["label"] = f"{prefix}-{element['label']}"  # LaTeX labels by it
    # Writers look numbers up by page and id (env.toc_fignumbers, made anew by every build
    # once the pages are read): the copy's ids get the original's numbers on this page.
    numbers = env.toc_fignumbers.setdefault(fromdoc, {})
    for figtype, by_id in env.toc_fignumbers.get(sourcedoc, {}).items():
        for old, new in renamed.items():
            if old in by_id:
                numbers.setdefault(figtype, {})[new] = by_id[old]
    for xref in copy.findall(addnodes.pending_xref):
        if xref.get("reftype") == "doc" and not xref["reftarget"].startswith("/"):
            xref["reftarget"] = "/" + docname_join(sourcedoc, xref["reftarget"])
        xref["refdoc"] = fromdoc
    return copy


def page_reference(
    builder: Builder, fromdoc: str, todoc: str, label: list[nodes.Node], anchor: str = ""
) -> nodes.Element:
    """A link from ``fromdoc`` to ``todoc`` (at ``anchor``), or the bare label where the
    format has no links to that page."""
    try:
        uri = builder.get_relative_uri(fromdoc, todoc)
    except NoUri:
        return nodes.inline("", "", *label)
    # Where pages are parts of one file (singlehtml's "#document-x") ids repeat from page
    # to page, so the page's own anchor is the one that is right.
    if anchor and "#" not in uri:
        uri = f"{uri}#{anchor}"
    return nodes.reference("", "", *label, internal=True, refuri=uri)


class FillGeneratedParts(SphinxPostTransform):
    """Replace each generated part's placeholder with its content."""

    # Before sphinx's ReferencesResolver (10): references in the copies resolve for this page.
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        # Imported here, not at the top: those modules import copy_box() and page_reference().
        from .instructor import render_guide
        from .schedule import render_schedule
        from .summaries import render_summary

        renderers: dict[str, Callable[..., list[nodes.Node]]] = {
            "keypoints": render_summary,
            "objectives": render_summary,
            "exercises": render_summary,
            "schedule": render_schedule,
            "guide": render_guide,
        }
        for placeholder in list(self.document.findall(generated_part)):
            render = renderers[placeholder["part"]]
            # singlehtml writes every page into one document, marking each page's sections
            # with its docname: the part is on that page.
            page = placeholder.parent
            while page is not None and "docname" not in page:
                page = page.parent
            docname = page["docname"] if page else self.env.current_document.docname
            content = render(current_builder(self.env), placeholder, docname)
            # replace_self() moves the ids, names and classes (the directive's :name: and
            # :class:) onto the first node of the content.
            placeholder.replace_self(content)


def setup_placeholders(app: Sphinx) -> None:
    """Register the placeholder node and the post-transform that fills it."""
    app.add_node(generated_part)
    app.add_post_transform(FillGeneratedParts)
