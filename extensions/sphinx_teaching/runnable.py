"""Runnable and cluster-only shell blocks: ``.. lesson-command::``.

A ``lesson-command`` block renders exactly like ``.. code-block:: console`` (the same
highlighting, so sphinx-copybutton still copies only the commands) and says what the tests do
with it:

- ``:scenario: NAME`` -- runnable: the blocks of one scenario on a page run in page order in
  one bash session in a sandbox, and the output the page shows is compared;
- ``:cluster: CENTRE`` -- cluster-only: not run; every module it loads must be listed for that
  centre in the known-modules file (``lesson_known_modules``).

The blocks are collected from the doctrees (both syntaxes, any nesting) into the build
environment with purge and merge, checked as their page is read, and written to
``<doctreedir>/lesson-commands.json`` at the end of a build that read or removed a page, where
``sphinx-teaching-commands`` reads them. Plain shell code blocks in lesson pages (pages in
``lesson_check_folders`` or with ``teaching``/``exercises`` timing) are reported, so no
command slips through unmarked.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.code import CodeBlock
from sphinx.environment.collectors import EnvironmentCollector

from .checks import is_lesson_page as in_lesson_folder
from .envdata import env_data
from .shell_text import (
    CONSOLE_LANGUAGES,
    SHELL_LANGUAGES,
    Command,
    ParsedBlock,
    cluster_commands_used,
    modules_used,
    parse_block,
)
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

#: Where the collected blocks go, inside the build's doctree folder.
MANIFEST_NAME = "lesson-commands.json"
#: Shape of the manifest and of the environment data; raise when either changes.
MANIFEST_VERSION = 1
#: Page metadata that makes a page a lesson page (the timing fields).
LESSON_METADATA = ("teaching", "exercises")
#: Output comparison modes of ``:output:``.
OUTPUT_MODES = ("compare", "ignore")

# Node attributes of a literal_block made by ``lesson-command`` (plain values, so copies and
# pickles keep them).
ATTR_SCENARIO = "lesson_scenario"
ATTR_CLUSTER = "lesson_cluster"
ATTR_OUTPUT = "lesson_output"
ATTR_HIDDEN = "lesson_hidden"
ATTR_SOURCE = "lesson_source"
ATTR_FIRST_LINE = "lesson_first_line"


class LessonCommandDirective(CodeBlock):
    """A shell block that the tests run (``:scenario:``) or check (``:cluster:``).

    The optional argument is the highlight language: ``console`` (default; ``$ `` lines are
    commands, the others their output) or a script language such as ``bash``. All options of
    ``code-block`` work too.
    """

    option_spec: ClassVar[OptionSpec] = {
        **CodeBlock.option_spec,
        "scenario": directives.unchanged_required,
        "cluster": directives.unchanged_required,
        "output": lambda value: directives.choice(value, OUTPUT_MODES),
        "hidden": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        if not self.arguments:
            self.arguments = ["console"]
        result = super().run()
        literal = next((node for top in result for node in top.findall(nodes.literal_block)), None)
        if literal is None:  # super() reported a problem (caption, emphasize-lines)
            return result
        source, offset = self._first_content_line()
        if _is_myst(self):
            # Where the opening fence is (see _myst_first_content_line about nesting).
            literal.line = offset - self.content_offset - 1
        literal[ATTR_SCENARIO] = self.options.get("scenario", "").strip()
        literal[ATTR_CLUSTER] = self.options.get("cluster", "").strip()
        literal[ATTR_OUTPUT] = self.options.get("output", "compare")
        literal[ATTR_HIDDEN] = "hidden" in self.options
        literal[ATTR_SOURCE] = source
        literal[ATTR_FIRST_LINE] = offset
        literal["classes"].append("lesson-command")
        return result

    def _first_content_line(self) -> tuple[str, int]:
        """Source file and 1-based line of the first content line (works inside includes)."""
        source, _line = self.state_machine.get_source_and_line(self.lineno)
        if _is_myst(self):
            return source or "", self._myst_first_content_line(source)
        try:
            info_source, info_offset = self.content.info(0)
        except (IndexError, AttributeError):
            info_source, info_offset = None, None
        if info_source and info_offset is not None:
            # docutils: the 0-based line of the content in the file it came from.
            return info_source, info_offset + 1
        return source or "", self.content_offset + 1

    def _myst_first_content_line(self, source: str | None) -> int:
        """MyST gives the directive's line and the content's offset from it; for directives
        nested in other directives its line can be one off (MyST-Parser 5.2), so we confirm
        the guess against the page's text and take the nearest line where the content is."""
        guess = self.lineno + self.content_offset + 1
        if not source or not self.content:
            return guess
        try:
            page = Path(source).read_text(encoding="utf-8").splitlines()
        except OSError:
            return guess
        wanted = [text.strip() for text in self.content]
        for candidate in sorted(range(guess - 3, guess + 4), key=lambda n: abs(n - guess)):
            found = [text.strip() for text in page[candidate - 1 : candidate - 1 + len(wanted)]]
            if candidate >= 1 and found == wanted:
                return candidate
        return guess


