"""Run the test suite on each Sphinx release line pyproject.toml claims: ``make test-matrix``.

Each combination gets its own virtual environment under ``.venv-matrix/`` (reused while its
package list is unchanged), with the extension installed from this repository
(``pip install .[myst]``), the listed Sphinx, docutils and MyST-Parser versions, and the other
pins of requirements.txt. The tests marked ``slow`` are left out. Python versions: every
``python3.X`` from ``PYTHONS`` that runs, on PATH or installed by pyenv (those missing are
reported, not installed).

Exit status: 0 when every combination that ran passed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MATRIX_DIR = REPO / ".venv-matrix"

#: (name, pins): the oldest supported set and the newest of each release line we claim.
COMBINATIONS: list[tuple[str, list[str]]] = [
    ("sphinx-8.2-oldest", ["sphinx==8.2.0", "docutils==0.20.1", "myst-parser==5.2.0"]),
    ("sphinx-8.2", ["sphinx==8.2.3", "docutils==0.21.2", "myst-parser==5.2.0"]),
    ("sphinx-9.0", ["sphinx==9.0.4", "docutils==0.22.4", "myst-parser==5.2.0"]),
]
#: The Python versions pyproject.toml's classifiers name.
PYTHONS = ["3.11", "3.12", "3.13"]
#: Pins of requirements.txt replaced by each combination, or not needed for tests.
REPLACED = {"sphinx", "docutils", "myst-parser", "sphinx-autobuild"}


def other_requirements() -> list[str]:
    """The lines of requirements.txt the combinations keep (test tools, theme, ...)."""
    kept = []
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name = line.split("==")[0].strip().lower()
        if name not in REPLACED:
            kept.append(line)
    return kept


def find_python(version: str) -> str | None:
    """An interpreter of ``version`` that runs: on PATH, else one that pyenv installed."""
    candidates = [shutil.which(f"python{version}")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(str(p) for p in pyenv.glob(f"{version}.*/bin/python{version}"))
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", ""], capture_output=True).returncode == 0:
            return candidate
    return None


def ensure_venv(python: str, name: str, packages: list[str]) -> Path:
    """A venv with ``packages``; rebuilt only when the list changes."""
    venv = MATRIX_DIR / name
    stamp = venv / ".matrix-packages"
    wanted = "\n".join(packages)
    venv_python = venv / "bin" / "python"
    if venv_python.exists() and stamp.exists() and stamp.read_text() == wanted:
        # The package list is unchanged; reinstall only our own package (its code may have).
        run([str(venv_python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
             str(REPO)])  # fmt: skip
        return venv_python
    shutil.rmtree(venv, ignore_errors=True)
    run([python, "-m", "venv", str(venv)])
    run([str(venv_python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         *packages])  # fmt: skip
    stamp.write_text(wanted)
    return venv_python


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, check=True, **kwargs)


def main() -> int:
    results: list[tuple[str, str]] = []
    for version in PYTHONS:
        python = find_python(version)
        if python is None:
            results.append((f"python{version}", "not found: skipped"))
            continue
        for name, pins in COMBINATIONS:
            label = f"py{version}-{name}"
            packages = [f"{REPO}[myst]", *pins, *other_requirements()]
            digest = hashlib.sha256("\n".join(packages).encode()).hexdigest()[:8]
            started = time.monotonic()
            try:
                venv_python = ensure_venv(python, f"{label}-{digest}", packages)
                versions = subprocess.run(
                    [str(venv_python), "-c",
                     "import sphinx, docutils, myst_parser, sys; print("
                     "f'Python {sys.version.split()[0]}, Sphinx {sphinx.__version__}, "
                     "docutils {docutils.__version__}, MyST-Parser {myst_parser.__version__}')"],
                    capture_output=True, text=True, check=True,
                ).stdout.strip()  # fmt: skip
                env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
                tests = subprocess.run(
                    [str(venv_python), "-m", "pytest", "-q", "-m", "not slow", "-p",
                     "no:cacheprovider"],
                    cwd=REPO, env=env, check=False,
                )  # fmt: skip
                outcome = "passed" if tests.returncode == 0 else f"FAILED ({tests.returncode})"
            except subprocess.CalledProcessError as error:
                versions, outcome = "", f"FAILED to set up: {error}"
            minutes = (time.monotonic() - started) / 60
            results.append((label, f"{outcome} in {minutes:.1f} min  {versions}"))
    print("\nTest matrix:")
    for label, outcome in results:
        print(f"  {label:28} {outcome}")
    return 0 if all("FAILED" not in outcome for _, outcome in results) else 1


if __name__ == "__main__":
    sys.exit(main())
