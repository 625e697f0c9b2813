"""The course content, checked through a real build of the real site.

The `site` fixture (conftest.py) builds docs/ once per session exactly as `make html` does.
These tests read what that build produced: the pickled doctrees and environment (to find
teaching boxes by node class and references by their role) and the HTML (what readers get).
"""

from __future__ import annotations

import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx import addnodes

from helpers import REPO_ROOT, read_doctree
from sphinx_teaching import nodes as box_nodes
from sphinx_teaching.nodes import site_variant

GENERAL = "lessons/isolated-environments"
UPPMAX = "uppmax/isolated-uppmax"
HPC2N = "hpc2n/isolated-hpc2n"
LESSON_PAGES = (GENERAL, UPPMAX, HPC2N)
ALL_PAGES = ("index", *LESSON_PAGES, "glossary", "contributing")
SIBLING = {UPPMAX: HPC2N, HPC2N: UPPMAX}
TEMPLATES = ("lesson-template.rst", "lesson-template.md")


# -- Reading the build ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def env(site):
    """The build environment of the site build (metadata, labels, toctrees)."""
    with (site.doctreedir / "environment.pickle").open("rb") as file:
        return pickle.load(file)


@pytest.fixture(scope="module")
def doctrees(site):
    """Each page's doctree as read (before references are resolved)."""
    return {docname: read_doctree(site.doctreedir, docname) for docname in ALL_PAGES}


def boxes(doctree: nodes.document, kind: str | None = None) -> list[box_nodes.TeachingBox]:
    """Teaching boxes in document order, found by node class; optionally of one kind."""
    found = list(doctree.findall(box_nodes.TeachingBox))
    return [box for box in found if kind is None or box["kind"] == kind]


def ref_labels(doctree: nodes.document) -> set[str]:
    """Labels this page links to with `:ref:` / `{ref}`."""
    return {
        xref["reftarget"]
        for xref in doctree.findall(addnodes.pending_xref)
        if xref.get("refdomain") == "std" and xref.get("reftype") == "ref"
    }


def label_page(env, label: str) -> str | None:
    """The page a label belongs to."""
    std = env.domaindata["std"]
    entry = std["labels"].get(label) or std["anonlabels"].get(label)
    return entry[0] if entry else None


def linked_pages(env, doctree: nodes.document) -> dict[str, set[str]]:
    """Pages linked by `:ref:`, each with the labels used to link it."""
    pages: dict[str, set[str]] = {}
    for label in ref_labels(doctree):
        page = label_page(env, label)
        assert page is not None, f"label {label!r} is not defined anywhere"
        pages.setdefault(page, set()).add(label)
    return pages


def term_targets(doctree: nodes.document) -> set[str]:
    """Glossary terms this page links to with `:term:` / `{term}` (lower case)."""
    return {
        xref["reftarget"].lower()
        for xref in doctree.findall(addnodes.pending_xref)
        if xref.get("reftype") == "term"
    }


def html_href(page: str, target: str) -> str:
    """The relative href from one built page to another."""
    depth = page.count("/")
    return "../" * depth + f"{target}.html"


# -- Pages and navigation ------------------------------------------------------------------------


def test_every_course_page_is_built(site, env):
    for docname in ALL_PAGES:
        assert docname in env.found_docs
        assert (site.outdir / f"{docname}.html").is_file(), docname


def test_templates_are_shown_but_not_built_as_pages(site, env):
    assert not any(doc.startswith("contributing/") for doc in env.found_docs)
    page = site.html("contributing")
    included = {
        language: " ".join(block.get_text() for block in page.select(f"div.highlight-{language}"))
        for language in ("rst", "md")
    }
    assert ".. exercise:: A first exercise" in included["rst"]
    assert "::::{exercise} A first exercise" in included["md"]


def test_no_page_is_orphaned(env):
    reachable, todo = set(), ["index"]
    while todo:
        docname = todo.pop()
        if docname not in reachable:
            reachable.add(docname)
            todo.extend(env.toctree_includes.get(docname, []))
    # Pages marked orphan are outside every toctree on purpose: the extension reference pages
    # (until docs/extension/index.rst lists them) and, in the learner build, the instructor
    # guide (it is in the instructor build's navigation only).
    orphans = {docname for docname in env.found_docs if "orphan" in env.metadata[docname]}
    assert env.config.lesson_instructor_guide in orphans
    assert env.found_docs - orphans <= reachable


