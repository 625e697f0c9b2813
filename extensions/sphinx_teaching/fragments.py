"""HTML kept between builds for the generated parts of pages that list every lesson.

The key-points summary, the exercise list and the schedule list every lesson page, so Sphinx
writes their pages again after an edit to any lesson. Almost everything they show is what the
previous build wrote: only the edited lesson's part changed. Each part (one lesson's entries in
a summary, one schedule table) is therefore wrapped in an :class:`html_fragment` when it is
made; the HTML writer stores the HTML it writes for it, and the next build that writes the page
puts the stored HTML in its place instead of making, post-transforming and writing the nodes
again. This keeps a one-page edit of a 300-lesson course close to what Sphinx alone costs.

A part is found again only under the same key, a digest of everything its HTML is made of:
the part's own data (the pickled boxes and the page title, or the schedule's rows), the page
it is written on, and a *context* of the build: the builder, its translator class, the
versions of Sphinx, docutils, Pygments and this extension, every configuration value and the
tags. A part whose HTML depends on other pages (a box with a cross-reference) is never kept.

The HTML is kept per page written, in ``<doctreedir>/lesson-html-fragments.pickle``; writing a
page replaces the parts kept for it by the parts it used, so nothing stale accumulates. Only
HTML builders keep parts. In a parallel (``-j``) build the pages are written by worker
processes, whose new parts are lost: the next build makes and keeps them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docutils
import pygments
import sphinx
from docutils import nodes
from sphinx.util import logging

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

#: The file, in the build's doctree folder, that keeps the parts between builds.
STORE_NAME = "lesson-html-fragments.pickle"
#: Shape of that file; raise when it changes (an older file is then ignored).
STORE_VERSION = 1
#: The builder attribute holding this build's :class:`FragmentStore` (HTML builders only).
_BUILDER_ATTRIBUTE = "lesson_html_fragments"


class html_fragment(nodes.General, nodes.Element):
    """Generated content whose HTML is kept under ``key`` for the page ``fromdoc``.

    With children, it is written as usual and its HTML is stored. Without children, its
    ``html`` attribute holds HTML stored by an earlier build, written as it is.
    """


class FragmentStore:
    """The parts kept by earlier builds and the parts of the pages written in this one."""

    def __init__(self, path: Path, context: str) -> None:
        self.path = path
        #: Digest of ``context``: what every part's HTML depends on besides its own data (see
        #: :func:`build_context`), digested once rather than again in every key.
        self.context_digest = hashlib.sha256(context.encode()).digest()
        self._kept: dict[str, dict[str, str]] | None = None
        #: Per page written in this build: the parts it used, found or newly stored.
        self.written: dict[str, dict[str, str]] = {}

    @property
    def kept(self) -> dict[str, dict[str, str]]:
        """The parts of earlier builds, per page; read from disk when first needed."""
        if self._kept is None:
            self._kept = self._load()
        return self._kept

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            with self.path.open("rb") as stream:
                version, kept = pickle.load(stream)
        except FileNotFoundError:
            return {}
        except Exception as error:  # any unreadable file is only a lost cache
            logger.debug("[sphinx_teaching] ignoring %s: %s", self.path, error)
            return {}
        return kept if version == STORE_VERSION and isinstance(kept, dict) else {}

    def key(self, fromdoc: str, *data: str | bytes) -> str:
        """The key of a part written on ``fromdoc`` and made of ``data``."""
        digest = hashlib.sha256(self.context_digest)
        for item in (fromdoc, *data):
            value = item.encode() if isinstance(item, str) else item
            # Length first, so that no two different lists of items digest the same bytes.
            digest.update(len(value).to_bytes(8, "little"))
            digest.update(value)
        return digest.hexdigest()

    def find(self, fromdoc: str, key: str) -> html_fragment | None:
        """The part kept under ``key`` for ``fromdoc``, ready to be written, if any."""
        html = self.kept.get(fromdoc, {}).get(key)
        if html is None:
            return None
        self.written.setdefault(fromdoc, {})[key] = html
        return html_fragment("", fromdoc=fromdoc, key=key, html=html)

    def wrap(self, fromdoc: str, key: str, content: Iterable[nodes.Node]) -> html_fragment:
        """``content`` in a fragment whose HTML the writer stores under ``key``."""
        return html_fragment("", *content, fromdoc=fromdoc, key=key)

    def store(self, fromdoc: str, key: str, html: str) -> None:
        """Keep ``html``, written for the fragment ``key`` on ``fromdoc`` in this build."""
        self.written.setdefault(fromdoc, {})[key] = html

    def save(self, known_pages: Iterable[str]) -> None:
        """Keep the parts of the pages written in this build, and forget removed pages."""
        if not self.written:
            return
        known = set(known_pages)
        before = self.kept
        kept = {page: parts for page, parts in {**before, **self.written}.items() if page in known}
        if kept == before:
            # Every page written used only kept parts (an edit to prose, say): nothing to save.
            self.written = {}
            return
        # Written beside and renamed, so an interrupted build leaves the old file whole.
        partial = self.path.with_name(self.path.name + ".tmp")
        with partial.open("wb") as stream:
            pickle.dump((STORE_VERSION, kept), stream, pickle.HIGHEST_PROTOCOL)
        os.replace(partial, self.path)
        self._kept, self.written = kept, {}


def fragment_store(builder: Builder) -> FragmentStore | None:
    """This build's store, or ``None`` where parts are not kept (builders other than HTML)."""
    return getattr(builder, _BUILDER_ATTRIBUTE, None)


