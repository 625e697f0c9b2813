"""Compatibility with lessons written for sphinx-lesson.

sphinx-lesson relied on sphinx-togglebutton to collapse any admonition with the class
``dropdown`` (the original course used ``.. admonition:: Title`` with ``:class: dropdown``).
We get the same from Sphinx 9's collapsible admonitions, with no JavaScript: such an
admonition becomes ``<details>``, closed, or open when it also has togglebutton's class
``toggle-shown``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

DROPDOWN_CLASS = "dropdown"
SHOWN_CLASS = "toggle-shown"


class DropdownAdmonitions(SphinxTransform):
    """Make admonitions with the class ``dropdown`` collapsible."""

    default_priority = 500

    def apply(self, **kwargs: Any) -> None:
        for admonition in self.document.findall(nodes.Admonition):
            if not isinstance(admonition, nodes.Element):
                continue
            classes = admonition["classes"]
            if DROPDOWN_CLASS in classes and not admonition.get("collapsible"):
                admonition["collapsible"] = "open" if SHOWN_CLASS in classes else "closed"


def setup_compat(app: Sphinx) -> None:
    """Register the sphinx-lesson compatibility transforms."""
    app.add_transform(DropdownAdmonitions)
