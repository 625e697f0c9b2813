"""The teaching-box directives (``exercise``, ``solution``, ``keypoints``, ...).

Each directive takes an optional title, the options ``:class:``, ``:name:`` and Sphinx 9's
``:collapsible:``, and any content (empty is fine). It creates the node class of its kind (see
:mod:`.kinds`) with the CSS classes sphinx-lesson emits and sphinx-lesson's per-page ids
(``exercise-0``, ``exercise-1``, ...), so existing lessons, custom CSS and deep links carry over.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.admonitions import SphinxAdmonition
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import clean_astext

from .compat import SHOWN_CLASS
from .kinds import BOX_KINDS, KINDS_BY_DIRECTIVE, BoxKind
from .nodes import TeachingBox
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import SphinxDirective
    from sphinx.util.typing import OptionSpec

# --- Mistakes in directives: messages a contributor can act on ----------------------------------
#
# Docutils answers an unknown directive option with ``unknown option: "bogus"`` and drops the
# whole box from the page, and a repeated ``:name:`` with ``Duplicate explicit target name``.
# Neither says what to do. Here an unknown option is let through (marked), then reported by the
# box with the options it does take, and the box is kept; a repeated name is reported with the
# line that already uses it, and the later box goes without it. Both messages are the same in
# reStructuredText and MyST Markdown.


class UnknownOption:
    """The value of an option the directive does not take, kept only to report it."""

    def __init__(self, value: str | None) -> None:
        self.value = value


def _accept_unknown(value: str | None) -> UnknownOption:
    return UnknownOption(value)


class OptionsAcceptingUnknown(dict):
    """An ``option_spec`` that lets unknown options through, marked as :class:`UnknownOption`.

    Docutils and MyST both look an option up with ``option_spec[name]``, so ``__missing__``
    answers for every name the directive does not declare. ``in``, ``len`` and iteration see
    only the declared options, so help texts and MyST's own listing stay right.
    """

    def __missing__(self, name: str) -> Any:
        return _accept_unknown


def report_unknown_options(directive: SphinxDirective) -> None:
    """Warn about the unknown options of ``directive`` and drop them from its options."""
    unknown = sorted(
        name for name, value in directive.options.items() if isinstance(value, UnknownOption)
    )
    if not unknown:
        return
    for name in unknown:
        del directive.options[name]
    given = ", ".join(f":{name}:" for name in unknown)
    *others, last = [f":{name}:" for name in sorted(directive.option_spec)]
    accepted = f"{', '.join(others)} and {last}" if others else last
    noun = "option" if len(unknown) == 1 else "options"
    warn(
        LessonWarning.UNKNOWN_OPTION,
        f"the {directive.name!r} box has an unknown {noun} {given}, ignored. "
        f"This box takes only {accepted}. Check the spelling, or remove the line.",
        location=(directive.env.docname, directive.lineno),
    )


def drop_duplicate_name(directive: SphinxDirective) -> None:
    """If ``:name:`` is already an explicit target of this page, warn and drop it.

    The first use keeps the name, so existing links keep their target.
    """
    name = directive.options.get("name")
    if not name:
        return
    normalized = nodes.fully_normalize_name(name)
    document = directive.state.document
    if not document.nametypes.get(normalized):
        return  # unused, or only an implicit name (a section title), which ours overrides
    where = "on this page"
    first_id = document.nameids.get(normalized)
    first = document.ids.get(first_id) if first_id else None
    if first is not None and first.line:
        where = f"on line {first.line} of this page"
    warn(
        LessonWarning.DUPLICATE_NAME,
        f"the {directive.name!r} box has ':name: {name}', which is already used {where}. "
        "Give each box its own name; this box is shown without one, and links to "
        f"{normalized!r} go to the first.",
        location=(directive.env.docname, directive.lineno),
    )
    del directive.options["name"]


# --- Teaching boxes ------------------------------------------------------------------------------

#: A title that begins like a list item: the content's first line, swallowed because the
#: blank line between the directive and its content is missing.
_LIST_MARKER = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)]|#\.|\(?[A-Za-z0-9]\))\s")


class TeachingBoxDirective(SphinxAdmonition):
    """Base of the teaching-box directives; each subclass sets :attr:`kind`."""

    kind: ClassVar[BoxKind]

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    # ``class`` and ``name`` (docutils) and ``collapsible`` (Sphinx 9), inherited.
    option_spec: ClassVar[OptionSpec] = dict(SphinxAdmonition.option_spec)

    def run(self) -> list[nodes.Node]:
        kind = self.kind
        # Mistakes in the options are reported with what to do, and the box is kept.
        report_unknown_options(self)
        drop_duplicate_name(self)
        title_text = self.arguments[0] if self.arguments else kind.default_title

        box = kind.node_class("\n".join(self.content), kind=kind.name)
        self.set_source_info(box)
        box["classes"] = self.css_classes(title_text)
        if collapsible := self.collapsible():
            box["collapsible"] = collapsible
        # The name first, so that `:ref:` targets get an id made from it.
        self.add_name(box)

        title_nodes, messages = self.parse_inline(title_text, lineno=self.lineno)
        title = nodes.title(title_text, "", *title_nodes)
        self.set_source_info(title)
        box += title
        box += messages
        box += self.parse_content_to_nodes()
        # sphinx-lesson's id is a second anchor, numbered once the content is parsed, as
        # sphinx-lesson numbers it: a box of the same kind nested inside comes first.
        self.add_lesson_id(box)
        self.warn_if_content_in_title(title_text, box)
        return [box]

    def css_classes(self, title_text: str) -> list[str]:
        """The classes sphinx-lesson gives this box, in its order."""
        classes = list(self.options.get("class", []))
        if not classes:
            # What docutils' generic admonition adds when no :class: is given.
            classes.append("admonition-" + nodes.make_id(title_text))
        classes.append(self.kind.name)
        classes.extend(self.kind.extra_classes)
        if not self.content:
            classes.append("admonition-no-content")
        return classes

    def collapsible(self) -> str | None:
        """``"open"``/``"closed"`` if the box renders as ``<details>``, else ``None``."""
        state = self.options.get("collapsible", self.kind.collapsible)
        # sphinx-lesson lessons open a solution at first with togglebutton's class.
        if state and SHOWN_CLASS in self.options.get("class", []):
            return "open"
        return state

    def add_lesson_id(self, box: TeachingBox) -> None:
        """Give the box sphinx-lesson's id ``<kind>-<n>``, counted per page and kind."""
        number = self.env.current_document.new_serial_number(f"lesson-box-{self.kind.name}")
        box_id = f"{self.kind.name}-{number}"
        document = self.state.document
        # A section that happens to have the same id keeps it; the box keeps its :name:.
        if box_id not in document.ids:
            box["ids"].append(box_id)
            document.ids[box_id] = box

    def warn_if_content_in_title(self, title_text: str, box: nodes.Element) -> None:
        """Warn when the title looks like content that lost its blank line."""
        line_count = len(title_text.splitlines())
        if line_count > 1:
            problem = f"spans {line_count} lines"
        elif _LIST_MARKER.match(title_text):
            problem = "starts with a list marker"
        else:
            return
        if type(self.state).__module__.startswith("myst_parser"):
            # In MyST only the rest of the fence line is the title; the content starts on
            # the next line, so the advice differs from reST's blank line.
            advice = (
                f"the text after '{{{self.name}}}' is the title, so this list item became "
                "the title. Start the content on the line below the directive line."
            )
        else:
            advice = (
                f"the blank line after '.. {self.name}::' is probably missing, so the content "
                "became the title. Add a blank line between the directive line and its content."
            )
        warn(
            LessonWarning.BOX_TITLE,
            f"the title of this {self.name!r} box {problem}: {advice}",
            location=box,
        )


