"""The instructor view: instructor notes for instructors only, and the instructor guide.

Two builds of the same sources:

- the **learner** build (the default) removes every ``instructor-note`` box while the page is
  read, before anything is indexed or pickled, so no word of a note reaches the HTML, the
  search index or the doctrees; a page that had notes gets no copy of its source file in
  ``_sources/`` (nor a "View page source" link), since that copy is the raw file; the
  instructor-guide page is left out of every toctree (so of
  the navigation and of next/previous links) and of the search index;
- the **instructor** build (``lesson_instructor_view = True``, or ``-t instructor`` when the
  value is left unset) keeps the notes, and its instructor-guide page lists, per lesson in
  toctree order, the lesson's timing and a copy of each of its notes with a link back.

The two builds need their own output and doctree folders (``make html-instructor`` uses
``_build/html-instructor``), since the environment of one has no notes at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import docname_join
from sphinx.util.docutils import SphinxDirective

from .badinput import TakesNoArgument, report_unexpected_argument
from .envdata import env_data
from .generated import page_link, track_generated_pages
from .navigation import pages_in_toctree_order
from .nodes import detached_copy, instructor_note_node
from .schedule import duration, page_title
from .timing import Timing, lesson_timings
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

#: The tag (``sphinx-build -t instructor``) that selects the instructor view by default.
INSTRUCTOR_TAG = "instructor"
DEFAULT_GUIDE = "instructor-guide"
#: Where the notes are kept in the build environment: docname -> [(anchor, note copy)].
_NOTES_ATTRIBUTE = "lesson_instructor_notes"
_GUIDE_PAGES_ATTRIBUTE = "lesson_instructor_guide_pages"
#: Set on a learner build's doctree whose page had instructor notes removed.
NOTES_REMOVED = "lesson_instructor_notes_removed"


class instructor_guide_node(nodes.General, nodes.Element):
    """Where the instructor guide goes; replaced at write time."""


def instructor_view(config: Config) -> bool:
    """Whether this build is the instructor's (notes shown) rather than the learners'."""
    return bool(config.lesson_instructor_view)


def check_instructor_config(app: Sphinx, config: Config) -> None:
    """Resolve ``lesson_instructor_view`` (unset: follow the tag) and check the guide's name."""
    view = config.lesson_instructor_view
    if view is None:
        config.lesson_instructor_view = app.tags.has(INSTRUCTOR_TAG)
    elif not isinstance(view, bool):
        warn(
            LessonWarning.CONFIG,
            f"lesson_instructor_view must be True, False or None (follow '-t "
            f"{INSTRUCTOR_TAG}'), not {view!r}; following the tag",
        )
        config.lesson_instructor_view = app.tags.has(INSTRUCTOR_TAG)
    guide = config.lesson_instructor_guide
    if not isinstance(guide, str):
        warn(
            LessonWarning.CONFIG,
            f"lesson_instructor_guide must be the docname of the guide page (or ''), not "
            f"{guide!r}; using {DEFAULT_GUIDE!r}",
        )
        config.lesson_instructor_guide = DEFAULT_GUIDE


# --- Learner build: remove the notes and hide the guide ---------------------------------------


def _forget_targets(document: nodes.document, subtree: nodes.Element) -> None:
    """Drop the ids and names of ``subtree`` from the document, so no label points into it."""
    ids = {node_id for element in subtree.findall(nodes.Element) for node_id in element["ids"]}
    for name, node_id in list(document.nameids.items()):
        if node_id in ids:
            del document.nameids[name]
            document.nametypes.pop(name, None)
    for node_id in ids:
        document.ids.pop(node_id, None)


class RemoveInstructorNotes(SphinxTransform):
    """In the learner build, delete every instructor note as soon as the page is parsed.

    Early (before references, labels, index entries and the search index are collected), so
    nothing of a note is left anywhere: a ``:ref:`` to a note's name is then an unknown label.
    """

    default_priority = 205

    def apply(self, **kwargs: Any) -> None:
        if instructor_view(self.config):
            return
        for note in list(self.document.findall(instructor_note_node)):
            _forget_targets(self.document, note)
            note.parent.remove(note)
            # The page's source file still has the note: see withhold_source().
            self.document[NOTES_REMOVED] = True


