"""The instructor view: instructor notes for instructors only, and the instructor guide.

Two builds of the same sources:

- the **learner** build (``lesson_instructor_view = False``) removes every ``instructor-note``
  box while the page is read, before anything is indexed or pickled, so no word of a note
  reaches the HTML, the search index or the doctrees; a page that had notes gets no copy of
  its source file in ``_sources/`` (nor a "View page source" link), since that copy is the raw
  file; the instructor-guide page is left out of every toctree (so of the navigation and of
  next/previous links) and of the search index;
- the **instructor** build (``lesson_instructor_view = True``, the default, as sphinx-lesson
  always shows notes; ``None`` follows ``-t instructor``) keeps the notes, and its
  instructor-guide page lists, per lesson in toctree order, the lesson's timing and a copy of
  each of its notes with a link back.

The two builds need their own output and doctree folders (``make html-instructor`` uses
``_build/html-instructor``), since the environment of one has no notes at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from .domain import boxes_in, lesson_domain, page_title, pages_in_toctree_order
from .nodes import generated_part, instructor_note_node
from .placeholders import GeneratedPartDirective, copy_box, page_reference
from .schedule import duration
from .timing import Timing, lesson_timings
from .warnings import LessonWarning

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config

#: Set on a learner build's doctree whose page had instructor notes removed.
NOTES_REMOVED = "lesson_instructor_notes_removed"


def instructor_view(config: Config) -> bool:
    """Whether this build is the instructor's (notes shown) rather than the learners'."""
    return bool(config.lesson_instructor_view)


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
            # An empty comment (written as nothing) keeps the note's place, so a transition
            # that followed it still follows a body element, as docutils requires.
            note.parent.replace(note, nodes.comment())  # (replace_self would copy its ids)
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


# --- The guide --------------------------------------------------------------------------------


class InstructorGuideDirective(GeneratedPartDirective):
    """``.. instructor-guide::`` places the instructor guide (instructor build only)."""

    part = "guide"
    twice_warning = LessonWarning.GUIDE_TWICE


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


def render_guide(builder: Builder, placeholder: generated_part, fromdoc: str) -> list[nodes.Node]:
    """The guide: per lesson in toctree order, its timing and its notes, linked back.

    In the learner build, only a line saying where the guide is.
    """
    if not instructor_view(builder.config):
        text = "The instructor guide is part of the instructor build (make html-instructor)."
        return [nodes.paragraph("", text)]
    env = builder.env
    timings = lesson_timings(env)
    boxes = lesson_domain(env).entries("boxes")
    # "no-search": a search finds each note once, on its own lesson page.
    container = nodes.container(classes=["lesson-instructor-guide", "no-search"])
    for docname in pages_in_toctree_order(env):
        notes = [
            box for box in boxes_in(boxes.get(docname, [])) if box.get("kind") == "instructor-note"
        ]
        if docname not in timings and not notes:
            continue
        page_id = f"lesson-guide-{nodes.make_id(docname)}"
        section = nodes.section(ids=[page_id], classes=["lesson-guide-lesson"])
        section += nodes.title("", page_title(env, docname))
        link = page_reference(builder, fromdoc, docname, [nodes.Text("Open the lesson")])
        section += nodes.paragraph(
            "", "", nodes.Text(timing_text(timings.get(docname)) + " "), link
        )
        for number, note in enumerate(notes):
            copy = copy_box(env, note, docname, fromdoc, f"{page_id}-note-{number}")
            # An id of its own, so the copy is a labelled landmark like the original.
            copy["ids"] = [f"{page_id}-note-{number}"]
            section += copy
            back = nodes.Text("\u21a9 Back to this note in the lesson")
            anchor = note["ids"][0] if note["ids"] else ""
            section += nodes.paragraph(
                "", "", page_reference(builder, fromdoc, docname, [back], anchor),
                classes=["lesson-guide-backlink"],
            )  # fmt: skip
        container += section
    if len(container) == 0:
        container += nodes.paragraph("", "No lesson has a timing or an instructor note.")
    return [container]


def setup_instructor(app: Sphinx) -> None:
    """Register the instructor view's transforms and the guide's directive."""
    app.add_transform(RemoveInstructorNotes)
    app.add_transform(HideInstructorGuide)
    app.connect("html-page-context", withhold_source)
    app.connect("doctree-read", hide_guide_page, priority=900)
    app.add_directive("instructor-guide", InstructorGuideDirective)
