"""Offline formats: the whole course readable where nothing can be clicked open.

E-book readers handle ``<details>`` badly or not at all, so in EPUB every collapsible box (each
solution, and admonitions made collapsible with ``:class: dropdown``) is written open, as an
ordinary box with its title. Single-page HTML keeps ``<details>``: browsers open it, and find in
page searches closed ones too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Builders whose readers cannot be relied on to open ``<details>``.
EBOOK_BUILDERS = ("epub",)


class ExpandCollapsiblesForEbooks(SphinxPostTransform):
    """Drop ``collapsible`` from every admonition, so boxes are written expanded."""

    # Before the HTML box transform (200), which gives non-collapsible boxes their heading.
    default_priority = 150
    builders = EBOOK_BUILDERS

    def run(self, **kwargs: Any) -> None:
        for admonition in self.document.findall(nodes.Admonition):
            if isinstance(admonition, nodes.Element) and "collapsible" in admonition:
                del admonition["collapsible"]


def setup_offline(app: Sphinx) -> None:
    """Register the transforms for offline formats."""
    app.add_post_transform(ExpandCollapsiblesForEbooks)
