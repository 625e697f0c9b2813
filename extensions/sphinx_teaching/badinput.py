"""Bad input in teaching boxes: turn a contributor's mistake into a message they can act on.

Docutils answers an unknown directive option with ``unknown option: "bogus"`` and drops the
whole box from the page, and a repeated ``:name:`` with ``Duplicate explicit target name``.
Neither says what to do. Here an unknown option is let through (marked), then reported by the
box with the options it does take, and the box is kept; a repeated name is reported with the
line that already uses it, and the later box goes without it. Both messages are the same in
reStructuredText and MyST Markdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.environment.collectors import EnvironmentCollector

from .envdata import env_data
from .nodes import TeachingBox
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.docutils import SphinxDirective


class UnknownOption:
    """The value of an option the directive does not take, kept only to report it."""

    def __init__(self, value: str | None) -> None:
        self.value = value


def _accept_unknown(value: str | None) -> UnknownOption:
    return UnknownOption(value)


class OptionsAcceptingUnknown(dict):
    """An ``option_spec`` that lets unknown options through, marked as :class:`UnknownOption`.

    Docutils and MyST both look an option up with ``option_spec[name]``, so ``__missing__``
    answers for every name the directive does not declare. ``in``, ``len`` and iteration see
    only the declared options, so help texts and MyST's own listing stay right.
    """

    def __missing__(self, name: str) -> Any:
        return _accept_unknown


def report_unknown_options(directive: SphinxDirective) -> None:
    """Warn about the unknown options of ``directive`` and drop them from its options."""
    unknown = sorted(
        name for name, value in directive.options.items() if isinstance(value, UnknownOption)
    )
    if not unknown:
        return
    for name in unknown:
        del directive.options[name]
    given = ", ".join(f":{name}:" for name in unknown)
    *others, last = [f":{name}:" for name in sorted(directive.option_spec)]
    accepted = f"{', '.join(others)} and {last}" if others else last
    noun = "option" if len(unknown) == 1 else "options"
    warn(
        LessonWarning.UNKNOWN_OPTION,
        f"the {directive.name!r} box has an unknown {noun} {given}, ignored. "
        f"This box takes only {accepted}. Check the spelling, or remove the line.",
        location=(directive.env.docname, directive.lineno),
    )


def drop_duplicate_name(directive: SphinxDirective) -> None:
    """If ``:name:`` is already an explicit target of this page, warn and drop it.

    The first use keeps the name, so existing links keep their target.
    """
    name = directive.options.get("name")
    if not name:
        return
    normalized = nodes.fully_normalize_name(name)
    document = directive.state.document
    if not document.nametypes.get(normalized):
        return  # unused, or only an implicit name (a section title), which ours overrides
    where = "on this page"
    first_id = document.nameids.get(normalized)
    first = document.ids.get(first_id) if first_id else None
    if first is not None and first.line:
        where = f"on line {first.line} of this page"
    warn(
        LessonWarning.DUPLICATE_NAME,
        f"the {directive.name!r} box has ':name: {name}', which is already used {where}. "
        "Give each box its own name; this box is shown without one, and links to "
        f"{normalized!r} go to the first.",
        location=(directive.env.docname, directive.lineno),
    )
    del directive.options["name"]


class TakesNoArgument:
    """Mix into a directive that takes no argument, before the directive class.

    Docutils and MyST report text after ``::`` on such a directive as content (``no content
    permitted``, or silently content), which misleads. This mixin lets one argument through
    and :func:`report_unexpected_argument` (call it first in ``run``) explains and ignores it.
    """

    #: Marks the directive for tests: it takes no argument, though it parses one to explain.
    takes_no_argument = True
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True


def report_unexpected_argument(directive: SphinxDirective) -> None:
    """Warn about text after the directive name of a :class:`TakesNoArgument` directive."""
    if not directive.arguments:
        return
    text = directive.arguments[0]
    directive.arguments = []
    warn(
        LessonWarning.UNEXPECTED_ARGUMENT,
        f"the {directive.name!r} directive takes no argument, so {text!r} after its name is "
        "ignored. Remove it (content, if the directive has any, goes on the lines below).",
        location=(directive.env.docname, directive.lineno),
    )


# --- The same :name: on two pages ------------------------------------------------------------


def box_names(env: BuildEnvironment) -> dict[str, list[tuple[str, str, int]]]:
    """``(name, kind, line)`` of every named box, by docname (kept in the environment)."""
    return env_data(env, "lesson_box_names", dict)


class BoxNamesCollector(EnvironmentCollector):
    """Record the names of the boxes of each page, purged and merged with the page.

    Sphinx warns about a label used on two pages only while reading serially; a parallel
    read (``-j 2``) merges the pages' labels silently. The names collected here are checked
    after all pages are read, the same way however the build ran.
    """

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        box_names(env).pop(docname, None)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
    ) -> None:
        theirs = box_names(other)
        for docname in docnames:
            if docname in theirs:
                box_names(env)[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        entries = [
            (name, box["kind"], box.line or 0)
            for box in doctree.findall(TeachingBox)
            for name in box["names"]
        ]
        if entries:
            box_names(app.env)[app.env.docname] = entries


def check_names_across_pages(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about each box whose ``:name:`` a box on an earlier page (by docname) has."""
    first: dict[str, tuple[str, int]] = {}
    for docname in sorted(box_names(env)):
        for name, kind, line in box_names(env)[docname]:
            if name not in first:
                first[name] = (docname, line)
                continue
            other_page, other_line = first[name]
            if other_page == docname:
                continue  # reported while reading the page (drop_duplicate_name)
            warn(
                LessonWarning.DUPLICATE_NAME,
                f"the {kind!r} box has ':name: {name}', which a box on page {other_page!r} "
                f"(line {other_line}) already has, so links to {name!r} can reach only one of "
                "them. Give each box its own name.",
                location=(docname, line),
            )


def setup_badinput(app: Sphinx) -> None:
    """Register the whole-site checks of bad input."""
    app.add_env_collector(BoxNamesCollector)
    app.connect("env-check-consistency", check_names_across_pages)
