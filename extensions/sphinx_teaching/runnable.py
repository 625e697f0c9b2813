"""Runnable and cluster-only shell blocks: ``.. lesson-command::``.

A ``lesson-command`` block renders exactly like ``.. code-block:: console`` (the same
highlighting, so sphinx-copybutton still copies only the commands) and says what the tests do
with it:

- ``:scenario: NAME`` -- runnable: the blocks of one scenario on a page run in page order in
  one bash session in a sandbox, and the output the page shows is compared;
- ``:cluster: CENTRE`` -- cluster-only: every module it loads must be listed for that centre in
  the known-modules file (``lesson_known_modules``); the runner runs it on a model of the centre
  (``:class: new-shell`` starts a new shell; ``:fails:`` says its last command must fail).

The blocks are collected from the doctrees (both syntaxes, any nesting) into
:class:`.domain.LessonDomain`, checked as their page is read, and written to
``<doctreedir>/lesson-commands.json`` at the end of every build, where the command runner
(``sphinx-teaching-commands``) reads them. Plain shell code blocks in lesson pages
(:func:`.domain.is_lesson_page`) are reported, so no command slips through unmarked.
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
from sphinx.transforms.post_transforms import SphinxPostTransform

from .domain import is_lesson_page, lesson_domain
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
#: Shape of the manifest; raise when it changes.
MANIFEST_VERSION = 2
#: Output comparison modes of ``:output:``.
OUTPUT_MODES = ("compare", "ignore")

#: The attribute of a literal_block made by ``lesson-command``: its options and where its
#: content starts, as a dict of plain values (copies and pickles keep them).
COMMAND = "lesson_command"


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
        "fails": directives.flag,
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
        literal[COMMAND] = {
            "scenario": self.options.get("scenario", "").strip(),
            "cluster": self.options.get("cluster", "").strip(),
            "output": self.options.get("output", "compare"),
            "hidden": "hidden" in self.options,
            "fails": "fails" in self.options,
            "source": source,
            "first_line": offset,
        }
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


def collect_commands(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: check the page's shell blocks and keep its entry of the manifest.

    The entry is plain data: the page's runnable blocks grouped by scenario, its cluster-only
    blocks with the modules they load, and the lines of its unmarked shell blocks.
    """
    env = app.env
    docname = env.current_document.docname
    literals = [
        literal
        for literal in doctree.findall(nodes.literal_block)
        if COMMAND in literal or literal.get("language", "") in SHELL_LANGUAGES
    ]
    if not literals:
        return
    unmarked_matters = app.config.lesson_commands_check_unmarked and is_lesson_page(env, docname)
    centres = known_centres(app, docname, literals)
    scenarios: dict[str, list[dict]] = {}
    cluster_blocks, unmarked = [], []
    for literal in literals:
        marked = literal.get(COMMAND, {})
        block = {
            "source": str(marked.get("source") or literal.source or env.doc2path(docname)),
            "line": literal.line or 0,
            "language": literal.get("language", ""),
        }
        if not marked:  # a plain code block: only where it is matters
            unmarked.append(block)
            if unmarked_matters:
                _warn_unmarked(block)
            continue
        scenario, cluster = marked["scenario"], marked["cluster"]
        parsed = parse_block(literal.astext(), block["language"], marked["first_line"])
        if not _check_block(block, scenario, cluster, parsed, centres):
            continue
        block["output"] = marked["output"]
        block["hidden"] = marked["hidden"]
        block["commands"] = [command.to_json() for command in parsed.commands]
        if scenario:
            scenarios.setdefault(scenario, []).append(block)
        else:
            block["cluster"] = cluster
            block["new_shell"] = "new-shell" in literal["classes"]
            block["fails"] = marked["fails"]
            used = {module for command in parsed.commands for module in modules_used(command.text)}
            block["modules"] = sorted(used)
            cluster_blocks.append(block)
    lesson_domain(env).entries("commands")[docname] = {
        "docname": docname,
        "source": str(env.doc2path(docname)),
        "lesson": is_lesson_page(env, docname),
        "scenarios": [{"name": name, "blocks": blocks} for name, blocks in scenarios.items()],
        "cluster_blocks": cluster_blocks,
        "unmarked": unmarked,
    }


class RemoveHiddenBlocks(SphinxPostTransform):
    """Drop ``:hidden:`` blocks from every output; they are collected and run, never shown.

    After the generated parts are filled, so that copies of boxes holding one lose it too.
    """

    default_priority = 100

    def run(self, **kwargs: Any) -> None:
        for literal in list(self.document.findall(nodes.literal_block)):
            if literal.get(COMMAND, {}).get("hidden"):
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


# -- Checks ------------------------------------------------------------------------------------


