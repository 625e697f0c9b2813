"""Bad input in lesson pages: a clear message at the file and line, never a traceback.

Each case is one page of tests/roots/test-bad-input/, built with only the good page beside it,
in its own `sphinx-build` process with the Makefile's options (`-W --keep-going -n`). For each
case the test checks: the warning names the file and line and says what to do; the good page
(and the rest of the broken page) is still written; `-W` makes the build fail, with that
message on the console; and no traceback is printed. The messages asserted here are the ones
listed in docs/extension/bad-input.rst.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import run_sphinx

ROOT = "bad-input"
#: Pages every case build keeps: the index (a glob toctree) and a page without mistakes.
ALWAYS_KEPT = {"conf.py", "index.rst", "good.rst"}


@dataclass(frozen=True)
class Expected:
    """One message the build must give: where, which tag, and text it must contain."""

    page: str
    line: int
    tag: str
    text: str


#: Every handled bad input, by case page: the messages it must give (and no other).
CASES: dict[str, list[Expected]] = {
    "unknown-option.rst": [
        Expected(
            "unknown-option.rst",
            4,
            "lesson.unknown-option",
            "the 'exercise' box has an unknown option :nmae:, ignored. This box takes only "
            ":class:, :collapsible: and :name:. Check the spelling, or remove the line.",
        ),
    ],
    "unknown-option-myst.md": [
        Expected(
            "unknown-option-myst.md",
            3,
            "lesson.unknown-option",
            "the 'exercise' box has an unknown option :nmae:, ignored. This box takes only "
            ":class:, :collapsible: and :name:. Check the spelling, or remove the line.",
        ),
    ],
    "duplicate-name.rst": [
        Expected(
            "duplicate-name.rst",
            9,
            "lesson.duplicate-name",
            "the 'exercise' box has ':name: make-venv', which is already used on line 4 of "
            "this page. Give each box its own name; this box is shown without one, and "
            "links to 'make-venv' go to the first.",
        ),
    ],
    "duplicate-name-myst.md": [
        Expected(
            "duplicate-name-myst.md",
            9,
            "lesson.duplicate-name",
            "the 'exercise' box has ':name: make-venv-md', which is already used on line 3",
        ),
    ],
    # MyST's own message names the directive and the line of the broken block; docs explain it.
    "broken-yaml-myst.md": [
        Expected(
            "broken-yaml-myst.md",
            6,
            "myst.directive_option",
            "'exercise': Invalid options format: found unexpected end of stream",
        ),
    ],
    # Docutils and MyST report the exact line inside the box; the box keeps the rest.
    "bad-content.rst": [
        Expected(
            "bad-content.rst",
            6,
            "docutils",
            "Inline emphasis start-string without end-string.",
        ),
        Expected("bad-content.rst", 8, "docutils", 'Unknown directive type "solutoin".'),
    ],
    "bad-content-myst.md": [
        Expected(
            "bad-content-myst.md",
            6,
            "myst.directive_unknown",
            "Unknown directive type: 'solutoin'",
        ),
    ],
    # The original course's objectives box, exactly as it was written (trailing spaces too).
    "swallowed-title.rst": [
        Expected(
            "swallowed-title.rst",
            9,
            "lesson.box-title",
            "the title of this 'objectives' box spans 2 lines: the blank line after "
            "'.. objectives::' is probably missing, so the content became the title. Add a "
            "blank line between the directive line and its content.",
        ),
    ],
    "swallowed-title-myst.md": [
        Expected(
            "swallowed-title-myst.md",
            3,
            "lesson.box-title",
            "the title of this 'objectives' box starts with a list marker: the text after "
            "'{objectives}' is the title, so this list item became the title. Start the "
            "content on the line below the directive line.",
        ),
        Expected(
            "swallowed-title-myst.md",
            7,
            "lesson.box-title",
            "the title of this 'keypoints' box starts with a list marker",
        ),
    ],
}


@dataclass(frozen=True)
class Message:
    """One message of a build's warning output."""

    page: str
    line: int
    level: str
    text: str
    tag: str