def withhold_source(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Learner build: don't copy the source of a page that had notes into ``_sources/``.

    The copy is the raw file, notes and all; without a ``sourcename`` Sphinx neither copies
    it nor links to it ("View page source").
    """
    if doctree is not None and doctree.get(NOTES_REMOVED):
        context["sourcename"] = ""


class HideInstructorGuide(SphinxTransform):
    """In the learner build, take the guide page out of every toctree.

    It then appears in no navigation and no next/previous link; :func:`hide_guide_page`
    marks the page itself orphan (no "not in any toctree" warning) and unsearchable.
    """

    default_priority = 205

    def apply(self, **kwargs: Any) -> None:
        guide = self.config.lesson_instructor_guide
        if instructor_view(self.config) or not guide:
            return
        for toctree in self.document.findall(addnodes.toctree):
            toctree["entries"] = [(title, ref) for title, ref in toctree["entries"] if ref != guide]
            toctree["includefiles"] = [ref for ref in toctree["includefiles"] if ref != guide]


def hide_guide_page(app: Sphinx, doctree: nodes.document) -> None:
    """Learner build: the guide page is an orphan left out of the search index."""
    env = app.env
    docname = env.current_document.docname
    if instructor_view(app.config) or docname != app.config.lesson_instructor_guide:
        return
    # Page metadata that Sphinx itself honours (``:orphan:`` and ``:nosearch:``).
    metadata = env.metadata.setdefault(docname, {})
    metadata["orphan"] = ""
    metadata["nosearch"] = ""


# --- Instructor build: collect the notes ------------------------------------------------------


def _notes(env: BuildEnvironment) -> dict[str, list[tuple[str, instructor_note_node]]]:
    return env_data(env, _NOTES_ATTRIBUTE, dict)


class InstructorNoteCollector(EnvironmentCollector):
    """Keep a copy of every instructor note per page, with the id to link back to."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        _notes(env).pop(docname, None)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
    ) -> None:
        mine, theirs = _notes(env), _notes(other)
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        if not instructor_view(app.config):
            return
        docname = app.env.current_document.docname
        found = []
        for note in doctree.findall(instructor_note_node):
            if is_reference_example(note):
                continue  # an example in the extension's reference, not a note for instructors
            anchor = note["ids"][0] if note["ids"] else ""
            found.append((anchor, detached_copy(note)))
        if found:
            _notes(app.env)[docname] = found


def is_reference_example(node: nodes.Node) -> bool:
    """Is ``node`` inside an example of the extension reference (``lesson-example``)?"""
    from .reference import EXAMPLE_RESULT_CLASS

    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and EXAMPLE_RESULT_CLASS in parent["classes"]:
            return True
        parent = parent.parent
    return False


def instructor_notes(env: BuildEnvironment) -> dict[str, list[tuple[str, instructor_note_node]]]:
    """The instructor notes by page, each with the anchor of the original (instructor build)."""
    return {docname: list(notes) for docname, notes in _notes(env).items()}


# --- The guide --------------------------------------------------------------------------------


class InstructorGuideDirective(TakesNoArgument, SphinxDirective):
    """``.. instructor-guide::`` places the instructor guide (instructor build only)."""

    has_content = False
    option_spec: ClassVar[OptionSpec] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        report_unexpected_argument(self)
        if self.env.current_document.new_serial_number("lesson-instructor-guide"):
            # A second copy would repeat every note and every section id.
            warn(
                LessonWarning.GUIDE_TWICE,
                f"the {self.name!r} directive is already used on this page; remove this one",
                location=(self.env.current_document.docname, self.lineno),
            )
            return []
        node = instructor_guide_node()
        self.set_source_info(node)
        node["classes"] = ["lesson-instructor-guide", *self.options.get("class", [])]
        return [node]


def timing_text(timing: Timing | None) -> str:
    if timing is None:
        return "No timing declared."
    parts = []
    if timing.teaching is not None:
        parts.append(f"teaching {timing.teaching} min")
    if timing.exercises is not None:
        parts.append(f"exercises {timing.exercises} min")
    if not parts:
        return "No valid timing declared."
    return f"{', '.join(parts).capitalize()}; {duration(timing.total)} in all."


