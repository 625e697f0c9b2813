"""Compatibility with lessons written for sphinx-lesson, and with sphinx-togglebutton.

sphinx-lesson loaded sphinx-togglebutton, which collapses any admonition with the class
``dropdown`` or ``toggle`` and any block of its ``toggle`` directive, with JavaScript. We get the
same without JavaScript: such an admonition is made collapsible (Sphinx 9's own ``<details>``
admonitions), and a ``toggle`` block, a container with the class ``toggle`` as togglebutton's
directive makes it, is written as ``<details>`` in HTML (open where it also has the class
``toggle-shown``, or ``:show:``). E-books get it expanded, other formats its content. A course
that still loads sphinx-togglebutton keeps its directive and its ``toggle`` blocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .domain import current_builder
from .sitetabs import is_epub

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import OptionSpec
    from sphinx.writers.html5 import HTML5Translator

TOGGLE_CLASS = "toggle"
SHOWN_CLASS = "toggle-shown"
TOGGLEBUTTON = "sphinx_togglebutton"


class DropdownAdmonitions(SphinxTransform):
    """Make admonitions with the class ``dropdown`` collapsible."""

    default_priority = 500
    classes: ClassVar[tuple[str, ...]] = ("dropdown",)

    def apply(self, **kwargs: Any) -> None:
        for admonition in self.document.findall(nodes.Admonition):
            if not isinstance(admonition, nodes.Element) or admonition.get("collapsible"):
                continue
            classes = admonition["classes"]
            if set(self.classes).intersection(classes):
                admonition["collapsible"] = "open" if SHOWN_CLASS in classes else "closed"


class ToggleAdmonitions(DropdownAdmonitions):
    """Make admonitions with the class ``toggle`` collapsible (unless togglebutton does)."""

    classes = (TOGGLE_CLASS,)


class ToggleDirective(SphinxDirective):
    """sphinx-togglebutton's ``toggle``: its content, collapsed; ``:show:`` opens it at first.

    The optional argument (which togglebutton ignores) is the text to click, by default
    "Click to show" as in togglebutton.
    """

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[OptionSpec] = {"id": directives.unchanged, "show": directives.flag}

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        node = nodes.container(classes=[TOGGLE_CLASS])
        if "show" in self.options:
            node["classes"].append(SHOWN_CLASS)
        if self.arguments:
            node["toggle_label"] = self.arguments[0]
        self.set_source_info(node)
        node += self.parse_content_to_nodes()
        return [node]


class toggle_details(nodes.General, nodes.Element):
    """A ``toggle`` block in HTML: ``<details>`` (made by :class:`HtmlToggles`)."""


def visit_toggle_html(self: HTML5Translator, node: toggle_details) -> None:
    attributes = {"open": "open"} if SHOWN_CLASS in node["classes"] else {}
    self.body.append(self.starttag(node, "details", CLASS="lesson-toggle", **attributes))
    self.body.append(f"<summary>{self.encode(node.get('toggle_label', 'Click to show'))}</summary>")


def depart_toggle_html(self: HTML5Translator, node: toggle_details) -> None:
    self.body.append("</details>\n")


class HtmlToggles(SphinxPostTransform):
    """Write each ``toggle`` container as ``<details>`` (not in e-books, which get it open)."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        if is_epub(type(current_builder(self.env))):
            return
        for container in list(self.document.findall(nodes.container)):
            if TOGGLE_CLASS in container["classes"]:
                details = toggle_details("", *container.children, **container.attributes)
                container.replace_self(details)


def add_toggles(app: Sphinx, config: Config) -> None:
    """Once every extension is loaded: toggles, unless sphinx-togglebutton brings its own."""
    if TOGGLEBUTTON not in app.extensions:
        app.add_directive("toggle", ToggleDirective)
        app.add_transform(ToggleAdmonitions)
        app.add_post_transform(HtmlToggles)


def setup_compat(app: Sphinx) -> None:
    """Register the sphinx-lesson and sphinx-togglebutton compatibility."""
    app.add_transform(DropdownAdmonitions)
    app.add_node(toggle_details, html=(visit_toggle_html, depart_toggle_html))
    app.connect("config-inited", add_toggles)
