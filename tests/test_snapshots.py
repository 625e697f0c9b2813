"""Doctree snapshots of every snippet of the docs, in reStructuredText and both MyST fences.

The snippets are the files the directive reference shows (``docs/extension/snippets/``):
``NAME.rst``, ``NAME.md`` (MyST colon fences, ``:::{exercise}``) and ``backticks/NAME.md``
(MyST backtick fences: three backticks, then ``{exercise}``). Together they have every kind of
box and alias, options, an exercise with its solution inside, and a box with a code block and a
cross-reference. Each syntax is one build of ``tests/roots/test-snapshots`` with one page per
snippet (three builds in all); each page's doctree is compared with a file stored in
``tests/test_snapshots/`` (pytest-regressions' ``file_regression``, as sphinx-design's tests
do), twice:

``NAME-SYNTAX-read.xml``
    the doctree as read (``env.get_doctree``): what the directives and transforms made;
``NAME-SYNTAX-resolved.xml``
    after the HTML builder's post-transforms (``env.get_and_resolve_doctree``): references
    resolved, headings and classes as the writer gets them.

The only machine-specific text, the source folder in ``source=`` attributes, is removed. The
stored files record the output of the Sphinx, docutils and MyST-Parser pinned in
requirements.txt; with other versions (``make test-matrix``) the comparisons are skipped,
since docutils prints attributes differently from one release to the next.

Besides the snapshots, the three syntaxes of each snippet must give the same doctree: that is
checked directly, so a difference between reStructuredText and MyST fails with a diff even
when the snapshots were regenerated.

After an intended change of output, regenerate the files (the run that rewrites them fails; the
next passes) and review their diff before committing it::

    make test PYTEST_ARGS='tests/test_snapshots.py --force-regen'
    git diff tests/test_snapshots/

These tests were seen to fail when behaviour changes: with the default title of ``exercise`` in
kinds.py changed from "Exercise" to "Task", the six snapshots of ``aliases`` (whose
``challenge`` has no title) failed, each with a diff of the title and of the class
``admonition-exercise``; with ``:open:`` left out of the backtick version of ``options``, its two
snapshots and the equivalence check failed on ``collapsible="open"``. Both passed again once
reverted.
"""

from __future__ import annotations

import difflib
import inspect
import os
import re
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest

from helpers import REPO_ROOT, copy_root, make_test_app, warnings_of
from sphinx_teaching.kinds import BOX_KINDS

SNIPPETS = REPO_ROOT / "docs" / "extension" / "snippets"
#: Where file_regression keeps the stored doctrees (its default: the module's name).
SNAPSHOTS = Path(__file__).with_suffix("")

#: Each syntax: the folder of its snippets and their suffix.
SYNTAXES: dict[str, tuple[Path, str]] = {
    "rst": (SNIPPETS, ".rst"),
    "colon": (SNIPPETS, ".md"),
    "backtick": (SNIPPETS / "backticks", ".md"),
}
STAGES = ("read", "resolved")

#: Snippets by name; each must exist in every syntax (checked below).
STEMS = sorted(path.stem for path in SNIPPETS.glob("*.rst"))


def snippet(syntax: str, stem: str) -> Path:
    folder, suffix = SYNTAXES[syntax]
    return folder / f"{stem}{suffix}"


# --- Every kind, alias and snippet in every syntax ---------------------------------------------


def test_every_snippet_exists_in_every_syntax():
    for syntax, (folder, suffix) in SYNTAXES.items():
        assert sorted(path.stem for path in folder.glob(f"*{suffix}")) == STEMS, syntax


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_every_kind_and_alias_has_a_snippet(syntax):
    written = {
        "rst": r"^\s*\.\. ([\w-]+)::",
        "colon": r"^:{3,}\{([\w-]+)\}",
        "backtick": r"^`{3,}\{([\w-]+)\}",
    }[syntax]
    directives = {
        stem: set(re.findall(written, snippet(syntax, stem).read_text(), re.MULTILINE))
        for stem in STEMS
    }
    for kind in BOX_KINDS:
        assert kind.name in directives[kind.name], f"{kind.name} is not in its own snippet"
        for alias in kind.aliases:
            assert alias in directives["aliases"], f"alias {alias} is not in aliases"
    # An exercise with a solution inside, and a box with a code block and a reference.
    assert {"exercise", "solution"} <= directives["options"]
    source = snippet(syntax, "code-and-reference").read_text()
    assert "{ref}`" in source or ":ref:`" in source
    assert "bash" in source


# --- Building the snippets ---------------------------------------------------------------------


