"""Directives that document ``sphinx_teaching`` from its own code, for the site's reference.

Part of this site's documentation tooling, not of the extension a course installs: conf.py
loads it next to ``sphinx_teaching``.

``lesson-box-kinds``
    the table of box directives, read from :data:`.kinds.BOX_KINDS` and the directives' options;
``lesson-config-values``
    every ``lesson_*`` configuration value registered in this build, with its default, type and
    description (the ``description=`` given to ``app.add_config_value``);
``lesson-warning-catalogue``
    every warning subtype of :class:`.warnings.LessonWarning`, as ``suppress_warnings`` entries;
``lesson-example``
    a snippet shown as reStructuredText and MyST source, then rendered, so the documentation
    shows exactly the files the tests build.

Generated tables cannot drift from the code: adding a kind, a config value or a warning subtype
adds its row.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.directives.code import container_wrapper
from sphinx.util.docutils import SphinxDirective

from sphinx_teaching.directives import directive_class
from sphinx_teaching.domain import EXAMPLE_RESULT_CLASS
from sphinx_teaching.kinds import BOX_KINDS
from sphinx_teaching.warnings import WARNING_TYPE, LessonWarning, warn

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sphinx.application import Sphinx
    from sphinx.util.typing import OptionSpec

#: Only configuration values with this prefix are ours.
CONFIG_PREFIX = "lesson_"

Cell = str | nodes.Node | list[nodes.Node]


def _literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def build_table(
    headers: Sequence[str], rows: Iterable[Sequence[Cell]], widths: Sequence[int]
) -> nodes.table:
    """A docutils table: each cell is text, a node, or a list of inline nodes."""
    table = nodes.table(classes=["lesson-reference-table"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=width) for width in widths)
    head = nodes.thead()
    head += _row(headers)
    group += head
    body = nodes.tbody()
    body.extend(_row(cells) for cells in rows)
    group += body
    return table


def _row(cells: Sequence[Cell]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        paragraph = nodes.paragraph()
        if isinstance(cell, str):
            paragraph += nodes.Text(cell)
        elif isinstance(cell, nodes.Node):
            paragraph += cell
        else:
            paragraph.extend(cell)
        entry += paragraph
        row += entry
    return row


def _joined(items: Iterable[nodes.Node], separator: str = ", ") -> list[nodes.Node]:
    result: list[nodes.Node] = []
    for item in items:
        if result:
            result.append(nodes.Text(separator))
        result.append(item)
    return result


class GeneratedTable(SphinxDirective):
    """A table made from the extension's code, which Sphinx does not watch for changes: the
    page is read again on every build, so an incremental build never shows a stale table."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_reread()
        return self.make()

    def make(self) -> list[nodes.Node]:
        raise NotImplementedError


class BoxKindsTable(GeneratedTable):
    """``lesson-box-kinds``: one row per kind of box."""

    def make(self) -> list[nodes.Node]:
        rows = []
        for kind in BOX_KINDS:
            names = [_literal(kind.name)] + [_literal(alias) for alias in kind.aliases]
            options = sorted(directive_class(kind).option_spec)
            rows.append(
                [
                    _joined(names),
                    kind.default_title,
                    _joined(_literal(cls) for cls in (kind.name, *kind.extra_classes)),
                    "closed" if kind.collapsible == "closed" else "no",
                    _joined(_literal(f":{option}:") for option in options),
                    _literal(kind.node_class.__name__),
                ]
            )
        headers = [
            "Directive (aliases)",
            "Default title",
            "CSS classes",
            "Collapsed",
            "Options",
            "Node class",
        ]
        table = build_table(headers, rows, widths=[18, 14, 18, 8, 22, 20])
        self.set_source_info(table)
        return [table]


def describe_default(default: Any) -> str:
    """How a default value is shown: its repr, or "computed" for a callable default."""
    return "computed from other settings" if callable(default) else repr(default)


def describe_types(valid_types: Any, default: Any) -> str:
    """The accepted types of a config value, by name."""
    candidates = getattr(valid_types, "candidates", None)  # sphinx.config.ENUM
    if candidates is not None:
        return "one of " + ", ".join(repr(value) for value in candidates)
    types = list(valid_types) if valid_types else []
    if not types and not callable(default) and default is not None:
        types = [type(default)]
    return " or ".join(sorted({t.__name__ for t in types})) or "any"


