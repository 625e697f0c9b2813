"""sphinx-lesson compatibility: the same pages built with sphinx-lesson and with our extension.

sphinx-lesson needs Sphinx < 9 and Jupyter's stack, so it lives in its own environment,
`.venv-sphinx-lesson/` (pinned in tests/compat/requirements-sphinx-lesson.txt), made by this
test on first use and reused while the pins are unchanged. Both builds read the same sources,
a corpus written in sphinx-lesson's style (tests/roots/test-compat): every directive and alias
in reStructuredText and both MyST fences, with default and custom titles (tests/roots/test-boxes),
every node a builder processes inside each box that generated parts copy (tests/roots/test-copies),
the options both take, nested boxes, tables, code, raw HTML, toggles, Carpentries-style Markdown
and two exercise lists. Box by box, every class, id and title sphinx-lesson gives a box is on
ours too, so custom CSS and deep links carry over; each exercise list shows the same boxes and
solutions; and our build warns only where sphinx-lesson's did, or at the mistakes listed in
:data:`OUR_OWN_WARNINGS`.

Without network the environment cannot be made and the comparisons are skipped, saying why (on
CI, `CI=true`, they must run); the tests of our build alone run in any case.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import REPO_ROOT, run_sphinx
from sphinx_teaching.kinds import KINDS_BY_NAME

COMPAT_DIR = REPO_ROOT / "tests" / "compat"
REQUIREMENTS = COMPAT_DIR / "requirements-sphinx-lesson.txt"
VENV = REPO_ROOT / ".venv-sphinx-lesson"
#: Holds the hash of the requirements the environment was made from.
STAMP = VENV / ".requirements-sha256"
#: Pages copied from other roots: every directive in every syntax (test-boxes); every node a
#: builder processes, in each box that generated parts copy (test-copies).
SHARED_PAGES = {
    "test-boxes": ["every-kind.rst", "myst-backticks.md", "myst-colons.md"],
    "test-copies/lessons": ["media.rst", "pic.png", "example.py"],
}
PAGES = ["every-kind", "myst-backticks", "myst-colons", "options", "media", "nested",
         "carpentries"]  # fmt: skip
EXERCISE_LISTS = ["exercises", "exercises-custom"]
#: Our warnings where sphinx-lesson gave none: each at a real mistake of mistakes.md, which
#: sphinx-lesson passes over in silence (its "{: .language-bash}" it reports otherwise).
OUR_OWN_WARNINGS = {
    "mistakes.md:8": "'{: .language-bash}' names no box kind",
    "mistakes.md:10": "'<img src=pic.png>' has no src=",
    "mistakes.md:12": "'{: .challenge}' follows neither a code fence nor a block quote",
}


def venv_python() -> Path:
    return VENV / "bin" / "python"


def requirements_hash() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def make_sphinx_lesson_venv() -> str | None:
    """Make (or reuse) the sphinx-lesson environment; return why it failed, or None."""
    if venv_python().exists() and STAMP.is_file() and STAMP.read_text() == requirements_hash():
        return None
    if VENV.exists():
        shutil.rmtree(VENV)
    steps = [
        [sys.executable, "-m", "venv", str(VENV)],
        [str(venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(REQUIREMENTS)],
    ]  # fmt: skip
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=900, check=False)
        except subprocess.TimeoutExpired:
            return f"`{' '.join(step[:4])} ...` took more than 15 minutes"
        if done.returncode:
            last_lines = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
            return f"`{' '.join(step[:4])} ...` failed:\n{last_lines}"
    STAMP.write_text(requirements_hash())
    return None


@pytest.fixture(scope="module")
def sphinx_lesson_python() -> Path:
    problem = make_sphinx_lesson_venv()
    if problem:
        reason = f"cannot make the sphinx-lesson environment (no network?): {problem}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)  # PyPI is reachable on CI: there the test must run
        pytest.skip(reason)
    return venv_python()


@pytest.fixture(scope="module")
def sources(rootdir, tmp_path_factory) -> Path:
    srcdir = tmp_path_factory.mktemp("compat") / "src"
    shutil.copytree(rootdir / "test-compat", srcdir)
    for folder, files in SHARED_PAGES.items():
        for name in files:
            shutil.copy2(rootdir / folder / name, srcdir / name)
    return srcdir


@pytest.fixture(scope="module")
def ours(sources, tmp_path_factory):
    """Our build of the corpus (no sphinx-lesson needed)."""
    return run_sphinx(sources, tmp_path_factory.mktemp("compat-ours") / "ours")


@pytest.fixture(scope="module")
def builds(sources, sphinx_lesson_python, ours, tmp_path_factory):
    """(sphinx-lesson's output, ours) for the same sources."""
    out = tmp_path_factory.mktemp("compat-out")
    theirs = run_sphinx(
        sources, out / "sphinx-lesson", "-c", str(COMPAT_DIR), python=str(sphinx_lesson_python)
    )
    return theirs, ours


def located_warnings(build) -> dict[str, str]:
    """Each warning by its ``file:line``."""
    found = {}
    for line in build.warnings.splitlines():
        place, _, message = line.partition(": WARNING: ")
        if message:
            found[Path(place).name] = message
    return found


def boxes_of(soup: BeautifulSoup, ours: bool) -> list:
    """The teaching boxes of a page, in document order."""
    if ours:
        return soup.select(".lesson-box")
    return [
        element
        for element in soup.select("div.admonition")
        if set(element.get("class", [])) & KINDS_BY_NAME.keys()
    ]


def ids_of(box) -> set[str]:
    """The ids on a box and on the anchors at its very start."""
    ids = {box.get("id")} if box.get("id") else set()
    for child in box.find_all(recursive=False):
        if child.name == "span" and child.get("id") and not child.get_text(strip=True):
            ids.add(child["id"])
    previous = box.find_previous_sibling()
    if previous is not None and previous.name == "span" and previous.get("id"):
        ids.add(previous["id"])
    return ids


def test_no_traceback_and_no_warning_of_ours_that_sphinx_lesson_had_not(builds):
    theirs, ours = builds
    for build in builds:
        assert "Traceback" not in build.stderr and "Exception occurred" not in build.stderr
    their_warnings, our_warnings = located_warnings(theirs), located_warnings(ours)
    assert len(our_warnings) == len(ours.warnings.splitlines()), "every warning is located"
    extra = {place: text for place, text in our_warnings.items() if place not in their_warnings}
    assert extra.keys() == OUR_OWN_WARNINGS.keys(), extra
    for place, start in OUR_OWN_WARNINGS.items():
        assert extra[place].startswith(start), place
        assert extra[place].endswith("[lesson.markdown-transform]"), place


@pytest.mark.parametrize("page", PAGES)
def test_each_box_has_sphinx_lessons_classes_and_ids(builds, page):
    theirs, ours = builds
    their_boxes = boxes_of(theirs.html(page), ours=False)
    our_boxes = boxes_of(ours.html(page), ours=True)
    assert len(their_boxes) == len(our_boxes) > 0
    for number, (their_box, our_box) in enumerate(zip(their_boxes, our_boxes, strict=True)):
        their_classes = set(their_box["class"])
        missing = their_classes - set(our_box["class"])
        assert not missing, f"{page} box {number}: our box lacks {missing} of {their_classes}"
        missing_ids = ids_of(their_box) - ids_of(our_box)
        assert not missing_ids, f"{page} box {number}: our box lacks the ids {missing_ids}"
        assert title_of(our_box) == title_of(their_box), f"{page} box {number}"


def title_of(box) -> str:
    return box.find(class_="admonition-title").get_text(" ", strip=True)


def listed_boxes(build, page: str) -> list:
    """The boxes an exercise list shows, nested ones too: (kind, title, classes)."""
    main = build.html(page).find(role="main") or build.html(page).find(class_="body")
    return [
        (set(box["class"]) & KINDS_BY_NAME.keys(), title_of(box), set(box["class"]))
        for box in main.find_all(class_="admonition")
    ]


@pytest.mark.parametrize("page", EXERCISE_LISTS)
def test_exercise_lists_show_the_same_boxes_and_solutions(builds, page):
    theirs, ours = builds
    their_boxes, our_boxes = listed_boxes(theirs, page), listed_boxes(ours, page)
    assert [(kind, title) for kind, title, _ in our_boxes] == [
        (kind, title) for kind, title, _ in their_boxes
    ]
    for (_, title, their_classes), (_, _, our_classes) in zip(their_boxes, our_boxes, strict=True):
        assert their_classes <= our_classes, title
    if page == "exercises":
        assert any(kind == {"solution"} for kind, _, _ in their_boxes)


def test_every_kind_and_alias_is_compared(builds):
    theirs, _ = builds
    seen = set()
    for page in PAGES:
        for box in boxes_of(theirs.html(page), ours=False):
            seen |= set(box["class"]) & KINDS_BY_NAME.keys()
    assert seen == set(KINDS_BY_NAME)


def test_togglebutton_class_opens_a_solution_as_in_sphinx_lesson(builds):
    _, ours = builds
    solution = ours.html("options").find("details", class_="toggle-shown")
    assert solution is not None and solution.has_attr("open")


# --- Our build alone: sphinx-lesson's features, as sphinx-lesson documents them -----------------


def test_exercise_list_options_follow_sphinx_lesson(ours):
    # :include: callout, exerciselist-include; :exclude: exerciselist-exclude.
    kinds = [kind for kind, _, _ in listed_boxes(ours, "exercises-custom")]
    assert {"callout"} in kinds and {"demo"} in kinds
    assert all(kind <= {"callout", "demo"} for kind in kinds)
    # By default: exercises and solutions, a box the page marks for the list, not one it
    # excludes; a solution inside an excluded exercise on its own.
    listed = {title for _, title, _ in listed_boxes(ours, "exercises")}
    assert {"A solution outside any exercise", "Extra practice", "Its solution"} <= listed
    assert "Left out of the exercise list" not in listed


def test_exercise_list_links_back_to_each_box(ours):
    page = ours.html("exercises")
    links = page.select(".lesson-summary-entry-title a")
    assert links and all("#" in link["href"] for link in links)


def test_toggles_are_details_without_javascript(ours):
    main = ours.html("nested").find(role="main")
    toggle = main.find("details", class_="toggle")
    assert toggle is not None and "A long listing" in toggle.get_text()
    assert toggle.summary.get_text() == "Click to show" and not toggle.has_attr("open")
    admonition = main.select_one("details.admonition.toggle")
    assert admonition.summary.get_text(strip=True) == "A toggled admonition"
    assert ours.html("carpentries").find("details", class_="toggle") is not None


def test_raw_html_in_boxes_is_rendered(ours):
    for page in ("nested", "carpentries"):
        underlined = ours.html(page).select(".lesson-box u")
        assert [u.get_text() for u in underlined] == ["empty"], page


def test_markdown_rewrites(ours):
    page = ours.html("carpentries")
    output = page.find(class_="output")
    assert output is not None and "Python 3.12.1" in output.get_text()
    challenge = page.find(class_="exercise")
    assert title_of(challenge) == "Find the interpreter" and "which python" in challenge.get_text()
    assert title_of(page.find(class_="solution")) == "Keep the answer"
    figure = page.find("figure")
    assert figure is not None and figure.img["src"] == "_images/pic.png"
    # Left as written where it does not parse (with a warning: see OUR_OWN_WARNINGS).
    mistakes = ours.html("mistakes").find(role="main")
    assert mistakes.find("pre") is not None and "{: .language-bash}" in mistakes.get_text()
    assert mistakes.find("figure") is None and mistakes.find(class_="exercise") is None


def test_markdown_rewrites_also_on_myst_nb_pages(sources, sphinx_lesson_python, tmp_path):
    """sphinx-lesson reads Markdown with MyST-NB (in its environment, with Sphinx 8.2)."""
    # The test root's configuration, with MyST-NB in charge of .md (it registers the suffix).
    configuration = (sources / "conf.py").read_text("utf-8")
    configuration = configuration.replace('"myst_parser"', '"myst_nb"')
    configuration = configuration.replace(', ".md": "markdown"', "")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "conf.py").write_text(configuration, "utf-8")
    options = "-c", str(tmp_path / "conf")
    build = run_sphinx(sources, tmp_path / "out", *options, python=str(sphinx_lesson_python))
    assert located_warnings(build).keys() == OUR_OWN_WARNINGS.keys(), build.warnings
    page = build.html("carpentries")
    assert title_of(page.find(class_="exercise")) == "Find the interpreter"
    assert page.find(class_="output") is not None and page.find("figure") is not None


def test_a_course_that_still_loads_sphinx_togglebutton_builds_as_before(
    sources, sphinx_lesson_python, tmp_path
):
    """In the sphinx-lesson environment, which has sphinx-togglebutton (Sphinx 8.2, one of
    the versions we support)."""
    extensions = "-D", "extensions=myst_parser,sphinx_teaching,sphinx_togglebutton"
    build = run_sphinx(sources, tmp_path / "out", *extensions, python=str(sphinx_lesson_python))
    assert located_warnings(build).keys() == OUR_OWN_WARNINGS.keys(), build.warnings
    # Its directive and its JavaScript handle its toggles.
    assert build.html("nested").select_one("div.toggle.container") is not None


def test_glossary_term_links_are_bold_as_in_sphinx_lesson(ours):
    # sphinx-lesson's rule, in our stylesheet, matches the links :term: makes.
    assert ours.html("media").select("a.reference span.std-term")
    css = (ours.outdir / "_static" / "lesson.css").read_text("utf-8")
    assert "a.reference span.std-term {\n  font-weight: bold;\n}" in css
