"""`make new-lesson`: a page from the template that builds cleanly, never overwriting a page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT

TEMPLATES = REPO_ROOT / "docs" / "contributing"


def make_new_lesson(docs: Path, *arguments: str) -> subprocess.CompletedProcess:
    """Run the real make target on a copy of docs/, with this interpreter."""
    command = [
        "make", "--no-print-directory", "-C", str(REPO_ROOT), "new-lesson",
        f"SOURCEDIR={docs}", "VENV_STAMP=", f"VENV_PYTHON={sys.executable}", *arguments,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def docs(tmp_path) -> Path:
    """A copy of docs/ whose index has a toctree of lessons (as the course's landing page has)."""
    copy = tmp_path / "docs"
    shutil.copytree(REPO_ROOT / "docs", copy)
    # Feature pages literalinclude test roots by relative path (../../tests/roots/...).
    (tmp_path / "tests").symlink_to(REPO_ROOT / "tests", target_is_directory=True)
    index = copy / "index.rst"
    if "lessons/" not in index.read_text():
        index.write_text(index.read_text() + "\n.. toctree::\n   :caption: Lessons\n")
    return copy


def build(docs: Path, destination: Path) -> list[str]:
    """Build ``docs`` with the site's conf.py; return the warnings."""
    warning_file = destination / "warnings.txt"
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-c", str(REPO_ROOT), "-n", "-q",
        "--keep-going", "-d", str(destination / "doctrees"), "-w", str(warning_file),
        str(docs), str(destination / "html"),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    warnings = warning_file.read_text().splitlines() if warning_file.exists() else []
    return warnings or ([completed.stderr] if completed.returncode else [])


@pytest.mark.parametrize("fmt", ["rst", "md"])
def test_new_lesson_builds_without_warnings_and_is_in_the_toctree(docs, tmp_path, fmt):
    completed = make_new_lesson(docs, "NAME=venv-basics", f"FORMAT={fmt}")
    assert completed.returncode == 0, completed.stderr
    page = docs / "lessons" / f"venv-basics.{fmt}"
    text = page.read_text()
    # Title and labels made from the name; timing and every box of a lesson kept.
    assert "Venv basics" in text
    assert "venv-basics-exercise-first" in text
    assert "new-lesson" not in text and "new-md-lesson" not in text
    assert ("teaching: " in text) and ("exercises: " in text)
    for box in ("questions", "objectives", "exercise", "solution", "keypoints"):
        assert box in text
    assert "   lessons/venv-basics\n" in (docs / "index.rst").read_text()
    # Built with the site's configuration: every check of the site passes on the new page.
    assert build(docs, tmp_path / "out") == []
    assert (tmp_path / "out" / "html" / "lessons" / "venv-basics.html").is_file()


def test_new_lesson_in_a_folder_goes_there(docs):
    completed = make_new_lesson(docs, "NAME=uppmax/gpu-envs", "FORMAT=md")
    assert completed.returncode == 0, completed.stderr
    text = (docs / "uppmax" / "gpu-envs.md").read_text()
    assert "(uppmax-gpu-envs)=" in text
    assert "uppmax/gpu-envs" in (docs / "index.rst").read_text()


@pytest.mark.parametrize("existing_suffix", [".rst", ".md"])
def test_new_lesson_never_overwrites_a_page(docs, existing_suffix):
    page = docs / "lessons" / f"mine{existing_suffix}"
    page.parent.mkdir(exist_ok=True)
    page.write_text("Work somebody wrote.\n")
    before = snapshot(docs)
    completed = make_new_lesson(docs, "NAME=mine", "FORMAT=rst")
    assert completed.returncode != 0
    assert "already exists: nothing was changed" in completed.stderr
    assert snapshot(docs) == before


@pytest.mark.parametrize(
    "name", ["", "Bad Name", "../outside", "a/b/c", "page.rst", "-dash", "UPPER", "x--y", "/abs"]
)
def test_new_lesson_rejects_a_bad_name_and_changes_nothing(docs, name):
    before = snapshot(docs)
    completed = make_new_lesson(docs, f"NAME={name}")
    assert completed.returncode != 0
    assert "new-lesson: " in completed.stderr
    assert "NAME" in completed.stderr or "name" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert snapshot(docs) == before


def test_new_lesson_rejects_a_bad_format(docs):
    completed = make_new_lesson(docs, "NAME=ok", "FORMAT=docx")
    assert completed.returncode != 0
    assert "FORMAT must be 'rst' or 'md'" in completed.stderr


def test_make_help_lists_the_new_targets():
    env = {**os.environ, "MAKEFLAGS": ""}
    text = subprocess.run(
        ["make", "-C", str(REPO_ROOT), "help"], capture_output=True, text=True, env=env, check=True
    ).stdout
    for target in ("epub", "singlehtml", "dist", "lint", "new-lesson", "test-matrix", "livehtml"):
        assert f"make {target} " in text
