"""The one store of everything the extension collects from the pages: :class:`LessonDomain`.

Each page, once read, leaves here (all keyed by docname, in ``env.domaindata["lesson"]``):

``pages``
    what other pages show of it: its title as text, the pages its toctree lists, and whether
    it is a lesson page (:func:`is_lesson_page`);
``boxes``
    a copy of each of its outermost boxes and generic admonitions (the exercise list may list
    any admonition by its classes), whole, detached from the page
    (:func:`.nodes.detached_copy`); :func:`boxes_in` finds the boxes nested in them;
``lists``
    the classes that its exercise lists include (``:include:``);
``timings``
    its :class:`.timing.Timing`, if it declares one;
``parts``
    the generated parts placed on it (``"keypoints"``, ``"schedule"``, ...);
``names``
    the ``:name:`` of each of its boxes, to find a name used on two pages;
``commands``
    its shell blocks (:mod:`.runnable`).

Sphinx purges a page's entries before reading it again (:meth:`LessonDomain.clear_doc`) and
merges those of parallel readers (:meth:`LessonDomain.merge_domaindata`), as for any domain,
so incremental and ``-j`` builds hold what a clean build holds. The page's entries are
collected on ``doctree-read``, after Sphinx's own collectors, so a copied box has its images
and titles already processed.

After reading, :func:`pages_to_rewrite` compares what changed with what each generated part
lists, and has the pages holding an affected part written again (``env-get-updated``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.domains import Domain
from sphinx.util.nodes import clean_astext

from . import nodes as box_nodes
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from collections.abc import Iterator, Set

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

#: The class of an example's rendered result in the extension's reference pages: its boxes are
#: examples, not the course's, so no generated part lists them.
EXAMPLE_RESULT_CLASS = "lesson-example-result"

#: The box kinds some generated part lists, with the parts that list them (the exercise list
#: is found by classes: see :func:`changed_parts`).
PARTS_BY_KIND: dict[str, tuple[str, ...]] = {
    "questions": ("objectives",),
    "objectives": ("objectives",),
    "keypoints": ("keypoints",),
    "instructor-note": ("guide",),
}
#: The classes of the admonitions the exercise list shows unless its ``:include:`` names
#: others, and the class that leaves one out: sphinx-lesson's.
LISTED_CLASSES = ("exercise", "solution", "challenge", "exerciselist-include")
UNLISTED_CLASSES = ("exerciselist-exclude",)
#: Every generated part.
ALL_PARTS = ("keypoints", "objectives", "exercises", "schedule", "guide")
#: The parts that show each key of a page's data when it changes (boxes: see PARTS_BY_KIND).
PARTS_BY_KEY: dict[str, tuple[str, ...]] = {
    # A title or a toctree entry changes the headings and the order of every part.
    "pages": ALL_PARTS,
    "timings": ("schedule", "guide"),
}


class LessonDomain(Domain):
    """Per-page data of the teaching extension (see the module's docstring)."""

    name = "lesson"
    label = "Teaching"
    # Raise when the shape of the stored data changes: Sphinx then reads every page afresh.
    data_version = 2
    initial_data: ClassVar[dict[str, Any]] = {
        key: {} for key in ("pages", "boxes", "lists", "timings", "parts", "names", "commands")
    }

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        #: The process that runs the build; a parallel read forks others (:func:`collect_page`).
        self.process = os.getpid()
        #: This build only (never pickled): each page purged, with its entries as they were,
        #: and the pages read. Compared after reading to find the parts to write again.
        self.before: dict[str, dict[str, Any]] = {}
        self.read: set[str] = set()
        #: The builder of this build, for post-transforms (Sphinx 9 gives them none).
        self.builder: Builder | None = None

    def entries(self, key: str) -> dict[str, Any]:
        """The entries of ``key`` (one of ``initial_data``), by docname."""
        return self.data[key]

    def clear_doc(self, docname: str) -> None:
        removed = {key: table.pop(docname) for key, table in self.data.items()
                   if isinstance(table, dict) and docname in table}  # fmt: skip
        self.before.setdefault(docname, removed)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key, table in otherdata.items():
            if not isinstance(table, dict):
                continue  # the data version
            for docname in docnames & table.keys():
                self.data[key][docname] = table[docname]
        # A parallel reader's pages count as read in this build.
        self.read.update(docnames)

    def check_consistency(self) -> None:
        """Warn about each box whose ``:name:`` a box on an earlier page (by docname) has.

        Sphinx reports a label used on two pages only in a serial read; checked here, after
        every page is read, it is reported however the build ran.
        """
        first: dict[str, tuple[str, int]] = {}
        for docname, names in sorted(self.entries("names").items()):
            for name, kind, line in names:
                other_page, other_line = first.setdefault(name, (docname, line))
                if other_page == docname:
                    continue  # the same page: reported while it was read
                warn(
                    LessonWarning.DUPLICATE_NAME,
                    f"the {kind!r} box has ':name: {name}', which a box on page "
                    f"{other_page!r} (line {other_line}) already has, so links to {name!r} "
                    "can reach only one of them. Give each box its own name.",
                    location=(docname, line),
                )

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, nodes.Element]]:
        return []  # no roles of its own


def lesson_domain(env: BuildEnvironment) -> LessonDomain:
    return env.domains[LessonDomain.name]  # type: ignore[return-value]


def current_builder(env: BuildEnvironment) -> Builder:
    """The builder writing the pages, for post-transforms."""
    builder = lesson_domain(env).builder
    assert builder is not None, "the builder is noted on builder-inited"
    return builder


def note_builder(app: Sphinx) -> None:
    lesson_domain(app.env).builder = app.builder


