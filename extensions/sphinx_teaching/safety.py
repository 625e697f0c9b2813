"""What a teaching box shows is text: no raw HTML and no links that run code.

Docutils escapes the text of a box, and turns ``:class:`` and ``:name:`` into safe identifiers,
but two things reach the page as written: raw HTML (MyST passes ``<script>`` or ``<img
onerror=...>`` in a title or in the content through, as Markdown allows) and links whose URL
runs code (reStructuredText links to ``javascript:...``). Inside a box, or a site's tab, both
are shown as text, with a warning at the file and line that says what to write instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

from .nodes import TeachingBox, nearest_ancestor
from .sitetabs import site_variant
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: URL schemes that make a browser run code or render a document of the link's own.
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
#: Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def is_unsafe_url(url: str) -> bool:
    """True when following ``url`` would run code instead of opening a page."""
    return _IGNORED_IN_SCHEME.sub("", url).lower().startswith(UNSAFE_SCHEMES)


#: What holds content shown as text: a teaching box, or a site's tab (its ``kind`` is "site").
TEXT_ONLY = (TeachingBox, site_variant)


def _line_of(node: nodes.Node, box: TeachingBox) -> int | None:
    """The line of ``node``: its own or its nearest ancestor's; a title's is the box's."""
    line = None
    while node is not None and node is not box:
        if isinstance(node, nodes.title) and node.parent is box:
            return box.line
        line = line or node.line
        node = node.parent
    return line or box.line


class BoxContentAsText(SphinxTransform):
    """Show raw HTML and code-running links inside teaching boxes as text."""

    # After the parser's own transforms, before references are resolved.
    default_priority = 400

    def apply(self, **kwargs: Any) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            if "html" in raw.get("format", "").split() and (
                box := nearest_ancestor(raw, TEXT_ONLY)
            ):
                self.show_raw_as_text(raw, box)
        for reference in list(self.document.findall(nodes.reference)):
            url = reference.get("refuri", "")
            if url and is_unsafe_url(url) and (box := nearest_ancestor(reference, TEXT_ONLY)):
                self.show_link_as_text(reference, url, box)

    def location(self, node: nodes.Node, box: TeachingBox) -> tuple[str, int | None]:
        return (self.env.docname, _line_of(node, box))

    def show_raw_as_text(self, raw: nodes.raw, box: TeachingBox) -> None:
        text = raw.astext()
        # As code, so it reads as markup and keeps its straight quotes (no smartquotes).
        if isinstance(raw.parent, nodes.TextElement):
            replacement: nodes.Element = nodes.literal(text, text)
        else:
            replacement = nodes.literal_block(text, text.rstrip("\n"))
        replacement.source, replacement.line = raw.source, raw.line
        raw.replace_self(replacement)
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        kind = box.get("kind", "site")
        warn(
            LessonWarning.RAW_HTML,
            f"raw HTML {shown!r} in this {kind!r} box is shown as text, not run. "
            "Write it as reST or Markdown instead, or move it out of the box.",
            location=self.location(raw, box),
        )

    def show_link_as_text(self, reference: nodes.reference, url: str, box: TeachingBox) -> None:
        text = reference.astext()
        shown = text if text == url else f"{text} <{url}>"
        reference.replace_self(nodes.Text(shown))
        kind = box.get("kind", "site")
        warn(
            LessonWarning.UNSAFE_LINK,
            f"the link to {url!r} in this {kind!r} box would run code, so it is shown "
            "as text. Link to a web page (https://...) or to another page of the course.",
            location=self.location(reference, box),
        )


def setup_safety(app: Sphinx) -> None:
    """Register the transform that keeps box titles and content as text."""
    app.add_transform(BoxContentAsText)
