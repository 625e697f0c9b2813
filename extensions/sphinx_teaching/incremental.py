"""Incremental builds give the pages a clean build gives.

Sphinx re-reads only the pages whose source changed and, by default, writes only those (and
their toctree parents). On a lesson site that is not enough: every page shows the whole
navigation (a page added, renamed or deleted changes all of them), and a ``:ref:`` to a box
shows the box's title, which lives on another page. So whenever any page was added, changed
or removed, every page is written again from the up-to-date environment. Writing is the cheap
half of a build, and a build with nothing changed still writes nothing.

Sphinx also leaves the HTML of a deleted (or renamed) page in the output folder, where it would
stay online with stale navigation; it is removed here, with its copied source. And the search
index of an incremental build keeps every word that left the site, with no pages; those empty
entries are dropped, so the index is the one a clean build writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.builders.html import StandaloneHTMLBuilder

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Set on the application for the current build: were any pages added, changed or removed?
_PAGES_CHANGED = "_lesson_pages_changed"


def note_changed_pages(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    setattr(app, _PAGES_CHANGED, bool(added or changed or removed))
    remove_outputs_of(app, removed)
    return []


def rewrite_every_page(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """After reading: if any page changed, write them all (``env-updated``)."""
    if getattr(app, _PAGES_CHANGED, False):
        return sorted(env.found_docs)
    return []


def remove_outputs_of(app: Sphinx, removed: Iterable[str]) -> None:
    """Delete the HTML page and the copied source of each removed page."""
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    outdir = Path(builder.outdir).resolve()
    for docname in removed:
        candidates = [Path(builder.get_outfilename(docname))]
        candidates += [
            outdir / "_sources" / f"{docname}{suffix}{app.config.html_sourcelink_suffix}"
            for suffix in app.config.source_suffix
        ]
        for path in candidates:
            path = path.resolve()
            # Only files of the output folder, never anything a path could point outside it.
            if path.is_file() and path.is_relative_to(outdir):
                path.unlink()


def drop_words_without_pages(app: Sphinx, doctree: object, docname: str) -> None:
    """Drop search terms that no page has any more (``doctree-resolved``).

    An incremental HTML build loads the previous search index and prunes the pages it
    rewrites, which leaves each word found only on those pages with an empty page set; a
    clean build has no such words. This runs in the main process after the index was loaded
    and pruned (also in parallel builds, where doctrees are resolved in the main process).
    The mappings are private to Sphinx's ``IndexBuilder``, so anything unexpected is left alone.
    """
    indexer = getattr(app.builder, "indexer", None)
    for attribute in ("_mapping", "_title_mapping"):
        mapping = getattr(indexer, attribute, None)
        if isinstance(mapping, dict):
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]


def setup_incremental(app: Sphinx) -> None:
    """Connect the handlers that keep incremental builds exact."""
    app.connect("env-get-outdated", note_changed_pages)
    app.connect("env-updated", rewrite_every_page)
    app.connect("doctree-resolved", drop_words_without_pages)