class InstructorGuide(SphinxPostTransform):
    """Replace the guide placeholder: per lesson, its timing and its notes, linked back.

    Before reference resolution (priority 10), so references inside the copied notes are
    resolved for the guide page, and the HTML box transform dresses the copies as boxes.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        placeholders = list(self.document.findall(instructor_guide_node))
        if not placeholders:
            return
        if not instructor_view(self.config):
            for placeholder in placeholders:
                notice = nodes.paragraph(
                    "",
                    "The instructor guide is part of the instructor build (make html-instructor).",
                )
                placeholder.replace_self(notice)
            return
        for placeholder in placeholders:
            container = nodes.container(classes=list(placeholder["classes"]))
            container += self.lesson_sections()
            placeholder.replace_self(container)

    def lesson_sections(self) -> list[nodes.Node]:
        env = self.env
        timings = lesson_timings(env)
        notes = _notes(env)
        sections: list[nodes.Node] = []
        for docname in pages_in_toctree_order(env):
            if docname not in timings and docname not in notes:
                continue
            section = nodes.section(ids=[f"lesson-guide-{nodes.make_id(docname)}"])
            section["classes"].append("lesson-guide-lesson")
            section += nodes.title("", page_title(env, docname))
            link = page_link(docname, "Open the lesson")
            section += nodes.paragraph(
                "", "", nodes.Text(timing_text(timings.get(docname)) + " "), link
            )
            for number, (anchor, note) in enumerate(notes.get(docname, [])):
                copy = self.copy_note(note, docname)
                # An id of its own, so the copy is a labelled landmark like the original.
                copy["ids"] = [f"lesson-guide-{nodes.make_id(docname)}-note-{number}"]
                section += copy
                back = page_link(docname, "\u21a9 Back to this note in the lesson", anchor)
                section += nodes.paragraph("", "", back, classes=["lesson-guide-backlink"])
            sections.append(section)
        if not sections:
            sections.append(nodes.paragraph("", "No lesson has a timing or an instructor note."))
        return sections

    def copy_note(self, note: instructor_note_node, docname: str) -> instructor_note_node:
        """A copy of ``note`` that can live in the guide page."""
        copy = note.deepcopy()
        # Ids and names belong to the original; here they would clash between lessons.
        for element in copy.findall(nodes.Element):
            element["ids"] = []
            element["names"] = []
        for xref in copy.findall(addnodes.pending_xref):
            # Resolve as if written in the guide, but keep :doc: targets relative to the
            # lesson they were written in.
            if xref.get("refdomain") == "std" and xref.get("reftype") == "doc":
                target = xref["reftarget"]
                if not target.startswith("/"):
                    xref["reftarget"] = "/" + docname_join(xref.get("refdoc", docname), target)
            xref["refdoc"] = self.env.current_document.docname
        return copy


def setup_instructor(app: Sphinx) -> None:
    """Register the instructor view's configuration, transforms, collector and guide."""
    # None: follow the ``instructor`` tag (``make html-instructor`` passes ``-t instructor``).
    app.add_config_value(
        "lesson_instructor_view",
        None,
        "env",
        types=frozenset({bool, type(None)}),
        description="``True`` builds the instructor view (notes shown, guide page listed); "
        "the course sets it from the ``instructor`` tag (``make html-instructor``).",
    )
    app.add_config_value(
        "lesson_instructor_guide",
        DEFAULT_GUIDE,
        "env",
        types=frozenset({str}),
        description="Docname of the instructor guide page (every note and lesson timing); "
        "hidden from the learner build.",
    )
    app.connect("config-inited", check_instructor_config)
    app.add_transform(RemoveInstructorNotes)
    app.add_transform(HideInstructorGuide)
    app.connect("html-page-context", withhold_source)
    app.connect("doctree-read", hide_guide_page, priority=900)
    app.add_env_collector(InstructorNoteCollector)
    app.add_node(instructor_guide_node)
    app.add_directive("instructor-guide", InstructorGuideDirective)
    app.add_post_transform(InstructorGuide)
    track_generated_pages(app, instructor_guide_node, _GUIDE_PAGES_ATTRIBUTE)
