"""Rewrite every page when the site's navigation changes, so incremental builds are exact.

Each HTML page carries the whole site's navigation: the sidebar's table of contents (page
and section titles) and the previous/next links. Sphinx rewrites only the pages it read again,
so after adding, renaming or deleting a page, or retitling one, the other pages would keep the
old navigation until a clean build. After reading, we compare a fingerprint of everything
the navigation is made of with the one of the previous build, and when it differs every page
is written again (not read again: writing is the cheap half of a build).

Sphinx also leaves the HTML of a deleted (or renamed) page in the output folder, where it stays
reachable with stale content; we remove it, and its copied source, after the build. And its
search index keeps every word that only a rewritten or deleted page had, with no page left:
we drop those words, so the index is the one a clean build writes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util.nodes import clean_astext

from .envdata import env_data

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Where the fingerprint of the last build is kept (pickled with the environment).
FINGERPRINT_ATTRIBUTE = "lesson_navigation_fingerprint"
#: Each page's share of the fingerprint, kept until the page is read again or removed: a page's
#: toctree, title and table of contents change only when Sphinx reads it.
PAGE_DIGESTS_ATTRIBUTE = "lesson_navigation_page_digests"


def _page_digests(env: BuildEnvironment) -> dict[str, str]:
    return env_data(env, PAGE_DIGESTS_ATTRIBUTE, dict)


def page_digest(env: BuildEnvironment, docname: str) -> str:
    """A digest of what one page gives the navigation: its toctree, title and contents."""
    digest = hashlib.sha256(docname.encode())
    digest.update(repr(env.toctree_includes.get(docname, [])).encode())
    if (title := env.titles.get(docname)) is not None:
        digest.update(clean_astext(title).encode())
    if (toc := env.tocs.get(docname)) is not None:
        digest.update(toc.pformat().encode())
    return digest.hexdigest()


def forget_page_digest(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: the page is read again or removed, so its digest is out of date."""
    _page_digests(env).pop(docname, None)


def navigation_fingerprint(env: BuildEnvironment) -> str:
    """A digest of the pages, their toctrees, titles and tables of contents, and the titles
    of every ``:ref:`` label (a link to a section or box elsewhere shows its title).

    Only the pages read in this build are digested afresh; the others keep theirs.
    """
    digests = _page_digests(env)
    # Pages removed since the last build were purged, so every digest kept is of a page.
    for docname in env.all_docs.keys() - digests.keys():
        digests[docname] = page_digest(env, docname)
    digest = hashlib.sha256()
    for docname in sorted(digests):
        digest.update(digests[docname].encode())
    labels = env.domains.standard_domain.labels
    digest.update(repr(sorted(labels.items())).encode())
    return digest.hexdigest()


def rewrite_all_if_navigation_changed(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: every page to write when the navigation differs from the last build."""
    fingerprint = navigation_fingerprint(env)
    previous = getattr(env, FINGERPRINT_ATTRIBUTE, None)
    setattr(env, FINGERPRINT_ATTRIBUTE, fingerprint)
    if previous is None or previous == fingerprint:
        # A first build writes everything anyway.
        return []
    return sorted(env.all_docs)


def pages_in_toctree_order(env: BuildEnvironment) -> list[str]:
    """Every page in the reading order of the toctree from the root document.

    Depth first, children in toctree order: the order of the navigation and of next/prev.
    Pages no toctree reaches (orphans) follow, sorted by name, so nothing is dropped.
    """
    ordered: list[str] = []
    seen: set[str] = set()
    stack = [env.config.root_doc]
    while stack:
        docname = stack.pop()
        if docname in seen or docname not in env.all_docs:
            continue
        seen.add(docname)
        ordered.append(docname)
        stack.extend(reversed(env.toctree_includes.get(docname, [])))
    ordered.extend(sorted(set(env.all_docs) - seen))
    return ordered


class RemovedPageOutputs:
    """Remember the pages removed since the last build, and delete their HTML afterwards."""

    def __init__(self) -> None:
        self.removed: set[str] = set()

    def note_removed(
        self, app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
        removed: set[str],
    ) -> list[str]:  # fmt: skip
        self.removed = set(removed)
        return []

    def delete(self, app: Sphinx, exception: Exception | None) -> None:
        removed, self.removed = self.removed - set(app.env.all_docs), set()
        builder = app.builder
        if exception is not None or not isinstance(builder, StandaloneHTMLBuilder):
            return
        outdir = Path(builder.outdir).resolve()
        for docname in sorted(removed):
            candidates = [Path(builder.get_outfilename(docname))]
            candidates += [
                outdir / "_sources" / f"{docname}{suffix}{app.config.html_sourcelink_suffix}"
                for suffix in app.config.source_suffix
            ]
            for path in candidates:
                path = path.resolve()
                # Only files of the output folder, never anything a path could point outside.
                if path.is_file() and path.is_relative_to(outdir):
                    path.unlink()


def drop_words_without_pages(app: Sphinx) -> list[tuple[str, dict[str, object], str]]:
    """``html-collect-pages``: remove search-index words no page has any more.

    Sphinx prunes the pages of removed and rewritten documents from its word lists just
    before writing the index, but keeps each word with an empty list. We prune first (the
    same call Sphinx makes next, so it is idempotent) and drop the empty words. The word
    lists are private attributes of the indexer, so this does nothing if they are missing.
    """
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None:
        return []
    indexer.prune(app.env.all_docs)
    for attribute in ("_mapping", "_title_mapping"):
        mapping = getattr(indexer, attribute, None)
        if isinstance(mapping, dict):
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]
    return []


def setup_navigation(app: Sphinx) -> None:
    """Connect the navigation check and the clean-up of removed pages."""
    app.connect("env-purge-doc", forget_page_digest)
    app.connect("env-updated", rewrite_all_if_navigation_changed)
    outputs = RemovedPageOutputs()
    app.connect("env-get-outdated", outputs.note_removed)
    app.connect("build-finished", outputs.delete)
    app.connect("html-collect-pages", drop_words_without_pages)