_MESSAGE = re.compile(
    r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<level>WARNING|ERROR): (?P<text>.*?)"
    r"(?: \[(?P<tag>[\w.-]+)\])?$",
    re.DOTALL,
)


def parse_messages(warnings: str, srcdir: Path) -> list[Message]:
    """Split sphinx-build's warning output into messages (docutils' span several lines)."""
    starts = re.compile(rf"^(?={re.escape(str(srcdir))}|WARNING:|ERROR:)", re.MULTILINE)
    messages = []
    for chunk in filter(None, (part.strip() for part in starts.split(warnings))):
        match = _MESSAGE.match(chunk)
        assert match, f"a message without a file and line: {chunk!r}"
        page = Path(match["path"]).relative_to(srcdir).as_posix()
        messages.append(
            Message(page, int(match["line"]), match["level"], match["text"], match["tag"] or "")
        )
    return messages


def build_case(rootdir: Path, tmp_path: Path, *cases: str, options: tuple[str, ...] = ()):
    """Build the good page and the case pages only, as `make html` would."""
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / f"test-{ROOT}", srcdir)
    for path in srcdir.iterdir():
        if path.name not in ALWAYS_KEPT | set(cases):
            path.unlink()
    return srcdir, run_sphinx(srcdir, tmp_path / "html", *options)


def assert_fails_cleanly_with(result, srcdir: Path, expected: list[Expected]) -> None:
    messages = parse_messages(result.warnings, srcdir)
    assert [(m.page, m.line, m.tag) for m in messages] == [
        (e.page, e.line, e.tag) for e in expected
    ], result.warnings
    for message, wanted in zip(messages, expected, strict=True):
        assert wanted.text in message.text
        # With -W the build fails, and the console shows the message, not a traceback.
        assert wanted.text in result.stderr
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "Exception occurred" not in result.stderr
    # The rest of the site is still built.
    good = result.html("good")
    assert "This page has no mistake" in good.get_text()
    assert good.find(class_="exercise") is not None


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gets_a_clear_message(rootdir, tmp_path, case):
    srcdir, result = build_case(rootdir, tmp_path, case)
    assert_fails_cleanly_with(result, srcdir, CASES[case])
    # The page with the mistake is written too, its boxes kept.
    page = result.html(Path(case).stem)
    assert page.find(class_="lesson-box") is not None


def test_box_with_unknown_option_is_kept_with_its_content(rootdir, tmp_path):
    _, result = build_case(rootdir, tmp_path, "unknown-option.rst")
    box = result.html("unknown-option").find(id="exercise-0")
    assert box.find(class_="admonition-title").get_text(strip=True) == "Make a venv"
    assert "Create one." in box.get_text()


def test_duplicate_name_keeps_links_on_the_first_box(rootdir, tmp_path):
    _, result = build_case(rootdir, tmp_path, "duplicate-name.rst")
    page = result.html("duplicate-name")
    first, second = page.find_all(class_="exercise")
    assert first["id"] == "make-venv"
    assert second["id"] == "exercise-1"
    assert page.find("a", href="#make-venv").get_text() == "First"


def test_broken_content_keeps_the_rest_of_the_box(rootdir, tmp_path):
    for page_name in ["bad-content", "bad-content-myst"]:
        case = page_name + (".md" if page_name.endswith("myst") else ".rst")
        _, result = build_case(rootdir, tmp_path / page_name, case)
        box = result.html(page_name).find(id="exercise-0")
        assert "The box keeps this paragraph." in box.get_text()


