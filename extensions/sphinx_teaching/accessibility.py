"""HTML accessibility fixes for what Sphinx itself writes around our lessons.

A toctree's ``:caption:`` becomes ``<p class="caption" role="heading">``, in the page and in the
theme's sidebar, without the ``aria-level`` that the ARIA heading role requires (axe-core rule
``aria-required-attr``; screen readers cannot place such a heading in the outline). We write
the same element with ``aria-level``: one below the section that holds the toctree, and 2 in
the sidebar, where the caption heads a list of pages under the site's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from .nodes import section_depth

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator


def _is_toctree_caption(node: nodes.title) -> bool:
    parent = node.parent
    return isinstance(parent, addnodes.compact_paragraph) and bool(parent.get("toctree"))


def _heading_level(node: nodes.Node) -> int:
    return min(max(section_depth(node) + 1, 2), 6)


def visit_title_html(self: HTML5Translator, node: nodes.title) -> None:
    if not _is_toctree_caption(node):
        type(self).visit_title(self, node)
        return
    # As Sphinx writes it, plus aria-level.
    level = str(_heading_level(node))
    self.body.append(
        self.starttag(node, "p", "", CLASS="caption", ROLE="heading", **{"aria-level": level})
    )
    self.body.append('<span class="caption-text">')
    self.context.append("</span></p>\n")


def depart_title_html(self: HTML5Translator, node: nodes.title) -> None:
    type(self).depart_title(self, node)


def setup_accessibility(app: Sphinx) -> None:
    """Write toctree captions as complete ARIA headings in HTML."""
    app.add_node(nodes.title, override=True, html=(visit_title_html, depart_title_html))
