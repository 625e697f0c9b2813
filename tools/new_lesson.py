"""Start a new lesson page from the template: ``make new-lesson NAME=my-topic [FORMAT=md|rst]``.

NAME is the page's file name without suffix: lowercase letters, digits and hyphens, optionally
after one folder (``uppmax/gpu-environments``); without a folder the page goes to ``lessons/``.
The page is written from ``docs/contributing/lesson-template.<format>`` with its title and labels
made from NAME, and added to the toctree that already lists pages of its folder (or the one
captioned "Lessons"). An existing page is never overwritten.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
DEFAULT_FOLDER = "lessons"
SUFFIXES = {"rst": ".rst", "md": ".md"}
_PART = r"[a-z0-9]+(?:-[a-z0-9]+)*"
NAME_PATTERN = re.compile(rf"^(?:(?P<folder>{_PART})/)?(?P<stem>{_PART})$")

# A reST title: a line of text over a line of =, -, ~, ... at least as long.
_RST_TITLE = re.compile(r"^(?P<text>\S.*)\n(?P<rule>([=\-~^\"'`#*+])\3+)$", re.MULTILINE)
_MD_TITLE = re.compile(r"^# (?P<text>.+)$", re.MULTILINE)
_RST_LABEL = re.compile(r"^\.\. _(?P<label>[^:\s]+):$", re.MULTILINE)
_MD_LABEL = re.compile(r"^\((?P<label>[^)\s]+)\)=$", re.MULTILINE)
_TOCTREE = re.compile(r"^(?P<indent>[ ]*)\.\. toctree::[ ]*$")


class LessonError(Exception):
    """A problem the user can fix; printed without a traceback."""


@dataclass
class NewLesson:
    """Where a new page goes and what it is called."""

    folder: str
    stem: str
    suffix: str

    @property
    def docname(self) -> str:
        return f"{self.folder}/{self.stem}"

    @property
    def label(self) -> str:
        """The page's label, and the prefix of its other labels; unique across folders."""
        if self.folder == DEFAULT_FOLDER:
            return self.stem
        return f"{self.folder}-{self.stem}"

    @property
    def title(self) -> str:
        return self.stem.replace("-", " ").capitalize()


def parse_name(name: str, fmt: str) -> NewLesson:
    """Check NAME and FORMAT; raise :class:`LessonError` with what to do instead."""
    if fmt not in SUFFIXES:
        raise LessonError(f"FORMAT must be 'rst' or 'md', not {fmt!r}")
    if not name:
        raise LessonError("give the page a name: make new-lesson NAME=my-topic [FORMAT=md|rst]")
    match = NAME_PATTERN.match(name)
    if match is None:
        raise LessonError(
            f"NAME {name!r} is not a valid page name: use lowercase letters, digits and "
            "single hyphens (my-topic), optionally after one folder (uppmax/my-topic); "
            "no spaces, dots, slashes at the ends or suffix"
        )
    return NewLesson(match["folder"] or DEFAULT_FOLDER, match["stem"], SUFFIXES[fmt])


def render(template: str, lesson: NewLesson) -> str:
    """The template with NAME's title and labels."""
    is_md = lesson.suffix == ".md"
    label_pattern = _MD_LABEL if is_md else _RST_LABEL
    first_label = label_pattern.search(template)
    text = template
    if first_label:
        # Every label of the template starts with its first one: give them the page's prefix.
        old = re.escape(first_label["label"])
        new = lesson.label
        text = re.sub(rf"(?<![A-Za-z0-9-]){old}(?![A-Za-z0-9])", new, text, flags=re.MULTILINE)
    if is_md:
        text = _MD_TITLE.sub(lambda m: f"# {lesson.title}", text, count=1)
    else:
        text = _RST_TITLE.sub(
            lambda m: f"{lesson.title}\n{m['rule'][0] * len(lesson.title)}", text, count=1
        )
    return text


def add_to_toctree(index: Path, lesson: NewLesson) -> None:
    """Append the page to the toctree of its folder in ``index`` (a reST file)."""
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    blocks = list(_toctree_blocks(lines))
    prefix = lesson.folder + "/"
    chosen = None
    for block in blocks:
        if any(entry.startswith(prefix) for entry in block.entries):
            chosen = block  # the last toctree that lists the folder's pages
    if chosen is None:
        chosen = next((b for b in blocks if b.caption.lower() == "lessons"), None)
    if chosen is None:
        raise LessonError(
            f"{index} has no toctree listing pages of {prefix} (nor one captioned 'Lessons'): "
            f"add '{lesson.docname}' to a toctree yourself"
        )
    line = f"{chosen.entry_indent}{lesson.docname}\n"
    at = chosen.insert_at
    if at > 0 and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    if not chosen.entries and at > 0 and lines[at - 1].strip():
        # An empty toctree: its entries follow a blank line after the options.
        line = "\n" + line
    lines.insert(at, line)
    index.write_text("".join(lines), encoding="utf-8")


@dataclass
class _Toctree:
    caption: str
    entries: list[str]
    entry_indent: str
    insert_at: int


def _toctree_blocks(lines: list[str]):
    for number, line in enumerate(lines):
        start = _TOCTREE.match(line.rstrip("\n"))
        if not start:
            continue
        base = len(start["indent"])
        caption, entries = "", []
        entry_indent = " " * (base + 3)
        insert_at = number + 1
        for offset in range(number + 1, len(lines)):
            text = lines[offset].rstrip("\n")
            if not text.strip():
                continue
            indent = len(text) - len(text.lstrip())
            if indent <= base:
                break
            stripped = text.strip()
            if stripped.startswith(":caption:"):
                caption = stripped[len(":caption:") :].strip()
            elif not stripped.startswith(":") and not stripped.startswith(".."):
                entries.append(stripped)
                entry_indent = text[:indent]
            insert_at = offset + 1
        yield _Toctree(caption, entries, entry_indent, insert_at)


def create_lesson(name: str, fmt: str, docs: Path = DOCS) -> Path:
    """Write the page and add it to the toctree; return the new file."""
    lesson = parse_name(name, fmt)
    folder = docs / lesson.folder
    for suffix in SUFFIXES.values():
        existing = folder / f"{lesson.stem}{suffix}"
        if existing.exists():
            raise LessonError(
                f"{existing} already exists: nothing was changed. Choose another NAME, or "
                "edit that page"
            )
    template = docs / "contributing" / f"lesson-template{lesson.suffix}"
    if not template.is_file():
        raise LessonError(f"the template {template} is missing")
    index = docs / "index.rst"
    if not index.is_file():
        raise LessonError(f"{index} is missing: the new page cannot be added to a toctree")
    page = folder / f"{lesson.stem}{lesson.suffix}"
    text = render(template.read_text(encoding="utf-8"), lesson)
    # The toctree first: if it cannot be found, no page is left behind.
    add_to_toctree(index, lesson)
    folder.mkdir(parents=True, exist_ok=True)
    with page.open("x", encoding="utf-8") as handle:  # "x": never overwrite
        handle.write(text)
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="", help="page name: my-topic, uppmax/my-topic")
    parser.add_argument("--format", default="rst", help="rst (default) or md")
    parser.add_argument("--docs", type=Path, default=DOCS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        page = create_lesson(args.name, args.format, args.docs)
    except LessonError as error:
        print(f"new-lesson: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {page} and added it to {args.docs / 'index.rst'}. Next: edit it, make html.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
