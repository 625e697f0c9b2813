"""Pages whose content is generated from other pages (the schedule, the instructor guide).

Such a page shows data collected from the whole site, so it is out of date whenever any page
changes, even when its own source did not. :func:`track_generated_pages` remembers, per page
and in the build environment (purged and merged, so parallel reads are exact), which pages hold
a given placeholder node, and asks Sphinx to write them again after any page was read or
removed. The placeholder itself is replaced at write time, from the current environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform

from .envdata import env_data

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

#: Set when this build reads or removes any page; cleared when the build starts.
_CHANGED_FLAG = "lesson_generated_pages_stale"


def _pages(env: BuildEnvironment, attribute: str) -> set[str]:
    return env_data(env, attribute, set)


def track_generated_pages(app: Sphinx, placeholder: type[nodes.Element], attribute: str) -> None:
    """Have every page holding ``placeholder`` rewritten whenever another page changes.

    ``attribute`` names the set of such pages in the build environment.
    """

    def start(app: Sphinx) -> None:
        setattr(app.env, _CHANGED_FLAG, False)

    def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        _pages(env, attribute).discard(docname)
        setattr(env, _CHANGED_FLAG, True)

    def before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        if docnames:
            setattr(env, _CHANGED_FLAG, True)

    def merge(
        app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
    ) -> None:
        _pages(env, attribute).update(_pages(other, attribute) & docnames)

    def read(app: Sphinx, doctree: nodes.document) -> None:
        if doctree.next_node(placeholder) is not None:
            _pages(app.env, attribute).add(app.env.current_document.docname)

    def updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
        if getattr(env, _CHANGED_FLAG, False):
            return sorted(_pages(env, attribute))
        return []

    app.connect("builder-inited", start)
    app.connect("env-purge-doc", purge)
    app.connect("env-before-read-docs", before_read)
    app.connect("env-merge-info", merge)
    app.connect("doctree-read", read)
    app.connect("env-get-updated", updated)
    if AddLinkAnchors not in app.registry.get_post_transforms():
        app.add_post_transform(AddLinkAnchors)


# --- Links from generated content -------------------------------------------------------------


def page_reference(
    builder: Builder, fromdoc: str, todoc: str, label: list[nodes.Node], anchor: str = ""
) -> nodes.Element:
    """A resolved link from ``fromdoc`` to ``todoc`` (at ``anchor``), or the bare label where
    the format has no links.

    For content put in place after the post-transforms (``doctree-resolved``): the link is
    what Sphinx would resolve a ``:doc:`` reference to, without a pending cross-reference
    for every post-transform to walk over again.
    """
    try:
        uri = builder.get_relative_uri(fromdoc, todoc)
    except NoUri:
        return nodes.inline("", "", *label)
    return nodes.reference("", "", *label, internal=True, refuri=with_anchor(uri, anchor))


def with_anchor(uri: str, anchor: str) -> str:
    """``uri#anchor``, unless the page's URI is already an anchor.

    Where pages are parts of one file (singlehtml's ``#document-x``) ids repeat from page to
    page, so the page's own anchor is the one that is right. LaTeX's ``%x`` takes
    ``%x#anchor``.
    """
    return f"{uri}#{anchor}" if anchor and "#" not in uri else uri


#: Attribute of the wrapper around a link that gets an anchor once resolved.
_ANCHOR = "lesson_anchor"


def page_link(docname: str, text: str, anchor: str = "") -> nodes.Node:
    """A link to ``docname`` (at ``anchor`` if given) showing ``text`` as plain text.

    Made as a ``:doc:`` cross-reference, which Sphinx resolves for every builder; the anchor
    is added once it is resolved (:class:`AddLinkAnchors`).
    """
    xref = addnodes.pending_xref(
        "",
        nodes.inline("", text),
        refdomain="std",
        reftype="doc",
        reftarget="/" + docname,
        refexplicit=True,
        refwarn=True,
    )
    if not anchor:
        return xref
    wrapper = nodes.inline("", "", xref)
    wrapper[_ANCHOR] = anchor
    return wrapper


class AddLinkAnchors(SphinxPostTransform):
    """Point the links made by :func:`page_link` at their anchors, once resolved."""

    # Just after sphinx's ReferencesResolver (10).
    default_priority = 11

    def run(self, **kwargs: Any) -> None:
        for wrapper in list(self.document.findall(nodes.inline)):
            anchor = wrapper.get(_ANCHOR)
            if anchor is None:
                continue
            for reference in wrapper.findall(nodes.reference):
                if (uri := reference.get("refuri")) is not None:
                    reference["refuri"] = with_anchor(uri, anchor)
            wrapper.replace_self(wrapper.children)