def _is_myst(directive: CodeBlock) -> bool:
    """Whether MyST-Parser runs this directive (it counts content lines differently).

    Told by the module of the state machine's class rather than by importing MyST's, so a
    site without MyST pages does not pay for importing MyST-Parser on its first block.
    """
    return type(directive.state_machine).__module__.startswith("myst_parser.")


def block_record(literal: nodes.literal_block, docname: str, env: BuildEnvironment) -> dict | None:
    """What we keep of a shell block: plain data for the environment and the manifest."""
    language = literal.get("language", "")
    marked = ATTR_SCENARIO in literal
    if not marked and language not in SHELL_LANGUAGES:
        return None
    source = literal.get(ATTR_SOURCE) or literal.source or env.doc2path(docname)
    line = literal.line or 0
    if not marked:
        kind, first_line = "unmarked", line + 1  # a plain code block: only its line matters
    elif literal[ATTR_SCENARIO]:
        kind, first_line = "runnable", literal[ATTR_FIRST_LINE]
    elif literal[ATTR_CLUSTER]:
        kind, first_line = "cluster", literal[ATTR_FIRST_LINE]
    else:  # a lesson-command without either option: reported by the checks
        kind, first_line = "unmarked", literal[ATTR_FIRST_LINE]
    text = literal.astext()
    # Parsed once, as the page is read: the checks and the manifest both use the result.
    parsed = parse_block(text, language, first_line) if marked else None
    return {
        "kind": kind,
        "source": str(source),
        "line": line,
        "first_line": first_line,
        "language": language,
        "text": text,
        "scenario": literal.get(ATTR_SCENARIO, ""),
        "cluster": literal.get(ATTR_CLUSTER, ""),
        "output": literal.get(ATTR_OUTPUT, "compare"),
        "hidden": bool(literal.get(ATTR_HIDDEN, False)),
        "marked": marked,
        "commands": [command.to_json() for command in parsed.commands] if parsed else [],
        "stray": [list(pair) for pair in parsed.stray] if parsed else [],
    }


class CommandCollector(EnvironmentCollector):
    """Keeps every shell block of every page in ``env.lesson_commands`` (docname -> blocks).

    It also notes the pages this build cleared, that is read again or removed: only their
    blocks are checked (Sphinx warns about a page only when it reads it), and the manifest
    is written again only if there are any.
    """

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        _data(env).pop(docname, None)
        _changed_pages(env).add(docname)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
    ) -> None:
        mine, theirs = _data(env), _data(other)
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        env = app.env
        docname = env.docname
        blocks = [
            record
            for literal in doctree.findall(nodes.literal_block)
            if (record := block_record(literal, docname, env)) is not None
        ]
        if blocks:
            _data(env)[docname] = blocks
        if any(block["kind"] == "cluster" for block in blocks):
            # A page with cluster-only blocks is checked against the known-modules file:
            # re-read it when that file changes.
            path = known_modules_path(app)
            if path is not None:
                env.note_dependency(str(path))


