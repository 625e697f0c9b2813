"""sphinx-lesson compatibility: the same pages built with sphinx-lesson and with our extension.

sphinx-lesson needs Sphinx < 9 and Jupyter's stack, so it lives in its own environment,
`.venv-sphinx-lesson/` (pinned in tests/compat/requirements-sphinx-lesson.txt), made by this
test on first use and reused while the pins are unchanged. Both builds read the same sources:
every directive and alias in reStructuredText and both MyST fences, with default and custom
titles (tests/roots/test-boxes), and the options both take (tests/roots/test-compat). The test
checks that both accept every directive (no warning) and that, box by box, every class and id
sphinx-lesson puts on a box is on ours too, so custom CSS and deep links carry over.

Without network the environment cannot be made and the test is skipped, saying why; on CI
(`CI=true`) it must run.
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
#: Pages copied from tests/roots/test-boxes: every directive in every syntax.
SHARED_PAGES = ["every-kind.rst", "myst-backticks.md", "myst-colons.md"]
PAGES = ["every-kind", "myst-backticks", "myst-colons", "options"]


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
    for page in SHARED_PAGES:
        shutil.copy2(rootdir / "test-boxes" / page, srcdir / page)
    return srcdir


@pytest.fixture(scope="module")
def builds(sources, sphinx_lesson_python, tmp_path_factory):
    """(sphinx-lesson's output, ours) for the same sources; each must build without warning."""
    out = tmp_path_factory.mktemp("compat-out")
    theirs = run_sphinx(
        sources, out / "sphinx-lesson", "-c", str(COMPAT_DIR), python=str(sphinx_lesson_python)
    )
    ours = run_sphinx(sources, out / "ours")
    return theirs, ours


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


def test_both_accept_every_directive(builds):
    theirs, ours = builds
    assert theirs.returncode == 0, theirs.warnings + theirs.stderr
    assert theirs.warnings.strip() == ""
    assert ours.returncode == 0, ours.warnings + ours.stderr
    assert ours.warnings.strip() == ""


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
