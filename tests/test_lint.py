"""The checks pre-commit runs (ruff lint and format, sphinx-lint), run by `make test` too."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import REPO_ROOT

#: The reStructuredText checked by sphinx-lint (as in .pre-commit-config.yaml and `make lint`).
SPHINX_LINT_PATHS = ["docs", "extensions"]

CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--no-cache", "--check", "."],
    "sphinx-lint": [sys.executable, "-m", "sphinxlint", *SPHINX_LINT_PATHS],
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_lint(name):
    completed = subprocess.run(
        CHECKS[name], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, (
        f"{name} found problems:\n{completed.stdout}{completed.stderr}"
    )