def kept_or_made(
    builder: Builder,
    fromdoc: str,
    data: tuple[str | bytes, ...] | None,
    make: Callable[[], list[nodes.Node]],
) -> list[nodes.Node]:
    """The part made of ``data`` on ``fromdoc``: its kept HTML if an earlier build stored it,
    else the nodes ``make()`` returns, wrapped so that the writer keeps their HTML.

    ``data`` is ``None`` for a part that must not be kept; then, and for builders that keep
    nothing, it is ``make()``'s nodes as they are.
    """
    store = fragment_store(builder)
    if store is None or data is None:
        return make()
    key = store.key(fromdoc, *data)
    kept = store.find(fromdoc, key)
    return [kept] if kept is not None else [store.wrap(fromdoc, key, make())]


def build_context(app: Sphinx) -> str:
    """What the HTML of every part depends on besides its own data, as one string."""
    from . import __version__

    builder = app.builder
    translator = builder.get_translator_class()
    settings = sorted((item.name, _stable_repr(item.value)) for item in app.config)
    return repr(
        (
            builder.name,
            f"{translator.__module__}.{translator.__qualname__}",
            sphinx.__display_version__,
            docutils.__version__,
            pygments.__version__,
            __version__,
            settings,
            sorted(app.tags),
        )
    )


def _stable_repr(value: Any) -> str:
    """``repr`` with sets and dicts in a fixed order, so equal settings give equal keys."""
    if isinstance(value, dict):
        items = sorted((_stable_repr(k), _stable_repr(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_stable_repr(item) for item in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_stable_repr(item) for item in value) + "]"
    return repr(value)


# --- Wiring ------------------------------------------------------------------------------------


def start_store(app: Sphinx) -> None:
    """``builder-inited``: give HTML builders a store for this build."""
    builder = app.builder
    if builder.format != "html":
        return
    store = FragmentStore(Path(app.doctreedir) / STORE_NAME, build_context(app))
    setattr(builder, _BUILDER_ATTRIBUTE, store)


def save_store(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: keep the parts written, unless the build failed."""
    store = fragment_store(app.builder)
    if store is not None and exception is None:
        store.save(app.env.all_docs)


def visit_fragment_html(self: HTML5Translator, node: html_fragment) -> None:
    if "html" in node:
        self.body.append(node["html"])
        raise nodes.SkipNode
    node["body_start"] = len(self.body)


def depart_fragment_html(self: HTML5Translator, node: html_fragment) -> None:
    store = fragment_store(self.builder)
    if store is not None:
        store.store(node["fromdoc"], node["key"], "".join(self.body[node["body_start"] :]))


def setup_fragments(app: Sphinx) -> None:
    """Register the fragment node and the store's start and end."""
    # Fragments are made only for HTML builders (see fragment_store), so no other format has
    # visitors: for them the parts are made as before.
    app.add_node(html_fragment, html=(visit_fragment_html, depart_fragment_html))
    app.connect("builder-inited", start_store)
    app.connect("build-finished", save_store)
