"""Placeholders in the commands learners copy into a new shell or a job script.

A job script and a block typed into a new shell start from nothing: every `<word>` and every
`$VARIABLE` in them must be either set in the block itself or defined on the page, in its
section "Placeholders in the commands" (a definition list whose terms are the placeholders,
label `<page>-placeholders`). And one placeholder never stands for both the Slurm account
(`#SBATCH -A`, `--account`) and part of a path: at UPPMAX and HPC2N the two differ.

Which blocks: every `lesson-command` whose text has `#SBATCH` (a job script), and every block
meant for a new shell: marked `:class: new-shell`, or right after a paragraph that says "new
shell" or "new login". Read from the doctrees of the site build, so both page syntaxes count.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils import nodes

from helpers import read_doctree

PAGES = ("lessons/isolated-environments", "uppmax/isolated-uppmax", "hpc2n/isolated-hpc2n")

#: `<account>`, `<storage-folder>`: a placeholder word in angle brackets.
ANGLE = re.compile(r"<[a-z][a-z0-9-]*>")
#: `$USER`, `${ENVS}`: a shell variable used.
VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
#: `export ENVS=...`, `ENVS=...` at the start of a command: a variable set in the block.
ASSIGNMENT = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=", re.MULTILINE)
#: The account of a job or an allocation: `#SBATCH -A X`, `--account=X`, `-A X`.
ACCOUNT = re.compile(r"(?:-A\s+|--account[=\s]+)(\S+)")
NEW_SHELL_TEXT = re.compile(r"\bnew (?:login )?shell\b|\bnew login\b", re.IGNORECASE)
#: Variables the shell itself sets, which a page need not explain.
SHELL_SET = {"PATH"}


@pytest.fixture(scope="module")
def doctrees(site):
    return {page: read_doctree(site.doctreedir, page) for page in PAGES}


def defined_placeholders(doctree: nodes.document) -> set[str]:
    """The terms of the definition list in the page's section "...-placeholders"."""
    sections = [
        section
        for section in doctree.findall(nodes.section)
        if any(id_.endswith("-placeholders") for id_ in section["ids"])
    ]
    assert len(sections) == 1, "the page needs one section labelled <page>-placeholders"
    terms = {term.astext().strip() for term in sections[0].findall(nodes.term)}
    assert terms, "the placeholders section has no definition list of placeholders"
    return terms


def follows_new_shell_text(block: nodes.literal_block) -> bool:
    """True when the paragraph just before the block speaks of a new shell."""
    parent = block.parent
    index = parent.index(block)
    for sibling in reversed(parent.children[:index]):
        if isinstance(sibling, nodes.paragraph):
            return bool(NEW_SHELL_TEXT.search(sibling.astext()))
        if not isinstance(sibling, (nodes.target, nodes.comment)):
            return False
    return False


def checked_blocks(doctree: nodes.document) -> list[tuple[str, nodes.literal_block]]:
    """(kind, block) for every job script and every new-shell block of the page."""
    found = []
    for block in doctree.findall(nodes.literal_block):
        if "lesson-command" not in block["classes"]:
            continue
        text = block.astext()
        if "#SBATCH" in text:
            found.append(("job script", block))
        elif "new-shell" in block["classes"] or follows_new_shell_text(block):
            found.append(("new-shell block", block))
    return found


def command_text(block: nodes.literal_block) -> str:
    """What the learner types: a script whole, a console session's commands without `$ `."""
    text = block.astext()
    if block.get("language") != "console":
        return text
    return "\n".join(line[2:] for line in text.splitlines() if line.startswith("$ "))


def used_placeholders(text: str) -> set[str]:
    """`<word>`s and `$VARIABLE`s the text uses but does not set itself."""
    assigned = set(ASSIGNMENT.findall(text))
    variables = {name for name in VARIABLE.findall(text) if name not in assigned | SHELL_SET}
    return set(ANGLE.findall(text)) | {f"${name}" for name in variables}


def account_and_path_placeholders(text: str) -> tuple[set[str], set[str]]:
    """Placeholders used as the account, and placeholders used inside a path."""
    accounts = {p for value in ACCOUNT.findall(text) for p in ANGLE.findall(value)}
    in_paths = set()
    for word in text.split():
        if "/" in word:
            in_paths |= set(ANGLE.findall(word)) | {f"${name}" for name in VARIABLE.findall(word)}
    return accounts, in_paths


def where(block: nodes.literal_block) -> str:
    return f"{Path(block.source or '?').name}:{block.line}"


@pytest.mark.parametrize("page", PAGES)
def test_page_defines_the_placeholders_of_its_commands(doctrees, page):
    defined = defined_placeholders(doctrees[page])
    assert {"<account>", "<storage-folder>", "$USER"} <= defined, defined


@pytest.mark.parametrize("page", PAGES)
def test_job_scripts_and_new_shells_use_only_defined_placeholders(doctrees, page):
    doctree = doctrees[page]
    defined = defined_placeholders(doctree)
    blocks = checked_blocks(doctree)
    assert any(kind == "job script" for kind, _ in blocks), f"{page}: no job script found"
    problems = []
    for kind, block in blocks:
        undefined = used_placeholders(command_text(block)) - defined
        if undefined:
            problems.append(f"{where(block)}: {kind} uses {sorted(undefined)}, not set there "
                            "and not defined in the page's placeholders")  # fmt: skip
    assert problems == []


@pytest.mark.parametrize("page", PAGES)
def test_no_placeholder_is_both_account_and_path(doctrees, page):
    problems = []
    for kind, block in checked_blocks(doctrees[page]):
        accounts, in_paths = account_and_path_placeholders(command_text(block))
        if not accounts and "#SBATCH" in block.astext():
            problems.append(f"{where(block)}: {kind} gives no placeholder after -A")
        if accounts & in_paths:
            problems.append(f"{where(block)}: {kind} uses {sorted(accounts & in_paths)} "
                            "both as the account and in a path")  # fmt: skip
    assert problems == []


def test_the_checks_catch_the_first_edition_mistakes():
    """The two mistakes of the first edition fail these checks (they are not on any page now)."""
    script = "#SBATCH -A <project>\nsource /proj/<project>/$USER/envs/demo/bin/activate\n"
    accounts, in_paths = account_and_path_placeholders(script)
    assert accounts & in_paths == {"<project>"}
    new_shell = "source $ENVS/seaborn-demo/bin/activate"
    assert used_placeholders(new_shell) == {"$ENVS"}
    assert used_placeholders("export ENVS=/proj/<storage-folder>/$USER/envs\n" + new_shell) == {
        "<storage-folder>",
        "$USER",
    }