CROSS_PAGE_NAME = Expected(
    "same-name-b-myst.md", 3, "lesson.duplicate-name",
    "the 'exercise' box has ':name: make-env', which a box on page 'same-name-a' (line 4) "
    "already has, so links to 'make-env' can reach only one of them. Give each box its own "
    "name.",
)  # fmt: skip


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_same_name_on_two_pages_is_reported_however_the_build_runs(rootdir, tmp_path, jobs):
    """Sphinx itself warns only in a serial read; our check runs after reading, always."""
    srcdir, result = build_case(
        rootdir, tmp_path, "same-name-a.rst", "same-name-b-myst.md", options=("-j", jobs)
    )
    ours = [m for m in parse_messages(result.warnings, srcdir) if m.tag.startswith("lesson")]
    assert [(m.page, m.line, m.tag, m.text) for m in ours] == [
        (CROSS_PAGE_NAME.page, CROSS_PAGE_NAME.line, CROSS_PAGE_NAME.tag, CROSS_PAGE_NAME.text)
    ]
    assert CROSS_PAGE_NAME.text in result.stderr
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_original_objectives_box_keeps_its_text(rootdir, tmp_path):
    _, result = build_case(rootdir, tmp_path, "swallowed-title.rst")
    box = result.html("swallowed-title").find(class_="objectives")
    assert "Site-specific procedures are given" in box.get_text()


def test_every_case_is_documented_for_contributors():
    """docs/extension/bad-input.rst shows each handled case with the exact message it gets."""
    page = (Path(__file__).parent.parent / "docs" / "extension" / "bad-input.rst").read_text()
    flat = " ".join(page.split())
    for expected in [e for case in CASES.values() for e in case] + [CROSS_PAGE_NAME]:
        documented = f"{expected.page}:{expected.line}: "
        assert documented in flat, documented
        assert " ".join(expected.text.split()) in flat, expected.text
        assert f"[{expected.tag}]" in flat


def no_argument_directives(builddir: Path) -> dict[str, type]:
    """Our directives that take no argument (summaries, schedule, ...), by name."""
    from docutils.parsers.rst import directives as rst_directives
    from sphinx.testing.util import SphinxTestApp

    root = Path(__file__).parent / "roots" / f"test-{ROOT}"
    app = SphinxTestApp("html", srcdir=root, builddir=builddir)
    try:
        registered = dict(rst_directives._directives)
    finally:
        app.cleanup()
    return {
        name: cls
        for name, cls in registered.items()
        if isinstance(cls, type)
        and cls.__module__.startswith("sphinx_teaching")
        and (
            getattr(cls, "takes_no_argument", False)
            or not (cls.required_arguments or cls.optional_arguments)
        )
    }


def test_argument_to_a_directive_that_takes_none(tmp_path):
    """Each of our directives that takes no argument reports one at its line, in both syntaxes.

    The foundation has none (every box takes an optional title); this test covers the ones
    features add (summaries, schedule, ...) as soon as they are merged.
    """
    found = no_argument_directives(tmp_path / "registry")
    if not found:
        pytest.skip("no sphinx_teaching directive takes no argument")
    rootdir = Path(__file__).parent / "roots"
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / f"test-{ROOT}", srcdir)
    for path in srcdir.iterdir():
        if path.name not in ALWAYS_KEPT:
            path.unlink()
    for name in found:
        (srcdir / f"noarg-{name}.rst").write_text(
            f"Argument to {name}\n{'=' * 40}\n\n.. {name}:: unexpected argument\n"
        )
        (srcdir / f"noarg-{name}-myst.md").write_text(
            f"# Argument to {name}\n\n```{{{name}}} unexpected argument\n```\n"
        )
    result = run_sphinx(srcdir, tmp_path / "html")
    messages = parse_messages(result.warnings, srcdir)
    for name in found:
        for page, line in [(f"noarg-{name}.rst", 4), (f"noarg-{name}-myst.md", 3)]:
            here = [m for m in messages if m.page == page and m.line == line]
            assert here, f"no message at {page}:{line} for an argument to {name!r}"
            if getattr(found[name], "takes_no_argument", False):
                # Our explanation rather than docutils' "no content permitted".
                assert here[0].tag.startswith("lesson.")
                assert f"the {name!r} directive takes no argument" in here[0].text
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "This page has no mistake" in result.html("good").get_text()
