"""How teaching boxes are written: accessible HTML, and plain admonitions everywhere else.

HTML: a box is a group (``<div role="group">``) named by its title, and the title is a heading
that screen readers announce (``role="heading"`` with the level of its place in the page). A
collapsible box (a solution) is Sphinx 9's own ``<details>``/``<summary>`` admonition, which
opens by mouse or keyboard without JavaScript. The icon is drawn by CSS and is decoration only.

Every other format (LaTeX, text, man, Texinfo, ...): each box becomes an ordinary admonition
with its title (:class:`PlainAdmonitions`), which every builder can write.

EPUB: e-book readers handle ``<details>`` badly or not at all, so every collapsible box (each
solution, and admonitions made collapsible with ``:class: dropdown``) is written open.

The stylesheet and script (``static/``) are added to HTML builds only, through Sphinx's own
``html_static_path``; e-books get no script, as e-readers run none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from .kinds import BOX_KINDS
from .nodes import TeachingBox, heading_level
from .sitetabs import is_epub, script_settings

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.writers.html5 import HTML5Translator


class box_heading(nodes.Part, nodes.TextElement):
    """The title of a non-collapsible box in HTML output (made by :class:`HtmlBoxTransform`)."""


# --- HTML ------------------------------------------------------------------------------------


def visit_box_html(self: HTML5Translator, node: TeachingBox) -> None:
    if node.get("collapsible"):
        # Sphinx 9 writes <details> (open or closed) and turns the title into <summary>.
        self.visit_admonition(node)
        return
    # A group rather than a <section>: a section named by its title is a landmark, and a page
    # with several "Exercise" boxes would have landmarks of one name (axe: landmark-unique).
    attributes: dict[str, Any] = {"role": "group"}
    if heading_id := node.get("heading_id"):
        attributes["aria-labelledby"] = heading_id
    self.body.append(self.starttag(node, "div", CLASS="admonition", **attributes))
    self.context.append("</div>\n")


def depart_box_html(self: HTML5Translator, node: TeachingBox) -> None:
    self.body.append(self.context.pop())


def visit_box_heading_html(self: HTML5Translator, node: box_heading) -> None:
    self.body.append(
        self.starttag(
            node,
            "p",
            "",
            CLASS="admonition-title",
            role="heading",
            **{"aria-level": str(node["level"])},
        )
    )


def depart_box_heading_html(self: HTML5Translator, node: box_heading) -> None:
    self.body.append("</p>\n")


class HtmlBoxTransform(SphinxPostTransform):
    """Prepare boxes for HTML: mark them ``lesson-box`` for our stylesheet, and turn the
    title of each non-collapsible box into a :class:`box_heading`.

    The heading's level follows the box's place in the page: one below the section that
    holds it, so screen readers list it under the right section.
    """

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for box in self.document.findall(TeachingBox):
            box["classes"].append("lesson-box")
            title = box.next_node(nodes.title)
            if box.get("collapsible") or title is None or title.parent is not box:
                continue
            heading = box_heading(title.rawsource, "", *title.children)
            heading["level"] = heading_level(box)
            if box["ids"]:
                heading_id = f"{box['ids'][0]}-title"
                heading["ids"].append(heading_id)
                box["heading_id"] = heading_id
            title.replace_self(heading)


# --- Other formats ---------------------------------------------------------------------------


class PlainAdmonitions(SphinxPostTransform):
    """Replace each box by a plain admonition (added for every format but HTML)."""

    default_priority = 200

    def run(self, **kwargs: Any) -> None:
        for box in list(self.document.findall(TeachingBox)):
            plain = nodes.admonition(box.rawsource, *box.children, **box.attributes)
            box.replace_self(plain)


class ExpandCollapsiblesForEbooks(SphinxPostTransform):
    """Drop ``collapsible`` from every admonition, so boxes are written expanded."""

    # Before HtmlBoxTransform (200), which gives non-collapsible boxes their heading.
    default_priority = 150
    builders = ("epub",)

    def run(self, **kwargs: Any) -> None:
        for admonition in self.document.findall(nodes.Admonition):
            if isinstance(admonition, nodes.Element) and "collapsible" in admonition:
                del admonition["collapsible"]


# --- Static files ----------------------------------------------------------------------------

STATIC_DIR = Path(__file__).parent / "static"


def add_static_path(app: Sphinx, config: Config) -> None:
    """``config-inited``: HTML builders copy our ``static/`` folder with the site's own."""
    config.html_static_path.append(str(STATIC_DIR))


def link_static_files(app: Sphinx) -> None:
    """``builder-inited``: link our stylesheet and script from every page of an HTML build."""
    if app.builder.format != "html":
        return
    app.add_css_file("lesson.css")
    if not is_epub(type(app.builder)):
        # Deferred: it runs once the page is parsed. What it needs to know comes in data
        # attributes of its own tag, which Sphinx escapes (never pasted into script source).
        app.add_js_file("lesson.js", loading_method="defer", **script_settings(app.config))


def setup_writers(app: Sphinx) -> None:
    """Register every box node with its HTML visitors, and the transforms of each format."""
    for kind in BOX_KINDS:
        app.add_node(kind.node_class, html=(visit_box_html, depart_box_html))
    app.add_node(box_heading, html=(visit_box_heading_html, depart_box_heading_html))
    app.add_post_transform(HtmlBoxTransform)
    app.add_post_transform(ExpandCollapsiblesForEbooks)
    app.connect("builder-inited", add_plain_admonitions)
    app.connect("config-inited", add_static_path)
    app.connect("builder-inited", link_static_files)


def add_plain_admonitions(app: Sphinx) -> None:
    """Builders of every format but HTML get plain admonitions."""
    if app.builder.format != "html":
        app.add_post_transform(PlainAdmonitions)
