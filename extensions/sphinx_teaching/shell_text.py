"""Reading the text of a shell block: commands, the output shown after them, module names.

Pure functions with no Sphinx in them, used as a page is read: the commands go into the
manifest, and cluster-only blocks are checked for their modules. Running the commands and
comparing their output is the separate runner's work (``lesson_commands``, which reads only
the manifest).

A console block is written the way a learner sees their terminal::

    $ python -m venv envs/demo          <- a command: the line starts with the prompt "$ "
    $ python -c "print(1 + 1)"
    2                                   <- output: a line without a prompt
    $ pip install \\                     <- a command continued on the next line
        tabulate==0.9.0

A line ending in a backslash continues on the next line, and a line starting with the
secondary prompt ``> `` right after a command continues it too (open quotes, here-documents).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

#: The prompt before each command; sphinx-copybutton is configured to copy only what follows it.
PROMPT = "$ "
#: The secondary prompt bash shows while a command is unfinished.
CONTINUATION_PROMPT = "> "


@dataclass
class Command:
    """One command of a console block and the output the page shows after it."""

    #: Line of the command in its source file (1-based).
    line: int
    #: The command as bash reads it; continuation lines are joined with newlines.
    text: str
    #: The output lines the page shows after the command (empty: nothing shown).
    expected: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"line": self.line, "text": self.text, "expected": self.expected}


@dataclass
class ParsedBlock:
    """The commands of a block, and any text before its first command (a markup error)."""

    commands: list[Command]
    #: (line, text) of non-blank lines before the first prompt in a console block.
    stray: list[tuple[int, str]] = field(default_factory=list)


def is_prompt_line(line: str) -> bool:
    """True for a command line of a console block (``$ command`` or a bare ``$``)."""
    return line.startswith(PROMPT) or line.rstrip() == PROMPT.strip()


def parse_console(text: str, first_line: int) -> ParsedBlock:
    """Split a console block into commands with their shown output.

    ``first_line`` is the source line of the block's first line, so each command knows its
    own line.
    """
    block = ParsedBlock([])
    current: Command | None = None
    continues = False
    for offset, raw in enumerate(text.splitlines()):
        line_number = first_line + offset
        if current is not None and continues:
            current.text += "\n" + raw
        elif is_prompt_line(raw):
            current = Command(line_number, raw[len(PROMPT) :])
            block.commands.append(current)
        elif current is not None and not current.expected and raw.startswith(CONTINUATION_PROMPT):
            current.text += "\n" + raw[len(CONTINUATION_PROMPT) :]
        elif current is None:
            if raw.strip():
                block.stray.append((line_number, raw))
            continue
        else:
            current.expected.append(raw.rstrip())
            continue
        continues = current.text.endswith("\\")
    for command in block.commands:
        while command.expected and not command.expected[-1].strip():
            command.expected.pop()
    return block


def parse_script(text: str, first_line: int) -> ParsedBlock:
    """A script block (``bash``, ``sh``): the whole text is one command, no output shown."""
    return ParsedBlock([Command(first_line, text)] if text.strip() else [])


def parse_block(text: str, language: str, first_line: int) -> ParsedBlock:
    """Parse a block by its highlight language: a console session or a script."""
    if language in CONSOLE_LANGUAGES:
        return parse_console(text, first_line)
    return parse_script(text, first_line)


#: Highlight languages of an interactive session (prompts and output).
CONSOLE_LANGUAGES = frozenset({"console", "shell-session", "sh-session", "shellsession"})
#: Highlight languages of shell scripts (every line is a command).
SCRIPT_LANGUAGES = frozenset({"bash", "sh", "shell", "zsh", "ksh"})
#: Every language that makes a code block a shell block.
SHELL_LANGUAGES = CONSOLE_LANGUAGES | SCRIPT_LANGUAGES


# -- Modules ---------------------------------------------------------------------------------

#: ``module``/``ml`` subcommands whose arguments are modules to load or unload.
_LOADING = frozenset(
    {"load", "add", "try-load", "try-add", "unload", "del", "rm", "swap", "switch"}
)
#: Subcommands that look a module up; checked only when a version is named (``Name/1.2``),
#: since a bare name there is a search term (``ml spider python``).
_QUERYING = frozenset({"spider", "help", "show", "display", "whatis", "avail", "av", "keyword"})
#: Subcommands without module arguments.
_OTHER = frozenset(
    {"list", "purge", "reset", "restore", "save", "savelist", "refresh", "use", "unuse"}
)
_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", ";;"})
#: A redirection operator written as its own word (`>`, `2>`, `>>`, `2>&1`, `&>`).
_REDIRECTION = re.compile(r"\d*(?:>>?|<<?|&>>?)(?:&[\d-])?")
#: A redirection with its file in the same word (`>out.txt`, `2>/dev/null`).
_ATTACHED_REDIRECTION = re.compile(r"\d*(?:>>?|<|&>>?)\S")
#: Commands that only exist on a cluster.
CLUSTER_COMMANDS = frozenset(
    {"module", "ml", "sbatch", "srun", "salloc", "squeue", "scancel", "interactive"}
)


def _simple_commands(text: str) -> list[list[str]]:
    """The words of each simple command in ``text`` (a rough shell parse, enough for modules).

    Words are split as the shell splits them (quotes respected); ``;``, ``&&``, ``||`` and
    ``|`` written as separate words, or ``;`` at the end of a word, end a command. Angle
    brackets stay inside words, so ``Python/<version>`` is one (placeholder) word.
    """
    text = text.replace("\\\n", " ")
    result: list[list[str]] = []
    for line in text.splitlines():
        try:
            lexer = shlex.shlex(line, posix=True)
            lexer.whitespace_split = True
            words = list(lexer)
        except ValueError:
            words = line.split()
        current: list[str] = []
        skip_next = False
        for word in words:
            ends = word.endswith(";") and word != ";"
            word = word[:-1] if ends else word
            if skip_next:  # the file of a redirection such as `> /dev/null`
                skip_next = False
            elif _REDIRECTION.fullmatch(word):
                skip_next = not word.endswith(tuple("0123456789-"))
            elif _ATTACHED_REDIRECTION.match(word):
                pass
            elif word in _SEPARATORS:
                if current:
                    result.append(current)
                current = []
                continue
            else:
                current.append(word)
            if ends and current:
                result.append(current)
                current = []
        if current:
            result.append(current)
    return result


def _is_placeholder(word: str) -> bool:
    # `module load Python/<version>` or `ml $MODULES`: the learner fills it in; not checkable.
    return "<" in word or "$" in word or "*" in word


def modules_used(text: str) -> list[str]:
    """The module names (with versions where given) that ``module``/``ml`` commands use.

    ``ml A B`` and ``module load A B`` load A and B; ``ml -A`` unloads A; ``ml spider A/1.2``
    looks up a version. Search terms (``ml spider python``) and placeholders are not returned.
    """
    names: list[str] = []
    for words in _simple_commands(text):
        while words and "=" in words[0] and not words[0].startswith("="):
            words = words[1:]  # VAR=value before the command
        if not words or words[0] not in ("module", "ml"):
            continue
        arguments = [word for word in words[1:] if not word.startswith("--")]
        if not arguments:
            continue
        subcommand = arguments[0]
        if subcommand in _LOADING:
            candidates = arguments[1:]
        elif subcommand in _QUERYING:
            candidates = [word for word in arguments[1:] if "/" in word]
        elif subcommand in _OTHER or words[0] == "module":
            candidates = []
        else:  # `ml A B -C`: load A and B, unload C
            candidates = [word[1:] if word.startswith("-") else word for word in arguments]
        names += [
            name
            for name in candidates
            if name and not name.startswith("-") and not _is_placeholder(name)
        ]
    return names


def cluster_commands_used(text: str) -> list[str]:
    """Commands in ``text`` that exist only on a cluster (``module``, ``ml``, ``sbatch``...)."""
    used = []
    for words in _simple_commands(text):
        while words and "=" in words[0]:
            words = words[1:]
        if words and words[0] in CLUSTER_COMMANDS and words[0] not in used:
            used.append(words[0])
    return used