class ConfigValuesTable(GeneratedTable):
    """``lesson-config-values``: every ``lesson_*`` configuration value of this build."""

    def make(self) -> list[nodes.Node]:
        options = getattr(self.config, "_options", {})
        names = sorted(name for name in options if name.startswith(CONFIG_PREFIX))
        if not names:
            paragraph = nodes.paragraph(
                "", "This version of the extension has no configuration values."
            )
            return [paragraph]
        rows = []
        for name in names:
            option = options[name]
            # The tests require a description for each of ours; a project's own values may lack one.
            description = getattr(option, "description", "") or "(No description given.)"
            described, messages = self.parse_inline(description, lineno=self.lineno)
            rows.append(
                [
                    _literal(name),
                    _literal(describe_default(option.default)),
                    describe_types(option.valid_types, option.default),
                    str(option.rebuild or "nothing"),
                    [*described, *messages],
                ]
            )
        headers = ["Name", "Default", "Type", "Rebuilds", "What it does"]
        table = build_table(headers, rows, widths=[18, 16, 12, 8, 46])
        self.set_source_info(table)
        return [table]


class WarningCatalogue(GeneratedTable):
    """``lesson-warning-catalogue``: every warning subtype, for ``suppress_warnings``."""

    def make(self) -> list[nodes.Node]:
        rows = []
        for subtype in LessonWarning:
            described, messages = self.parse_inline(subtype.description, lineno=self.lineno)
            rows.append([_literal(subtype.tag), [*described, *messages]])
        rows.insert(
            0, [_literal(WARNING_TYPE), "Every warning of this extension (all the subtypes below)."]
        )
        table = build_table(["suppress_warnings entry", "When"], rows, widths=[25, 75])
        self.set_source_info(table)
        return [table]


class ExampleDirective(SphinxDirective):
    """``lesson-example``: show a snippet's sources in both syntaxes, then render it.

    The argument names the snippet without its suffix, relative to the current page (or to the
    source folder with a leading ``/``): ``snippets/exercise`` reads ``snippets/exercise.rst``
    and, when it exists, ``snippets/exercise.md``. The reStructuredText file is rendered.
    """

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[OptionSpec] = {}

    #: (suffix, caption, Pygments lexer) of the sources shown, in order.
    SOURCES = ((".rst", "reStructuredText", "rst"), (".md", "MyST Markdown", "md"))

    def run(self) -> list[nodes.Node]:
        _relative, absolute = self.env.relfn2path(self.arguments[0])
        stem = Path(absolute)
        rst_file = stem.with_name(stem.name + ".rst")
        if not rst_file.is_file():
            warn(
                LessonWarning.REFERENCE,
                f"lesson-example: no snippet {rst_file.name!r} next to {self.arguments[0]!r}",
                location=(self.env.docname, self.lineno),
            )
            return []
        container = nodes.container(classes=["lesson-example"])
        self.set_source_info(container)
        for suffix, caption, language in self.SOURCES:
            source = stem.with_name(stem.name + suffix)
            if not source.is_file():
                continue
            self.env.note_dependency(str(source))
            text = source.read_text(encoding="utf-8")
            container += self._source_block(text, caption, language)
        rendered = nodes.container(classes=[EXAMPLE_RESULT_CLASS])
        rendered += nodes.rubric("", "Result")
        lines = rst_file.read_text(encoding="utf-8").splitlines()
        # Parsed with the snippet's own name, so warnings point at the snippet's lines.
        self.state.nested_parse(StringList(lines, source=str(rst_file)), 0, rendered)
        container += rendered
        return [container]

    def _source_block(self, text: str, caption: str, language: str) -> nodes.container:
        block = nodes.literal_block(text, text, language=language)
        self.set_source_info(block)
        # The same captioned block literalinclude makes, in every output format.
        return container_wrapper(self, block, caption)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives that generate the extension's reference pages."""
    app.add_directive("lesson-box-kinds", BoxKindsTable)
    app.add_directive("lesson-config-values", ConfigValuesTable)
    app.add_directive("lesson-warning-catalogue", WarningCatalogue)
    app.add_directive("lesson-example", ExampleDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
