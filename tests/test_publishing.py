"""Publishing and contributor configuration: Read the Docs, GitHub Actions, pre-commit.

Each file must parse, and every file, folder and make target it names must exist, so a rename
in the repository cannot silently break publishing.
"""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from helpers import REPO_ROOT

MAKEFILE = (REPO_ROOT / "Makefile").read_text()


def load_yaml(relative: str) -> dict:
    data = yaml.safe_load((REPO_ROOT / relative).read_text())
    assert isinstance(data, dict), f"{relative} is not a YAML mapping"
    return data


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-zA-Z][\w-]*):", MAKEFILE, flags=re.MULTILINE))


def pinned(name: str) -> str:
    """The exact version requirements.txt pins for ``name``."""
    text = (REPO_ROOT / "requirements.txt").read_text()
    match = re.search(rf"^{re.escape(name)}==(\S+)", text, flags=re.MULTILINE | re.IGNORECASE)
    assert match, f"requirements.txt does not pin {name}"
    return match[1]


def requires_python() -> tuple[int, int]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    major, minor = re.search(r">=\s*(\d+)\.(\d+)", project["requires-python"]).groups()
    return int(major), int(minor)


def as_version(text: str) -> tuple[int, int]:
    major, minor = str(text).split(".")[:2]
    return int(major), int(minor)


def test_readthedocs_builds_with_our_pins_conf_and_sources():
    config = load_yaml(".readthedocs.yaml")
    assert config["version"] == 2
    requirements = [entry["requirements"] for entry in config["python"]["install"]]
    assert requirements == ["requirements.txt"]
    assert (REPO_ROOT / config["sphinx"]["configuration"]).is_file()
    assert as_version(config["build"]["tools"]["python"]) >= requires_python()
    (command,) = config["build"]["jobs"]["build"]["html"]
    arguments = command.split()
    assert arguments[:3] == ["python", "-m", "sphinx"]
    # The configuration at the root, the pages in docs/, warnings as errors as in `make html`.
    assert arguments[arguments.index("-c") + 1] == "."
    assert (REPO_ROOT / arguments[-2] / "index.rst").is_file()
    assert arguments[-1] == "$READTHEDOCS_OUTPUT/html"
    for flag in ("-W", "--keep-going", "-n"):
        assert flag in arguments


@pytest.fixture(scope="module")
def workflows() -> dict[str, dict]:
    folder = REPO_ROOT / ".github" / "workflows"
    found = {
        path.name: load_yaml(f".github/workflows/{path.name}") for path in folder.glob("*.yml")
    }
    assert found, "no GitHub Actions workflow"
    return found


def steps_of(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_workflow_commands_are_make_targets_that_exist(workflows):
    commands = [step["run"] for w in workflows.values() for step in steps_of(w) if "run" in step]
    targets = [target for command in commands for target in re.findall(r"\bmake (\S+)", command)]
    assert "test" in targets
    assert set(targets) <= make_targets(), set(targets) - make_targets()


def test_workflow_runs_tests_on_pushes_and_pull_requests(workflows):
    for workflow in workflows.values():
        # PyYAML reads the key `on` as the boolean True.
        triggers = workflow.get("on", workflow.get(True))
        assert "pull_request" in triggers
        assert triggers["push"]["branches"] == ["main"]


def test_workflow_publishes_the_html_site_from_main_only(workflows):
    (site,) = [w for w in workflows.values() if "deploy" in w["jobs"]]
    uploads = [s for s in steps_of(site) if "upload-pages-artifact" in s.get("uses", "")]
    (upload,) = uploads
    # What `make html` writes.
    assert upload["with"]["path"] == "_build/html"
    assert "$(BUILDDIR)/html" in MAKEFILE and re.search(r"^BUILDDIR\s*:=\s*_build$", MAKEFILE, re.M)
    main_only = "github.ref == 'refs/heads/main'"
    assert main_only in upload["if"] and main_only in site["jobs"]["deploy"]["if"]
    assert site["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("deploy-pages" in s.get("uses", "") for s in steps_of(site))


def test_workflow_python_and_cache_match_the_repository(workflows):
    for workflow in workflows.values():
        for step in steps_of(workflow):
            if "setup-python" in step.get("uses", ""):
                assert as_version(step["with"]["python-version"]) >= requires_python()
                assert (REPO_ROOT / step["with"]["cache-dependency-path"]).is_file()


def test_ci_script_runs_make_test():
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()


def test_pre_commit_uses_the_pinned_ruff_and_sphinx_lint():
    config = load_yaml(".pre-commit-config.yaml")
    hooks = {hook["id"]: repo["rev"] for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["ruff-check"] == hooks["ruff-format"] == f"v{pinned('ruff')}"
    assert hooks["sphinx-lint"] == f"v{pinned('sphinx-lint')}"
    assert "lint" in make_targets()


def test_pre_commit_and_the_lint_test_check_the_same_files():
    from test_lint import SPHINX_LINT_PATHS

    config = load_yaml(".pre-commit-config.yaml")
    (hook,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "sphinx-lint"]
    assert hook["files"] == "^(" + "|".join(SPHINX_LINT_PATHS) + ")/"
    assert f"sphinx-lint {' '.join(SPHINX_LINT_PATHS)}" in MAKEFILE