def test_sidebar_groups_pages_in_teaching_order(doctrees):
    toctrees = list(doctrees["index"].findall(addnodes.toctree))
    groups = [
        (tree.get("caption"), [entry for _title, entry in tree["entries"]]) for tree in toctrees
    ]
    assert groups[:3] == [
        ("Lessons", [GENERAL]),
        ("UPPMAX sessions", [UPPMAX]),
        ("HPC2N sessions", [HPC2N]),
    ]
    listed = {entry for _caption, entries in groups[3:] for entry in entries}
    assert {"glossary", "contributing"} <= listed


@pytest.mark.parametrize(
    ("page", "next_page"),
    [("index", GENERAL), (GENERAL, UPPMAX), (UPPMAX, HPC2N)],
)
def test_next_link_follows_teaching_order(site, page, next_page):
    link = site.html(page).find("link", rel="next")
    assert link is not None
    assert link["href"] == html_href(page, next_page)


def test_landing_page_has_its_sections(doctrees):
    labels = set()
    for section in doctrees["index"].findall(nodes.section):
        labels.update(section["names"])
    assert {
        "course-goals",
        "course-audience",
        "course-prerequisites",
        "course-structure",
        "choose-your-centre",
        "schedule",
    } <= labels


# -- The parts of every lesson page --------------------------------------------------------------


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_has_timing(env, page):
    metadata = env.metadata[page]
    for field in ("teaching", "exercises"):
        assert str(metadata.get(field, "")).isdigit(), f"{page}: {field} minutes missing"
        assert int(metadata[field]) > 0


#: The rows of the instructor guide's timing table, and the pages they estimate.
TIMING_ROWS = {
    "General lesson": "lessons/isolated-environments",
    "UPPMAX session": "uppmax/isolated-uppmax",
    "HPC2N session": "hpc2n/isolated-hpc2n",
}


def timing_table_rows() -> dict[str, list[str]]:
    """The instructor guide's table of estimates: row title -> [teaching, exercises] cells."""
    text = (REPO_ROOT / "docs" / "instructor-guide.rst").read_text(encoding="utf-8")
    after = text.split("Applied to the three lessons:", 1)[1]
    table = re.match(r"\s*(\.\. list-table::.*?)\n(?=\S)", after, re.DOTALL)[1]
    rows: dict[str, list[str]] = {}
    for row in re.split(r"\n   \* - ", table)[1:]:
        title, *cells = re.split(r"\n     - ", row)
        rows[title.strip()] = [" ".join(cell.split()) for cell in cells]
    return rows