class SolutionDirective(TeachingBoxDirective):
    """A solution, collapsed until opened; ``:open:`` shows it open at first."""

    option_spec: ClassVar[OptionSpec] = {
        **TeachingBoxDirective.option_spec,
        "open": directives.flag,
    }

    def collapsible(self) -> str | None:
        if "open" in self.options:
            return "open"
        return super().collapsible()


class BoxLabels(SphinxTransform):
    """Let ``:ref:`name``` link to a box by its ``:name:`` and show the box's title.

    The standard domain records labels on non-section nodes as anonymous (usable only with
    an explicit link text). Right after it has read the page, we give each named box its
    title, in the standard domain's own data, which it purges and merges itself.
    """

    # Just after sphinx.transforms.references.SphinxDomains (850).
    default_priority = 851

    def apply(self, **kwargs: Any) -> None:
        std = self.env.domains.standard_domain
        for box in self.document.findall(TeachingBox):
            title = box.next_node(nodes.title)
            if title is None:
                continue
            for name in box["names"]:
                anonymous = std.anonlabels.get(name)
                if anonymous and anonymous[0] == self.env.docname and name not in std.labels:
                    std.labels[name] = (*anonymous, clean_astext(title))


def directive_class(kind: BoxKind) -> type[TeachingBoxDirective]:
    """Build the directive class of ``kind``."""
    base = SolutionDirective if kind.name == "solution" else TeachingBoxDirective
    class_name = "".join(part.title() for part in kind.name.split("-")) + "Directive"
    namespace = {
        "kind": kind,
        "__doc__": f"The ``{kind.name}`` box.",
        # Unknown options reach run(), which explains them (report_unknown_options).
        "option_spec": OptionsAcceptingUnknown(base.option_spec),
    }
    return type(class_name, (base,), namespace)


def setup_directives(app: Sphinx) -> None:
    """Register a directive for every kind and alias."""
    classes = {kind.name: directive_class(kind) for kind in BOX_KINDS}
    for directive_name, kind in KINDS_BY_DIRECTIVE.items():
        app.add_directive(directive_name, classes[kind.name])
    app.add_transform(BoxLabels)
