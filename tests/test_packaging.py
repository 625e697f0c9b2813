"""The extension as a package: metadata, and a build of an outside project that installs it.

The same wheel carries the command runner, ``lesson_commands``, and its console script
``sphinx-teaching-commands``, which runs the outside project's lesson commands.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import sphinx_teaching
from helpers import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())


def test_metadata_declares_what_users_need():
    project = PYPROJECT["project"]
    assert "Framework :: Sphinx :: Extension" in project["classifiers"]
    assert project["dynamic"] == ["version"]
    version_file = REPO_ROOT / PYPROJECT["tool"]["hatch"]["version"]["path"]
    assert version_file == Path(sphinx_teaching.__file__)
    # Ranges, not our exact pins.
    dependencies = {re.split(r"[<>=!~ ]", d)[0].lower(): d for d in project["dependencies"]}
    assert dependencies["sphinx"] == "sphinx>=8.2,<10"
    assert "docutils" in dependencies and "==" not in "".join(project["dependencies"])
    assert any(d.startswith("myst-parser") for d in project["optional-dependencies"]["myst"])
    packages = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert packages == ["extensions/sphinx_teaching", "extensions/lesson_commands"]
    assert project["scripts"] == {"sphinx-teaching-commands": "lesson_commands.cli:main"}


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    completed = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert completed.returncode == 0, f"{command}\n{completed.stdout}\n{completed.stderr}"
    return completed


@pytest.fixture(scope="session")
def installed_venv(request, tmp_path_factory) -> Path:
    """A venv with the extension installed from this repository, as another project would.

    Made fresh with `pip install <repo>[myst]` (dependencies resolved from pyproject.toml's
    ranges) whenever pyproject.toml changes; otherwise the cached venv is reused and only our
    package is reinstalled from the current sources, so the test stays quick.
    """
    digest = hashlib.sha256((REPO_ROOT / "pyproject.toml").read_bytes()).hexdigest()[:12]
    try:
        cache = request.config.cache.mkdir("install-venv")
    except AttributeError:  # pytest run with -p no:cacheprovider
        cache = tmp_path_factory.mktemp("install-venv")
    venv = cache / digest
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if not (venv / ".complete").exists():
        _run([sys.executable, "-m", "venv", "--clear", str(venv)])
        _run([*pip, f"{REPO_ROOT}[myst]"])
        (venv / ".complete").touch()
    else:
        _run([*pip, "--no-deps", "--force-reinstall", str(REPO_ROOT)])
    return venv


def outside_env() -> dict[str, str]:
    """The environment without anything that could import the extension from this repo."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


@pytest.mark.slow
def build_outside(python: str, project: Path, outdir: Path) -> BeautifulSoup:
    """Build ``project`` with the installed venv's Sphinx, warnings as errors; its index."""
    command = [python, "-m", "sphinx", "-W", "-n", "-q", "-b", "html", str(project), str(outdir)]
    _run(command, cwd=project, env=outside_env())
    return BeautifulSoup((outdir / "index.html").read_text(), "html.parser")


def test_an_outside_project_builds_with_one_line_of_configuration(installed_venv, tmp_path):
    project = tmp_path / "course"
    project.mkdir()
    (project / "conf.py").write_text('extensions = ["sphinx_teaching"]\n')
    (project / "index.rst").write_text(
        "A course\n========\n\n"
        ".. questions::\n\n   - Does it install?\n\n"
        ".. exercise:: Try it\n\n   Build this page.\n\n"
        "   .. solution::\n\n      It builds.\n\n"
        ".. lesson-command::\n   :scenario: greet\n\n   $ echo hello\n   hello\n"
    )
    python = str(installed_venv / "bin" / "python")
    where = _run(
        [python, "-c", "import sphinx_teaching as t; print(t.__file__); print(t.__version__)"],
        cwd=project,
        env=outside_env(),
    ).stdout.split()
    assert Path(where[0]).is_relative_to(installed_venv), "imported from outside the venv"
    assert where[1] == sphinx_teaching.__version__
    metadata_version = _run(
        [python, "-c", "import importlib.metadata as m; print(m.version('sphinx-teaching'))"],
        env=outside_env(),
    ).stdout.strip()
    assert metadata_version == sphinx_teaching.__version__
    soup = build_outside(python, project, tmp_path / "out")
    assert soup.find(id="questions-0") is not None
    assert soup.find(id="exercise-0").find("details", class_="solution") is not None
    # The stylesheet comes from the installed package's static files.
    assert (tmp_path / "out" / "_static" / "lesson.css").read_text() == (
        Path(sphinx_teaching.__file__).parent / "static" / "lesson.css"
    ).read_text()
    # The wheel's console script runs the page's commands, the runner from the venv too.
    script = installed_venv / "bin" / "sphinx-teaching-commands"
    runner = _run(
        [str(script), "run", str(tmp_path / "out" / ".doctrees"), "--wheelhouse", "wheels"],
        cwd=tmp_path,
        env=outside_env(),
    ).stdout.splitlines()
    assert runner == [
        "index: 1 scenario, 1 block, 1 of 1 command ran: passed",
        "1 scenario on 1 page: all passed",
    ]
    runner_file = _run(
        [python, "-c", "import lesson_commands as c; print(c.__file__)"],
        cwd=project,
        env=outside_env(),
    ).stdout.strip()
    assert Path(runner_file).is_relative_to(installed_venv), "imported from outside the venv"


@pytest.mark.slow
def test_an_outside_markdown_project_builds_with_the_myst_extra(installed_venv, tmp_path):
    project = tmp_path / "course"
    project.mkdir()
    (project / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_teaching"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
    )
    (project / "index.md").write_text("# A course\n\n:::{keypoints}\n- It installs.\n:::\n")
    python = str(installed_venv / "bin" / "python")
    soup = build_outside(python, project, tmp_path / "out")
    assert "It installs." in soup.find(id="keypoints-0").get_text()