def _data(env: BuildEnvironment) -> dict[str, list[dict]]:
    return env_data(env, "lesson_commands", dict)


#: Environment attribute for one build (emptied as it starts): the pages it read again or
#: removed.
_CHANGED_PAGES = "lesson_commands_changed_pages"


def _changed_pages(env: BuildEnvironment) -> set[str]:
    return env_data(env, _CHANGED_PAGES, set)


def start_build(app: Sphinx) -> None:
    """``builder-inited``: no page is read again or removed yet in this build."""
    setattr(app.env, _CHANGED_PAGES, set())


def remove_hidden_blocks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Drop ``:hidden:`` blocks from every output; they are collected and run, never shown.

    Done last on ``doctree-resolved`` (not in a post-transform), so that copies other
    features insert then, such as an exercise shown on a summary page, lose them too.
    """
    for literal in list(doctree.findall(nodes.literal_block)):
        if literal.get(ATTR_HIDDEN):
            parent = literal.parent
            # A captioned block sits in a container with its caption: remove both.
            if isinstance(parent, nodes.container) and parent.get("literal_block"):
                parent.parent.remove(parent)
            else:
                parent.remove(literal)


# -- Known modules ---------------------------------------------------------------------------


def known_modules_path(app: Sphinx) -> Path | None:
    value = app.config.lesson_known_modules
    if not value:
        return None
    return (Path(app.confdir) / value).resolve()


def load_known_modules(path: Path) -> tuple[dict[str, dict[str, dict]], list[tuple[int, str]]]:
    """Read the known-modules file: ``{centre: {module: entry}}`` and ``(line, problem)`` pairs.

    The file has a ``[sources]`` table (key -> description) and one table per centre,
    ``[centres.<name>.modules]``, mapping each module to ``{ source = KEY, where = "..." }``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return {}, [(0, f"cannot read the known-modules file: {error}")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"at line (\d+)", str(error))
        return {}, [
            (int(match[1]) if match else 1, f"the known-modules file is not valid TOML: {error}")
        ]
    lines = text.splitlines()
    problems: list[tuple[int, str]] = []
    sources = data.get("sources", {})
    centres: dict[str, dict[str, dict]] = {}
    for centre, table in data.get("centres", {}).items():
        modules = table.get("modules", {}) if isinstance(table, dict) else {}
        centres[centre] = {}
        for module, entry in modules.items():
            line = next((n for n, row in enumerate(lines, 1) if f'"{module}"' in row), 0)
            if not isinstance(entry, dict) or not entry.get("source"):
                problems.append((line, f"module {module!r} of centre {centre!r} has no 'source'"))
                continue
            if entry["source"] not in sources:
                problems.append((
                    line,
                    f"module {module!r} of centre {centre!r} cites source {entry['source']!r}, "
                    "which is not in [sources]",
                ))  # fmt: skip
            centres[centre][module] = entry
    if not centres:
        problems.append((1, "the known-modules file lists no centres ([centres.<name>.modules])"))
    return centres, problems


# -- Checks after reading --------------------------------------------------------------------


def is_lesson_page(env: BuildEnvironment, docname: str) -> bool:
    """A lesson page is in a lesson folder (``lesson_check_folders``, as for the lesson
    checks) or carries lesson timing metadata (``teaching``/``exercises``)."""
    if in_lesson_folder(env.config, docname):
        return True
    metadata = env.metadata.get(docname, {})
    return any(key in metadata for key in LESSON_METADATA)


