"""Nothing is lost: `make clean` removes build output only, a failed build or install leaves
the sources and the previous `.venv` as they were, and a build never writes into `docs/`.

Each test works on a copy of the repository in a temporary folder (the files git knows), so
the real work tree is never touched. Builds in the copy use this checkout's `.venv` through a
symbolic link, made so that `make` sees it as up to date and never installs into it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def repository_files() -> list[str]:
    """The files of the repository: committed, or new and not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return sorted(name for name in listed.split("\0") if name and (REPO_ROOT / name).is_file())


def copy_repository(destination: Path) -> Path:
    """Copy the repository's files (with their times) to ``destination/repo``."""
    copy = destination / "repo"
    for name in repository_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target)
    return copy


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file and link under ``folder``: its content hash (or link target) and mtime."""
    result = {}
    if not folder.exists():
        return result
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            result[path.relative_to(folder).as_posix()] = (os.readlink(path), 0)
        elif path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            result[path.relative_to(folder).as_posix()] = (digest, path.stat().st_mtime_ns)
    return result


def sources_of(repo: Path) -> dict[str, tuple[str, int]]:
    """The repository's own files (not build output, not environments)."""
    skip = ("_build/", ".venv/", ".venv-sphinx-lesson/")
    return {name: value for name, value in snapshot(repo).items() if not name.startswith(skip)}


def make(repo: Path, *targets: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", *targets], cwd=repo, capture_output=True, text=True, check=False,
        env={**os.environ, **env},
    )  # fmt: skip


def use_this_checkouts_venv(repo: Path) -> None:
    """Link the copy's `.venv` to ours, already installed, so `make` installs nothing."""
    venv = REPO_ROOT / ".venv"
    stamp = venv / ".requirements-installed"
    if not stamp.is_file():
        pytest.skip("needs this checkout's .venv, made by `make test`")
    (repo / ".venv").symlink_to(venv, target_is_directory=True)
    # requirements.txt older than the stamp: `make` sees the environment as up to date.
    older = stamp.stat().st_mtime - 60
    os.utime(repo / "requirements.txt", (older, older))


@pytest.fixture
def repo(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("`make` is not installed")
    return copy_repository(tmp_path)


def test_make_clean_removes_build_output_only(repo):
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "python").write_text("not really python\n")
    (repo / ".venv-sphinx-lesson").mkdir()
    (repo / ".venv-sphinx-lesson" / "marker").write_text("compatibility environment\n")
    (repo / "_build" / "html").mkdir(parents=True)
    (repo / "_build" / "html" / "index.html").write_text("<html></html>\n")
    before = snapshot(repo)

    result = make(repo, "clean")

    assert result.returncode == 0, result.stderr
    assert not (repo / "_build").exists()
    after = snapshot(repo)
    kept = {name: value for name, value in before.items() if not name.startswith("_build/")}
    assert after == kept
    assert "docs/index.rst" in after and ".venv/bin/python" in after


def test_a_build_never_writes_into_docs(repo):
    use_this_checkouts_venv(repo)
    before = snapshot(repo / "docs")

    result = make(repo, "html")

    assert result.returncode == 0, result.stdout + result.stderr
    assert (repo / "_build" / "html" / "index.html").is_file()
    assert snapshot(repo / "docs") == before


def test_a_failed_build_leaves_sources_and_venv_intact(repo):
    use_this_checkouts_venv(repo)
    assert make(repo, "html").returncode == 0
    venv_before = snapshot(REPO_ROOT / ".venv" / "bin")
    stamp = REPO_ROOT / ".venv" / ".requirements-installed"
    stamp_before = stamp.stat().st_mtime_ns
    # A mistake that fails the build (-W): a page outside every toctree, with a bad directive.
    (repo / "docs" / "broken.rst").write_text("Broken\n======\n\n.. no-such-directive::\n")
    sources_before = sources_of(repo)

    result = make(repo, "html")

    assert result.returncode != 0
    assert "broken.rst:4" in result.stderr
    assert "Traceback" not in result.stderr
    assert sources_of(repo) == sources_before
    assert snapshot(REPO_ROOT / ".venv" / "bin") == venv_before
    assert stamp.stat().st_mtime_ns == stamp_before
    # The other pages are still built (--keep-going).
    index = (repo / "_build" / "html" / "index.html").read_text("utf-8")
    assert "Isolated environments for Python on HPC" in index


def test_a_failed_install_keeps_the_previous_venv(repo, tmp_path):
    """requirements.txt changed to something pip cannot install: `.venv` stays as it was."""
    # A real environment with pip, as `make` makes it (the install must fail in pip itself).
    subprocess.run([sys.executable, "-m", "venv", str(repo / ".venv")], check=True)
    marker = repo / ".venv" / "previous-environment"
    marker.write_text("installed earlier\n")
    stamp = repo / ".venv" / ".requirements-installed"
    stamp.touch()
    later = time.time() + 5
    requirements = repo / "requirements.txt"
    requirements.write_text("# a pin that cannot be installed offline\nSphinx==0.0.0\n")
    os.utime(requirements, (later, later))
    venv_before = snapshot(repo / ".venv")
    sources_before = sources_of(repo)
    empty = tmp_path / "no-packages"
    empty.mkdir()

    # No index and an empty folder of wheels: the install fails at once, without network.
    result = make(repo, "venv", PIP_NO_INDEX="1", PIP_FIND_LINKS=str(empty))

    assert result.returncode != 0
    assert "Sphinx==0.0.0" in result.stderr, result.stderr
    assert snapshot(repo / ".venv") == venv_before
    assert sources_of(repo) == sources_before
