"""Workaround for Sphinx issue 14030: toctree captions are ARIA headings without a level.

Sphinx writes a toctree's ``:caption:`` as ``<p class="caption" role="heading">``, in the page
and in the theme's sidebar. WAI-ARIA 1.2 requires ``aria-level`` on the heading role (axe-core
rule ``aria-required-attr``), and screen readers cannot place such a heading in the outline.
Upstream: https://github.com/sphinx-doc/sphinx/issues/14030 (fix proposed in pull request
14437, which adds ``aria-level="2"``, the level ARIA 1.1 implied). Until a Sphinx release we
support has it, the written HTML gets the same attribute; delete this module then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_CAPTION = '<p class="caption" role="heading">'
_FIXED = '<p class="caption" role="heading" aria-level="2">'


def _fixed(html: str) -> str:
    return html.replace(_CAPTION, _FIXED)


def add_caption_levels(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: give the captions of the page body and of the sidebar's
    toctree (rendered by the ``toctree()`` template function) their level."""
    if isinstance(context.get("body"), str):
        context["body"] = _fixed(context["body"])
    render_toctree = context.get("toctree")
    if callable(render_toctree):
        context["toctree"] = lambda **options: _fixed(render_toctree(**options))


def setup_sphinx_issue_14030(app: Sphinx) -> None:
    app.connect("html-page-context", add_caption_levels)