def check_blocks(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about marking mistakes, unknown centres and modules, unmarked shell blocks."""
    centres: dict[str, dict[str, dict]] | None = None
    path = known_modules_path(app)
    data = _data(env)
    if any(block["kind"] == "cluster" for blocks in data.values() for block in blocks):
        if path is None:
            warn(
                LessonWarning.CONFIG,
                "cluster-only blocks need a list of known modules: set lesson_known_modules "
                "in conf.py to the path of a TOML file (see the runnable-commands docs)",
            )
        else:
            centres, problems = load_known_modules(path)
            for line, problem in problems:
                warn(LessonWarning.CONFIG, problem, location=f"{path}:{line}" if line else None)
    check_unmarked = app.config.lesson_commands_check_unmarked is not False
    # Only the pages read in this build: the others were checked when they were read, and a
    # change to the known-modules file has the pages that depend on it read again.
    for docname in sorted(_changed_pages(env) & data.keys()):
        unmarked_matters = check_unmarked and is_lesson_page(env, docname)
        for block in data[docname]:
            _check_block(block, unmarked_matters, centres)


def _location(block: dict, line: int | None = None) -> str:
    return f"{block['source']}:{line if line is not None else block['line']}"


def _check_block(block: dict, unmarked_matters: bool, centres: dict | None) -> None:
    if not block["marked"]:
        if unmarked_matters:
            warn(
                LessonWarning.COMMAND_UNMARKED,
                f"this {block['language']} block is neither runnable nor cluster-only: make it "
                "a 'lesson-command' with ':scenario: NAME' (the tests run it) or "
                "':cluster: CENTRE' (the tests check its modules)",
                location=_location(block),
            )
        return
    if block["scenario"] and block["cluster"]:
        warn(
            LessonWarning.COMMAND_MARKUP,
            "a lesson-command block has both :scenario: and :cluster:; give one: :scenario: "
            "for a block the tests run here, :cluster: for one that only works on a cluster",
            location=_location(block),
        )
        return
    if not block["scenario"] and not block["cluster"]:
        warn(
            LessonWarning.COMMAND_MARKUP,
            "a lesson-command block needs :scenario: <name> (run by the tests) or "
            ":cluster: <centre> (only works on that centre's clusters; checked, not run)",
            location=_location(block),
        )
        return
    parsed = ParsedBlock(
        [Command.from_json(command) for command in block["commands"]],
        [(line, text) for line, text in block["stray"]],
    )
    if block["language"] in CONSOLE_LANGUAGES:
        for line, text in parsed.stray:
            warn(
                LessonWarning.COMMAND_MARKUP,
                f"output before the first command in a console block: {text!r}; start each "
                "command with the prompt '$ '",
                location=_location(block, line),
            )
        if not parsed.commands:
            warn(
                LessonWarning.COMMAND_MARKUP,
                "this console block has no command: start each command with the prompt '$ '",
                location=_location(block),
            )
    if block["scenario"]:
        for command in parsed.commands:
            used = cluster_commands_used(command.text)
            if used:
                warn(
                    LessonWarning.COMMAND_MARKUP,
                    f"{', '.join(f'`{name}`' for name in used)} only works on a cluster, "
                    "but this block is runnable "
                    f"(:scenario: {block['scenario']}); mark it ':cluster: <centre>' instead",
                    location=_location(block, command.line),
                )
        return
    if centres is None:
        return  # no known-modules file: reported once above
    centre = block["cluster"]
    if centre not in centres:
        warn(
            LessonWarning.COMMAND_CLUSTER,
            f"unknown centre {centre!r} in :cluster:; the known-modules file lists: "
            f"{', '.join(sorted(centres)) or 'none'}",
            location=_location(block),
        )
        return
    for command in parsed.commands:
        for module in modules_used(command.text):
            if module not in centres[centre]:
                warn(
                    LessonWarning.COMMAND_MODULE,
                    f"module {module!r} is not in the known modules of {centre}: check the "
                    f"name and version (`ml spider`) and add it, with its source, to the "
                    f"known-modules file",
                    location=_location(block, _line_of(module, command)),
                )


def _line_of(module: str, command: Any) -> int:
    """The line of a (possibly multi-line) command or script where ``module`` appears."""
    for offset, text in enumerate(command.text.splitlines()):
        if module in text:
            return command.line + offset
    return command.line


# -- Manifest --------------------------------------------------------------------------------


def manifest(app: Sphinx) -> dict:
    """Every page's blocks with their commands parsed, grouped into scenarios, as plain data."""
    env = app.env
    data = _data(env)
    pages = []
    for docname in sorted(data):
        blocks = data[docname]
        scenarios: dict[str, list[dict]] = {}
        cluster_blocks = []
        for block in blocks:
            commands = block["commands"]
            entry = {
                "line": block["line"],
                "source": block["source"],
                "language": block["language"],
                "output": block["output"],
                "hidden": block["hidden"],
                "commands": commands,
            }
            if block["kind"] == "runnable" and not block["cluster"]:
                scenarios.setdefault(block["scenario"], []).append(entry)
            elif block["kind"] == "cluster" and not block["scenario"]:
                entry["cluster"] = block["cluster"]
                entry["modules"] = sorted(
                    {module for command in commands for module in modules_used(command["text"])}
                )
                cluster_blocks.append(entry)
        pages.append(
            {
                "docname": docname,
                "source": str(env.doc2path(docname)),
                "lesson": is_lesson_page(env, docname),
                "scenarios": [{"name": name, "blocks": items} for name, items in scenarios.items()],
                "cluster_blocks": cluster_blocks,
                "unmarked": [
                    {
                        "source": block["source"],
                        "line": block["line"],
                        "language": block["language"],
                    }
                    for block in blocks
                    if block["kind"] == "unmarked"
                ],
            }
        )
    return {"version": MANIFEST_VERSION, "srcdir": str(app.srcdir), "pages": pages}


def write_manifest(app: Sphinx, exception: Exception | None) -> None:
    """Write the manifest next to the doctrees, for the tests (and any other tool).

    Only when a page was read or removed in this build, or the file is missing: otherwise
    the manifest of the last build is still exact.
    """
    if exception is not None:
        return
    path = Path(app.doctreedir) / MANIFEST_NAME
    if path.is_file() and not _changed_pages(app.env):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # Compact (no indent): json's fast C encoder then writes it, in a few milliseconds.
    text = json.dumps(manifest(app), sort_keys=True, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def read_config(app: Sphinx, config: Any) -> None:
    value = config.lesson_commands_check_unmarked
    if not isinstance(value, bool):
        warn(
            LessonWarning.CONFIG,
            f"lesson_commands_check_unmarked must be True or False, not {value!r}; using True",
        )
        value = True
        config.lesson_commands_check_unmarked = value


def setup_runnable(app: Sphinx) -> None:
    """Register ``lesson-command``, its collector, checks and manifest."""
    app.add_config_value(
        "lesson_known_modules",
        None,
        "env",
        types=(str, type(None)),
        description="Path (from the folder of ``conf.py``) of the TOML file of known modules "
        "per centre, with their sources, that cluster-only ``lesson-command`` blocks may use.",
    )
    app.add_config_value(
        "lesson_commands_check_unmarked",
        True,
        "env",
        types=(bool,),
        description="Warn about shell code blocks in lesson pages that are neither runnable "
        "(``:scenario:``) nor cluster-only (``:cluster:``).",
    )
    app.add_directive("lesson-command", LessonCommandDirective)
    app.add_env_collector(CommandCollector)
    app.connect("doctree-resolved", remove_hidden_blocks, priority=900)
    app.connect("config-inited", read_config)
    app.connect("builder-inited", start_build)
    app.connect("env-check-consistency", check_blocks)
    app.connect("build-finished", write_manifest)