def check_known_modules_file(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: report the problems of the known-modules file, once."""
    path = known_modules_path(app)
    pages = lesson_domain(env).entries("commands").values()
    if path is None or not any(page["cluster_blocks"] for page in pages):
        return
    for line, problem in load_known_modules(path)[1]:
        warn(LessonWarning.CONFIG, problem, location=f"{path}:{line}" if line else None)


def known_centres(app: Sphinx, docname: str, literals: list[nodes.literal_block]) -> dict | None:
    """The known modules per centre, if the page has cluster-only blocks and a file is set."""
    if not any(literal.get(COMMAND, {}).get("cluster") for literal in literals):
        return None
    path = known_modules_path(app)
    if path is None:
        warn(
            LessonWarning.CONFIG,
            "cluster-only blocks need a list of known modules: set lesson_known_modules "
            "in conf.py to the path of a TOML file (see the runnable-commands docs)",
            location=docname,
        )
        return None
    # The page is read again when the known-modules file changes.
    app.env.note_dependency(str(path))
    return load_known_modules(path)[0]


def _location(block: dict, line: int | None = None) -> str:
    return f"{block['source']}:{line if line is not None else block['line']}"


def _warn_unmarked(block: dict) -> None:
    warn(
        LessonWarning.COMMAND_UNMARKED,
        f"this {block['language']} block is neither runnable nor cluster-only: make it "
        "a 'lesson-command' with ':scenario: NAME' (the tests run it) or "
        "':cluster: CENTRE' (the tests check its modules)",
        location=_location(block),
    )


def _check_block(
    block: dict, scenario: str, cluster: str, parsed: ParsedBlock, centres: dict | None
) -> bool:
    """Warn about the mistakes of a ``lesson-command`` block; ``False`` if it is unusable."""
    if bool(scenario) == bool(cluster):
        advice = (
            "give one: :scenario: for a block the tests run here, :cluster: for one that only "
            "works on a cluster"
            if scenario
            else "needs :scenario: <name> (run by the tests) or :cluster: <centre> (only "
            "works on that centre's clusters; checked, not run)"
        )
        problem = "has both :scenario: and :cluster:; " if scenario else ""
        warn(
            LessonWarning.COMMAND_MARKUP,
            f"a lesson-command block {problem}{advice}",
            location=_location(block),
        )
        return False
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
    if scenario:
        for command in parsed.commands:
            if used := cluster_commands_used(command.text):
                warn(
                    LessonWarning.COMMAND_MARKUP,
                    f"{', '.join(f'`{name}`' for name in used)} only works on a cluster, "
                    f"but this block is runnable (:scenario: {scenario}); mark it "
                    "':cluster: <centre>' instead",
                    location=_location(block, command.line),
                )
    elif centres is not None and cluster not in centres:
        warn(
            LessonWarning.COMMAND_CLUSTER,
            f"unknown centre {cluster!r} in :cluster:; the known-modules file lists: "
            f"{', '.join(sorted(centres)) or 'none'}",
            location=_location(block),
        )
    elif centres is not None:
        for command in parsed.commands:
            for module in modules_used(command.text):
                if module not in centres[cluster]:
                    warn(
                        LessonWarning.COMMAND_MODULE,
                        f"module {module!r} is not in the known modules of {cluster}: check "
                        "the name and version (`ml spider`) and add it, with its source, to "
                        "the known-modules file",
                        location=_location(block, _line_of(module, command)),
                    )
    return True


def _line_of(module: str, command: Command) -> int:
    """The line of a (possibly multi-line) command or script where ``module`` appears."""
    for offset, text in enumerate(command.text.splitlines()):
        if module in text:
            return command.line + offset
    return command.line


# -- Manifest --------------------------------------------------------------------------------


def manifest(app: Sphinx) -> dict:
    """Every page's blocks, runnable ones grouped into scenarios, as plain data."""
    pages = lesson_domain(app.env).entries("commands")
    return {
        "version": MANIFEST_VERSION,
        "srcdir": str(app.srcdir),
        "pages": [pages[docname] for docname in sorted(pages)],
    }


def write_manifest(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the manifest next to the doctrees, for the command runner."""
    if exception is not None:
        return
    path = Path(app.doctreedir) / MANIFEST_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest(app), sort_keys=True, separators=(",", ":")) + "\n"
    # Written only when it changed, so tools watching it see a change only when there is one.
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def setup_runnable(app: Sphinx) -> None:
    """Register ``lesson-command``, the collection and checks of blocks, and the manifest."""
    app.add_directive("lesson-command", LessonCommandDirective)
    app.connect("doctree-read", collect_commands, priority=610)
    app.add_post_transform(RemoveHiddenBlocks)
    app.connect("env-check-consistency", check_known_modules_file)
    app.connect("build-finished", write_manifest)
