"""sphinx-lesson's three rewrites of Markdown pages, for lessons converted from Carpentries style.

On by default, as in sphinx-lesson, and each turned off by its sphinx-lesson setting; they
apply to MyST pages only, as the source is read:

- ``sphinx_lesson_transform_code_fences``: a code fence followed by a line ``{: output}``
  becomes that box (an ``output`` box, or any other box kind named there);
- ``sphinx_lesson_transform_block_quotes``: a block quote (``> ## Title`` and ``>`` lines)
  followed by ``{: .challenge}`` becomes that box with that title; quotes nested in it (a
  solution) too;
- ``sphinx_lesson_transform_html_img``: ``<img src="...">`` becomes a figure (``with-border``
  when its style has a border).

Unlike sphinx-lesson, fenced code and directive options are never rewritten, and what looks
like one of these but is not (a ``{: ...}`` line that follows neither, names no box kind, or an
``<img>`` without a double-quoted ``src``) is left as written, with a
``lesson.markdown-transform`` warning at its line. A rewrite keeps the lines of the page in
place, but for a box without a title and a figure, which each take one line more.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .kinds import KINDS_BY_DIRECTIVE
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
ATTRIBUTE = re.compile(r"^\{:\s*(.*?)\s*\}\s*$")
QUOTE_HEADING = re.compile(r"^>\s?#+\s*(.*?)\s*$")
IMG = re.compile(r"<img\b[^<>]*>")
#: A directive's option line in MyST (``:class: ...``): its value is not Markdown.
OPTION = re.compile(r"^:[\w-]+:")
IMG_SRC = re.compile(r'\bsrc="(?:\{\{[^{}"<>]+\}\})?([^<>"]+)"')


def rewrite_markdown(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: apply the rewrites that are on to a Markdown page."""
    suffix = app.env.doc2path(docname).suffix
    # MyST-Parser's Markdown, or MyST-NB's (sphinx-lesson's parser), but not a notebook's JSON.
    if app.config.source_suffix.get(suffix) not in ("markdown", "myst-nb") or suffix == ".ipynb":
        return
    config = app.config
    lines = source[0].splitlines(keepends=True)
    lines = rewrite(lines, docname, 1, config.sphinx_lesson_transform_code_fences,
                    config.sphinx_lesson_transform_block_quotes)  # fmt: skip
    if config.sphinx_lesson_transform_html_img:
        lines = rewrite_images(lines, docname)
    source[0] = "".join(lines)


def problem(docname: str, line: int, message: str) -> None:
    warn(LessonWarning.MARKDOWN_TRANSFORM, message, location=(docname, line))


def box_kind(attribute: str, docname: str, line: int) -> str | None:
    """The box kind a ``{: ...}`` line names (``output``, ``.challenge``), or warn."""
    name = attribute.lstrip(". ")
    if name in KINDS_BY_DIRECTIVE:
        return name
    problem(docname, line, f"'{{: {attribute}}}' names no box kind, so the block above it is "
            f"left as it is. Use one of: {', '.join(sorted(KINDS_BY_DIRECTIVE))}.")  # fmt: skip
    return None


def rewrite(lines: list[str], docname: str, first: int, fences: bool, quotes: bool) -> list[str]:
    """The code fences and block quotes of ``lines`` (the first is line ``first``) rewritten."""
    out: list[str] = []
    opening: tuple[int, str] | None = None  # the open fence: its place in out, its marker
    number = 0
    while number < len(lines):
        line, lineno = lines[number], first + number
        fence = FENCE.match(line)
        if opening is not None:  # inside fenced code: only its end matters
            out.append(line)
            if fence and fence[2].startswith(opening[1]) and not fence[3].strip():
                place, opening = opening[0], None
                after = ATTRIBUTE.match(lines[number + 1]) if number + 1 < len(lines) else None
                info = FENCE.match(out[place])
                assert info is not None, "the opening line is a fence"
                if after and fences and not info[3].startswith("{"):
                    kind = box_kind(after[1], docname, lineno + 1)
                    if kind:
                        out[place] = f"{info[1]}{info[2]}{{{kind}}}\n"
                    out.append("\n" if kind else lines[number + 1])
                    number += 1
            number += 1
            continue
        if fence:
            opening = (len(out), fence[2])
            out.append(line)
        elif line.startswith(">") and quotes:
            end = number
            while end < len(lines) and lines[end].startswith(">"):
                end += 1
            after = ATTRIBUTE.match(lines[end]) if end < len(lines) else None
            kind = box_kind(after[1], docname, first + end) if after else None
            if kind is None:
                out.extend(lines[number : end + (1 if after else 0)])
            else:
                out.extend(quote_as_box(lines[number:end], kind, docname, lineno, fences))
            number = end + (1 if after else 0)
            continue
        elif ATTRIBUTE.match(line) and fences and quotes:
            problem(docname, lineno, f"{line.strip()!r} follows neither a code fence nor a "
                    "block quote, so it is left as text; put it right after one.")  # fmt: skip
            out.append(line)
        else:
            out.append(line)
        number += 1
    return out


def quote_as_box(quote: list[str], kind: str, docname: str, lineno: int, fences: bool) -> list[str]:
    """A block quote as a box of ``kind``: its ``#`` heading the title, quotes inside it too."""
    heading = QUOTE_HEADING.match(quote[0])
    title = f" {heading[1]}" if heading else ""
    body = [re.sub(r"^> ?", "", line) for line in quote[1 if heading else 0 :]]
    body = rewrite(body, docname, lineno + (1 if heading else 0), fences, True)
    longest = max((len(f[2]) for f in map(FENCE.match, body) if f and f[2][0] == "`"), default=2)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{{{kind}}}{title}\n", *body, f"{fence}\n"]


def rewrite_images(lines: list[str], docname: str) -> list[str]:
    """Each ``<img src="...">`` outside code as a figure on lines of its own."""
    out: list[str] = []
    marker = None
    for lineno, line in enumerate(lines, start=1):
        fence = FENCE.match(line)
        if fence and (marker is None or fence[2].startswith(marker)):
            marker = fence[2] if marker is None else None
        if marker is not None or fence or OPTION.match(line):
            out.append(line)
            continue

        def figure(tag: re.Match[str], line: str = line, lineno: int = lineno) -> str:
            if line[: tag.start()].count("`") % 2:
                return tag[0]  # in inline code
            if not (src := IMG_SRC.search(tag[0])):
                problem(docname, lineno, f"{tag[0]!r} has no src=\"...\" (in double quotes), so "
                        "it is left as HTML rather than made a figure.")  # fmt: skip
                return tag[0]
            border = ":class: with-border\n" if re.search(r'style="[^"]*border:', tag[0]) else ""
            return f"\n```{{figure}} {src[1]}\n{border}```\n"

        out.append(IMG.sub(figure, line))
    return out


def setup_markdown(app: Sphinx) -> None:
    """Rewrite Markdown pages as they are read."""
    app.connect("source-read", rewrite_markdown)