def machine_independent(text: str, srcdir: Path) -> str:
    """A doctree's text without the build folder (``source="/tmp/.../exercise.rst"``)."""
    text = text.replace(f"{srcdir}{os.sep}", "")
    assert str(srcdir) not in text, "a path of the build folder is left in the doctree"
    return text


def build_syntax(syntax: str, destination: Path, rootdir: Path) -> dict:
    """Build every snippet of ``syntax`` as a page; each page's doctree text at each stage."""
    srcdir = copy_root(rootdir, "snapshots", destination)
    for stem in STEMS:
        shutil.copyfile(snippet(syntax, stem), srcdir / snippet(syntax, stem).name)
    app = make_test_app("html", srcdir, freshenv=True)
    resolve = app.env.get_and_resolve_doctree
    # Sphinx 9 wants the build's tags (and warns without them); older releases may not take them.
    tags = {"tags": app.tags} if "tags" in inspect.signature(resolve).parameters else {}
    try:
        app.build()
        doctrees = {
            stem: {
                "read": app.env.get_doctree(stem).pformat(),
                "resolved": resolve(stem, app.builder, **tags).pformat(),
            }
            for stem in STEMS
        }
    finally:
        app.cleanup()
    return {
        "warnings": warnings_of(app),
        "doctrees": {
            stem: {stage: machine_independent(text, srcdir) for stage, text in stages.items()}
            for stem, stages in doctrees.items()
        },
    }


@pytest.fixture(scope="module")
def builds(rootdir, tmp_path_factory) -> dict[str, dict]:
    """One build per syntax, shared by the tests of this module."""
    return {
        syntax: build_syntax(syntax, tmp_path_factory.mktemp(syntax), rootdir)
        for syntax in SYNTAXES
    }


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_snippets_build_without_warnings(builds, syntax):
    assert builds[syntax]["warnings"] == []


# --- Snapshots ---------------------------------------------------------------------------------


def pinned_versions_differ() -> str | None:
    """Why the stored snapshots do not apply here, or None when the pinned versions run."""
    pins = dict(
        line.split("==")
        for line in (REPO_ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    for package in ("Sphinx", "docutils", "myst-parser"):
        installed, pinned = version(package), pins[package]
        if installed != pinned:
            return f"the snapshots are of {package} {pinned} (requirements.txt), not {installed}"
    return None


OTHER_VERSIONS = pinned_versions_differ()


@pytest.mark.skipif(OTHER_VERSIONS is not None, reason=str(OTHER_VERSIONS))
@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("stem", STEMS)
def test_doctree_matches_its_snapshot(builds, file_regression, stem, syntax, stage):
    file_regression.check(
        builds[syntax]["doctrees"][stem][stage],
        basename=f"{stem}-{syntax}-{stage}",
        extension=".xml",
        encoding="utf-8",
    )


def test_every_snapshot_has_its_snippet():
    """A snippet removed or renamed leaves no stale snapshot behind."""
    expected = {
        f"{stem}-{syntax}-{stage}.xml" for stem in STEMS for syntax in SYNTAXES for stage in STAGES
    }
    stored = {path.name for path in SNAPSHOTS.glob("*.xml")}
    assert stored - expected == set()


# --- The three syntaxes give the same doctree --------------------------------------------------

#: Attributes of a code block that only reStructuredText's ``code-block`` directive sets: a
#: MyST fence (```` ```bash ````) makes the same block without them.
CODE_BLOCK_DIRECTIVE_ONLY = re.compile(r' (?:force|highlight_args)="[^"]*"')


def comparable(text: str) -> list[str]:
    """A doctree's lines without what differs by syntax alone: the file name (its suffix) and
    the code-block directive's attributes. (``pformat()`` shows no line numbers.)"""
    lines = []
    for line in text.splitlines():
        line = re.sub(r' source="[^"]*"', "", line)
        if line.lstrip().startswith("<literal_block "):
            line = CODE_BLOCK_DIRECTIVE_ONLY.sub("", line)
        lines.append(line)
    return lines


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("stem", STEMS)
def test_the_three_syntaxes_give_the_same_doctree(builds, stem, stage):
    rst = comparable(builds["rst"]["doctrees"][stem][stage])
    for syntax in ("colon", "backtick"):
        other = comparable(builds[syntax]["doctrees"][stem][stage])
        diff = "\n".join(difflib.unified_diff(rst, other, "rst", syntax, lineterm=""))
        assert rst == other, f"{stem} ({stage}) differs in {syntax}:\n{diff}"