def rounded_sum(cell: str) -> int:
    """What the timing rule makes of a cell: its terms ``(n × m)``, ``(n)`` or
    ``(n + k × m)`` added up, rounded up to the next 5 minutes."""
    total = 0
    for term in re.findall(r"\(([\d ×+]+)\)", cell):
        total += sum(int(a) * int(b or 1) for a, b in re.findall(r"(\d+)(?: × (\d+))?", term))
    return -(-total // 5) * 5


@pytest.mark.parametrize(("row", "page"), TIMING_ROWS.items())
def test_timing_table_follows_its_rule_and_the_page(env, row, page):
    """Each estimate in the instructor guide adds up by the stated rule and is the page's own
    timing, so the guide, the page and the generated schedule cannot drift apart."""
    cells = timing_table_rows()[row]
    for field, cell in zip(("teaching", "exercises"), cells, strict=True):
        stated = int(re.search(r"(\d+) minutes$", cell)[1])
        assert rounded_sum(cell) == stated, f"{row}, {field}: the terms do not add up"
        assert int(env.metadata[page][field]) == stated, f"{page}: {field} is not {stated}"


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_opens_with_questions_objectives_prerequisites(doctrees, page):
    doctree = doctrees[page]
    opening = [box["kind"] for box in boxes(doctree)[:3]]
    assert opening == ["questions", "objectives", "prerequisites"]
    # ... and before the first section of the page, not somewhere inside it.
    title_section = doctree.next_node(nodes.section)
    for box in boxes(doctree)[:3]:
        assert box.parent is title_section


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_closes_with_keypoints(doctrees, page):
    keypoints = boxes(doctrees[page], "keypoints")
    assert len(keypoints) == 1
    # Nothing follows the keypoints box: it and each of its ancestors are last in their parent.
    node = keypoints[0]
    while node.parent is not None:
        assert node.parent.children[-1] is node, f"{page}: content after the keypoints"
        node = node.parent


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_has_exercises_with_solutions(doctrees, page):
    doctree = doctrees[page]
    exercises = boxes(doctree, "exercise")
    assert len(exercises) >= 2
    for exercise in exercises:
        assert exercise["names"], f"{page}: an exercise without a :name:"
        assert list(exercise.findall(box_nodes.solution_node)), f"{page}: {exercise['names']}"
    # Every solution belongs to an exercise.
    for solution in boxes(doctree, "solution"):
        parent = solution.parent
        while parent is not None and not isinstance(parent, box_nodes.exercise_node):
            parent = parent.parent
        assert parent is not None, f"{page}: a solution outside an exercise"


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_has_type_along(doctrees, page):
    assert boxes(doctrees[page], "type-along")


def test_instructor_build_is_clean(instructor_site):
    assert instructor_site.warnings == []


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_has_instructor_note(instructor_site, page):
    doctree = read_doctree(instructor_site.doctreedir, page)
    assert boxes(doctree, "instructor-note")


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_has_see_also_list(doctrees, page):
    sections = [
        section
        for section in doctrees[page].findall(nodes.section)
        if section.next_node(nodes.title).astext() == "See also"
    ]
    assert len(sections) == 1
    items = list(sections[0].findall(nodes.list_item))
    assert len(items) >= 3


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_boxes_render_in_html(site, page):
    html = site.html(page)
    for css_class in ("questions", "objectives", "prerequisites", "keypoints", "exercise"):
        assert html.select(f".admonition.{css_class}"), f"{page}: no {css_class} box"
    # Solutions are collapsed, inside their exercise.
    assert html.select(".exercise details.solution, .exercise .solution")


# -- Cross-links ---------------------------------------------------------------------------------


def test_general_lesson_links_to_both_sessions(env, doctrees):
    pages = linked_pages(env, doctrees[GENERAL])
    for session in (UPPMAX, HPC2N):
        # The session itself and several of its sections, where the procedure differs.
        assert session in pages, f"{GENERAL} does not link to {session}"
        assert len(pages[session]) >= 4, pages[session]


@pytest.mark.parametrize("session", [UPPMAX, HPC2N])
def test_session_links_back_and_to_sibling(env, doctrees, session):
    pages = linked_pages(env, doctrees[session])
    assert GENERAL in pages, f"{session} does not link back to the general lesson"
    # Back to the concepts it uses, not just the page.
    assert len(pages[GENERAL]) >= 4, pages[GENERAL]
    assert SIBLING[session] in pages, f"{session} does not link to {SIBLING[session]}"


@pytest.mark.parametrize(
    ("page", "targets"),
    [(GENERAL, (UPPMAX, HPC2N)), (UPPMAX, (GENERAL, HPC2N)), (HPC2N, (GENERAL, UPPMAX))],
)
def test_cross_links_resolve_in_html(site, page, targets):
    # Links in the page's own text, not in the sidebar or the previous/next buttons.
    body = site.html(page).select_one('[itemprop="articleBody"]')
    hrefs = [a["href"] for a in body.select("a.reference.internal")]
    for target in targets:
        href = html_href(page, target)
        assert any(h == href or h.startswith(href + "#") for h in hrefs), (page, target)


def test_general_lesson_links_each_site_tab_to_its_session(env, doctrees):
    # Where the procedure differs per centre (a site tab), the tab links to the details in
    # that centre's session.
    sessions = {"uppmax": UPPMAX, "hpc2n": HPC2N}
    variants = list(doctrees[GENERAL].findall(site_variant))
    assert {variant["site"] for variant in variants} == {"uppmax", "hpc2n", "local"}
    for variant in variants:
        linked = {label_page(env, label) for label in ref_labels(variant)}
        if variant["site"] in sessions:
            assert sessions[variant["site"]] in linked, variant["site"]
        other_sessions = set(sessions.values()) - {sessions.get(variant["site"])}
        assert not linked & other_sessions, f"the {variant['site']} tab links elsewhere"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_pages_link_each_other_by_label_never_by_url(site, page):
    for link in site.html(page).select("a.reference.external"):
        href = link["href"]
        assert re.match(r"(https?|mailto):", href), f"{page}: relative URL {href!r}"
        # The seed draft pointed at an earlier run of the course by URL.
        assert "uppmax.github.io/HPC-python/isolated" not in href


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_labels_its_sections(doctrees, page):
    # Every section has an explicit kebab-case label (`.. _label:` / `(label)=`), so other
    # pages can link to it by `:ref:` whatever its title becomes. Names docutils derives
    # from titles keep their spaces, so a hyphenated name without spaces is a label.
    for section in doctrees[page].findall(nodes.section):
        title = section.next_node(nodes.title).astext()
        assert any(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", name) for name in section["names"]), (
            f"{page}: section {title!r} has no label"
        )


# -- Glossary ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def glossary_entries(doctrees):
    """Each glossary entry as the set of its terms (an entry may have several)."""
    glossary = doctrees["glossary"].next_node(addnodes.glossary)
    assert glossary is not None
    return [
        {term.astext().lower() for term in item.findall(nodes.term)}
        for item in glossary.findall(nodes.definition_list_item)
    ]


def test_glossary_has_the_course_terms(glossary_entries):
    terms = set().union(*glossary_entries)
    assert {
        "isolated environment",
        "virtual environment",
        "module",
        "module system",
        "toolchain",
        "site-packages",
        "conda environment",
        "channel",
        "requirements file",
    } <= terms


def test_every_glossary_entry_is_linked_from_a_lesson(doctrees, glossary_entries):
    used = set().union(*(term_targets(doctrees[page]) for page in LESSON_PAGES))
    unused = [sorted(entry) for entry in glossary_entries if not entry & used]
    assert unused == []


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_links_glossary_terms(site, doctrees, page):
    assert len(term_targets(doctrees[page])) >= 5
    glossary = html_href(page, "glossary") + "#term-"
    body = site.html(page).select_one('[itemprop="articleBody"]')
    assert any(a["href"].startswith(glossary) for a in body.select("a.reference.internal"))


def doubled_phrases(text: str, shortest: int = 4, longest: int = 12, gap: int = 2) -> list[str]:
    """Phrases of ``shortest`` to ``longest`` words that come twice in a row, at most ``gap``
    words apart ("Where to keep environments at UPPMAX: Where to keep environments"): the
    mark of a reference whose title repeats the sentence around it."""
    words = re.findall(r"[\w'$<>-]+", text.lower())
    found = []
    for size in range(shortest, longest + 1):
        for start in range(len(words) - 2 * size + 1):
            phrase = words[start : start + size]
            for skip in range(gap + 1):
                if words[start + size + skip : start + 2 * size + skip] == phrase:
                    found.append(" ".join(phrase))
    return found


@pytest.mark.parametrize("page", [*LESSON_PAGES, "index", "glossary", "instructor-guide"])
def test_no_phrase_is_doubled_on_the_page(site, page):
    """No paragraph says the same phrase twice in a row (code aside, where a command may
    well repeat: ``python -m pip list`` and ``python -m pip list --local``)."""
    body = site.html(page).select_one('[itemprop="articleBody"]')
    for number, code in enumerate(body.select("pre, code")):
        code.replace_with(f" code{number} ")
    doubled = {
        phrase: " ".join(paragraph.get_text(" ").split())
        for paragraph in body.find_all("p")
        for phrase in doubled_phrases(paragraph.get_text(" "))
    }
    assert doubled == {}


# -- Shell examples and copy buttons -------------------------------------------------------------


@pytest.fixture(scope="module")
def copybutton(site):
    """The copy button's settings as the built site ships them to the browser."""
    script = (site.outdir / "_static" / "copybutton.js").read_text("utf-8")
    exclude = re.search(r"let exclude = '([^']*)';", script)
    call = re.search(
        r"formatCopyText\(text, '((?:[^'\\]|\\.)*)', (true|false), (true|false)", script
    )
    assert exclude and call, "copybutton.js no longer has the expected shape"
    return {
        "exclude": exclude.group(1),
        "prompt": call.group(1).encode().decode("unicode_escape"),
        "is_regexp": call.group(2) == "true",
        "only_prompt_lines": call.group(3) == "true",
    }


def copied_text(pre, settings) -> str:
    """What the copy button puts on the clipboard for one code block.

    Mirrors sphinx-copybutton: drop the excluded elements (prompts, output), then keep only the
    lines after a prompt, if any line has one.
    """
    pre = BeautifulSoup(str(pre), "html.parser")
    for selector in settings["exclude"].split(","):
        for element in pre.select(selector.strip()):
            element.decompose()
    text = pre.get_text()
    prompt = settings["prompt"] if settings["is_regexp"] else re.escape(settings["prompt"])
    lines = text.split("\n")
    if any(re.match(prompt, line) for line in lines):
        lines = [
            re.sub(f"^{prompt}", "", line)
            for line in lines
            if re.match(prompt, line) or not settings["only_prompt_lines"]
        ]
    return "\n".join(lines).rstrip("\n")


def console_blocks(site, page):
    return site.html(page).select("div.highlight-console pre")


def test_copybutton_is_on_every_lesson_page(site):
    for page in LESSON_PAGES:
        scripts = [tag.get("src", "") for tag in site.html(page).find_all("script")]
        assert any(src.split("?")[0].endswith("copybutton.js") for src in scripts), page


@pytest.mark.parametrize("page", [*LESSON_PAGES, "contributing"])
def test_copy_buttons_copy_only_the_commands(site, copybutton, page):
    blocks = console_blocks(site, page)
    assert blocks, f"{page}: no shell examples"
    for pre in blocks:
        shown = pre.get_text().splitlines()
        commands = [line[2:] for line in shown if line.startswith("$ ")]
        assert commands, f"{page}: a console block without a '$ ' prompt: {shown}"
        copied = [line for line in copied_text(pre, copybutton).splitlines() if line.strip()]
        assert copied == commands, f"{page}: copy button would copy {copied}"


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_scripts_have_no_prompts(site, page):
    # A prompt in a bash/python block would be copied along with the command.
    for language in ("bash", "python"):
        for pre in site.html(page).select(f"div.highlight-{language} pre"):
            assert not any(line.startswith("$ ") for line in pre.get_text().splitlines()), page


# -- Warnings ------------------------------------------------------------------------------------


def test_course_pages_build_without_warnings(site):
    ours = [w for w in site.warnings if any(f"/docs/{page}" in w for page in ALL_PAGES)]
    assert ours == []


# -- The lesson templates ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template_build(tmp_path_factory):
    """Both templates built as pages of their own, with the site's configuration."""
    base = tmp_path_factory.mktemp("templates")
    srcdir = base / "src"
    srcdir.mkdir()
    # Renamed so that the site's exclude pattern for the templates does not apply.
    shutil.copy(REPO_ROOT / "docs/contributing" / TEMPLATES[0], srcdir / "template-rst.rst")
    shutil.copy(REPO_ROOT / "docs/contributing" / TEMPLATES[1], srcdir / "template-md.md")
    (srcdir / "index.rst").write_text(
        "Templates\n=========\n\n.. toctree::\n\n   template-rst\n   template-md\n", "utf-8"
    )
    warning_file = base / "warnings.txt"
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-c", str(REPO_ROOT),
        "-d", str(base / "doctrees"), "-n", "--keep-going", "-q", "-w", str(warning_file),
        # The instructor view, so that the templates' instructor notes are kept.
        "-t", "instructor", str(srcdir), str(base / "html"),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    warnings = warning_file.read_text("utf-8").splitlines() if warning_file.exists() else []
    return base, [w for w in warnings if w.strip()], completed


def test_templates_build_without_warnings(template_build):
    _base, warnings, completed = template_build
    assert warnings == []
    assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize("docname", ["template-rst", "template-md"])
def test_templates_have_every_part_of_a_lesson(template_build, docname):
    base, _warnings, _completed = template_build
    doctree = read_doctree(base / "doctrees", docname)
    kinds = [box["kind"] for box in boxes(doctree)]
    assert kinds[:3] == ["questions", "objectives", "prerequisites"]
    assert kinds[-1] == "keypoints"
    assert kinds.count("exercise") >= 2
    assert kinds.count("solution") == kinds.count("exercise")
    assert "instructor-note" in kinds and "type-along" in kinds
    assert {"teaching", "exercises"} <= set(_metadata(base, docname))


def _metadata(base: Path, docname: str) -> dict:
    with (base / "doctrees" / "environment.pickle").open("rb") as file:
        return pickle.load(file).metadata[docname]