# --- Collecting a page -------------------------------------------------------------------------


def collect_page(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: keep what other pages need of this one."""
    env = app.env
    docname = env.current_document.docname
    domain = lesson_domain(env)
    if domain.process != os.getpid():
        # The first page of a process that a parallel read forked (Sphinx's ``-j``). Sphinx
        # sends this process's whole environment back, and merges only the pages it read;
        # the entries it was forked with, every page merged so far, would go back as well,
        # and unpickling them again and again cost the main process 3 times as long at 300
        # pages (BENCHMARKS.md, Profiling). The page being read is the only one to keep.
        domain.process = os.getpid()
        for table in domain.data.values():
            if isinstance(table, dict):
                for other in table.keys() - {docname}:
                    del table[other]
    domain.read.add(docname)
    title = env.titles.get(docname)
    metadata = env.metadata.get(docname, {})
    domain.entries("pages")[docname] = {
        "title": clean_astext(title) if title is not None else docname,
        "toctree": list(env.toctree_includes.get(docname, [])),
        "lesson": in_lesson_folder(app, docname) or any(f in metadata for f in TIMING_FIELDS),
    }
    page_boxes = list(doctree.findall(box_nodes.TeachingBox))
    boxes = [
        box_nodes.detached_copy(box)
        for box in doctree.findall(is_box)
        if not is_example(box) and not any(map(is_box, ancestors(box)))
    ]
    if boxes:
        domain.entries("boxes")[docname] = boxes
    lists = [part for part in doctree.findall(box_nodes.generated_part) if "include" in part]
    if classes := sorted({name for part in lists for name in part["include"]}):
        domain.entries("lists")[docname] = classes
    names = [(name, box["kind"], box.line or 0) for box in page_boxes for name in box["names"]]
    if names:
        domain.entries("names")[docname] = names
    parts = sorted({part["part"] for part in doctree.findall(box_nodes.generated_part)})
    if parts:
        domain.entries("parts")[docname] = parts


def is_box(node: nodes.Node) -> bool:
    """A teaching box, or a generic admonition (which sphinx-lesson's boxes are)."""
    return isinstance(node, (box_nodes.TeachingBox, nodes.admonition))


def boxes_in(kept: list[nodes.Element]) -> list[nodes.Element]:
    """Every box in the kept copies of a page's outermost boxes, nested ones too, in order."""
    return [box for tree in kept for box in tree.findall(is_box)]


def ancestors(node: nodes.Node) -> Iterator[nodes.Element]:
    """The elements around ``node``, from its parent out to the document."""
    while node.parent is not None:
        node = node.parent
        yield node


def is_example(node: nodes.Node) -> bool:
    """Whether ``node`` is inside an example of the extension's reference pages."""
    return any(EXAMPLE_RESULT_CLASS in parent["classes"] for parent in ancestors(node))


# --- What every feature asks of a page ----------------------------------------------------------

#: The page metadata fields that give a lesson's minutes, in the order they are shown.
TIMING_FIELDS = ("teaching", "exercises")


def in_lesson_folder(app: Sphinx, docname: str) -> bool:
    """Whether the page is in one of the folders of ``lesson_check_folders``."""
    return docname.startswith(tuple(app.config.lesson_check_folders))


def is_lesson_page(env: BuildEnvironment, docname: str) -> bool:
    """A lesson page is in a folder of ``lesson_check_folders`` or declares its timing."""
    return lesson_domain(env).entries("pages").get(docname, {}).get("lesson", False)


def page_title(env: BuildEnvironment, docname: str) -> str:
    """A page's title as plain text (markup in it becomes text); its docname if it has none."""
    return lesson_domain(env).entries("pages").get(docname, {}).get("title", docname)


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


# --- Incremental builds -------------------------------------------------------------------------


def changed_parts(domain: LessonDomain) -> set[str]:
    """The generated parts whose data changed in this build."""
    changed: set[str] = set()
    # The classes any exercise list of the site lists.
    listed = set(LISTED_CLASSES).union(*domain.entries("lists").values())
    for docname in domain.before.keys() | domain.read:
        before = domain.before.get(docname, {})
        for key in ("pages", "timings"):
            if before.get(key) != domain.entries(key).get(docname):
                changed.update(PARTS_BY_KEY[key])
        old, new = before.get("boxes", []), domain.entries("boxes").get(docname, [])
        differing = old or new  # boxes added to a page, or removed: no need to compare them
        if old and new:
            # The boxes that differ; the same boxes in another order: all of them.
            old_forms, new_forms = [b.pformat() for b in old], [b.pformat() for b in new]
            common = set(old_forms) & set(new_forms)
            forms = zip(old + new, old_forms + new_forms, strict=True)
            differing = [box for box, form in forms if form not in common]
            if old_forms != new_forms and not differing:
                differing = old
        for box in boxes_in(differing):
            changed.update(PARTS_BY_KIND.get(box.get("kind"), ()))
            if listed.intersection(box["classes"]):
                changed.add("exercises")
    return changed


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: the pages holding a generated part whose data changed."""
    domain = lesson_domain(env)
    changed = changed_parts(domain)
    domain.before, domain.read = {}, set()
    if not changed:
        return []
    placed = domain.entries("parts")
    return sorted(docname for docname, parts in placed.items() if changed.intersection(parts))


def setup_domain(app: Sphinx) -> None:
    """Register the domain, the collection of each page and the rewriting of generated parts."""
    app.add_domain(LessonDomain)
    app.connect("builder-inited", note_builder)
    # After Sphinx's collectors (500): titles, toctrees, metadata and images are in place.
    app.connect("doctree-read", collect_page, priority=600)
    app.connect("env-get-updated", pages_to_rewrite)
