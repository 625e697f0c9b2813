"""The cluster-only blocks of the lessons, run on the centre model (real Lmod, real Slurm).

The real site is built once (the ``site`` fixture); its manifest's cluster-only blocks are run
per page and centre by ``lesson_commands.centre`` on a model of the centre: a Lmod module tree
generated from data/known-modules.toml, a single-node Slurm started for this module and stopped
after it, the learner profile of data/centres.toml. Then each mutation the issue names is made
to a copy of the real blocks, and must fail at its file and line.

Where Lmod or Slurm cannot be had (not installed, not root), these tests skip with the reason,
except with CI=true, where that is a failure (`make test` installs them as root, as CI runs).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from pathlib import Path

import pytest
from command_helpers import REPO_ROOT, WHEELHOUSE

from helpers import read_doctree
from lesson_commands.centre import CentreModel, load_centres, wheelhouse_requirements
from lesson_commands.lmod_tree import lmod_available
from lesson_commands.manifest import ClusterSession, cluster_sessions_of, scenarios_of
from lesson_commands.slurm import SlurmCluster, slurm_missing
from lesson_commands.wheelhouse import fill_wheelhouse, pinned_requirements

#: The longest tests of the suite: run first (tests/conftest.py).
pytestmark = pytest.mark.early

DATA = REPO_ROOT / "data"
#: The lesson pages and the centres whose blocks they hold.
SESSIONS = [
    ("lessons/isolated-environments", "uppmax"),
    ("lessons/isolated-environments", "hpc2n"),
    ("uppmax/isolated-uppmax", "uppmax"),
    ("hpc2n/isolated-hpc2n", "hpc2n"),
]
PAGES = sorted({docname for docname, _ in SESSIONS})
#: The packages the model's bundles install, kept between runs like the wheelhouse.
PACKAGE_CACHE = REPO_ROOT / "_build" / "centre-model-packages"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_model() -> None:
    """Skip (or fail, in CI) when Lmod or Slurm cannot be had on this machine."""
    reason = None if lmod_available() else "Lmod is not installed (as root: apt-get install lmod)"
    reason = reason or slurm_missing()
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"CI must run the centre model: {reason}")
    pytest.skip(f"the centre model needs Lmod and Slurm: {reason}")


@pytest.fixture(scope="module")
def model(site_manifest, tmp_path_factory):
    """The model of every centre, with its own Slurm, for this module's tests."""
    require_model()
    centres = load_centres(DATA)
    pins = wheelhouse_requirements(DATA, centres)
    for session in cluster_sessions_of(site_manifest):
        for block in session.blocks:
            for command in block.commands:
                pins += [pin for pin in pinned_requirements(command.text) if pin not in pins]
    fill_wheelhouse(WHEELHOUSE, pins)
    root = tmp_path_factory.mktemp("centre-model")
    slurm = SlurmCluster(root / "slurm", [centre.partition for centre in centres.values()])
    slurm.start()
    try:
        yield CentreModel(root / "centres", centres, slurm, WHEELHOUSE, PACKAGE_CACHE)
    finally:
        slurm.stop()


def session_of(manifest: dict, docname: str, centre: str) -> ClusterSession:
    for session in cluster_sessions_of(manifest):
        if (session.docname, session.centre) == (docname, centre):
            return session
    raise AssertionError(f"no cluster-only blocks of {centre} on {docname}")


def report(result) -> str:
    return "\n\n".join(str(failure) for failure in result.failures)


# -- The lessons, whole ------------------------------------------------------------------------


def test_every_cluster_session_of_the_site_is_tested(site_manifest):
    found = {(s.docname, s.centre) for s in cluster_sessions_of(site_manifest)}
    assert found == set(SESSIONS)


@pytest.mark.parametrize(("docname", "centre"), SESSIONS, ids=[f"{d}@{c}" for d, c in SESSIONS])
def test_cluster_blocks_run_on_the_model_of_their_centre(
    model, site_manifest, docname, centre, tmp_path, record_property
):
    session = session_of(site_manifest, docname, centre)
    result = model.run(session, tmp_path / "work")
    # Lmod's own messages (module swaps, reloads) belong in the report.
    for note in result.notes:
        record_property("centre-model-lmod", f"Lmod at {note}")
    record_property(
        "centre-model",
        f"{docname} on the model of {centre}: {len(session.blocks)} blocks, "
        f"{result.ran} of {result.commands} commands ran",
    )
    assert report(result) == ""
    assert result.ran == result.commands


def test_every_command_block_of_the_lesson_pages_is_run(site_manifest, record_property):
    """100 %: each lesson-command block of the three pages is runnable or cluster-only, and
    every page with cluster-only blocks has its sessions tested above."""
    for page in site_manifest["pages"]:
        if page["docname"] not in PAGES:
            continue
        laptop = sum(
            scenario.blocks
            for scenario in scenarios_of(site_manifest)
            if scenario.docname == page["docname"]
        )
        cluster = len(page["cluster_blocks"])
        assert page["unmarked"] == [], page["docname"]
        record_property(
            "centre-model",
            f"{page['docname']}: {laptop + cluster} command blocks, {laptop} on the laptop, "
            f"{cluster} on the centre model",
        )
        assert cluster + laptop > 0


def test_the_hpc2n_bundle_swaps_the_loaded_python(model, site_manifest, tmp_path, record_property):
    """The facts sheet's case: `ml GCC/13.3.0 SciPy-bundle/2024.05` after Python/3.11.3."""
    session = session_of(site_manifest, "hpc2n/isolated-hpc2n", "hpc2n")
    blocks = [copy.deepcopy(session.blocks[1])]
    commands = blocks[0].commands
    commands[1].text = "ml GCC/12.3.0 Python/3.11.3"
    commands[2].text = "ml GCC/13.3.0 SciPy-bundle/2024.05"
    commands[2].expected = []
    commands.append(copy.deepcopy(commands[2]))
    commands[-1].text, commands[-1].expected = "python -V", ["Python 3.12.3"]
    del commands[3:-1]
    result = model.run(ClusterSession(session.docname, "hpc2n", blocks), tmp_path)
    for note in result.notes:
        record_property("centre-model-lmod", f"Lmod at {note}")
    assert report(result) == ""
    assert any("Python/3.11.3 => Python/3.12.3" in note for note in result.notes), result.notes


# -- Mutations: each must fail at its file and line -------------------------------------------


def blocks_with(session: ClusterSession, *texts: str) -> list:
    """Copies of the blocks of ``session`` that hold each of ``texts``, in page order."""
    found = []
    for text in texts:
        matching = [b for b in session.blocks if any(text in c.text for c in b.commands)]
        assert matching, f"no block of {session.title} has {text!r}"
        found.append(copy.deepcopy(matching[0]))
    return found


def line_of_text(block, text: str) -> int:
    for command in block.commands:
        for offset, line in enumerate(command.text.splitlines()):
            if text in line:
                return command.line + offset
    raise AssertionError(text)


def run_mutant(model, docname: str, centre: str, blocks: list, tmp_path: Path):
    result = model.run(ClusterSession(docname, centre, blocks), tmp_path / "mutant")
    assert result.failures, "the mutation passed: the model did not catch it"
    return result.failures[0]


def where(block, line: int) -> str:
    return f"{Path(block.source).resolve().relative_to(Path.cwd())}:{line}"


def test_mutation_one_placeholder_for_account_and_path(model, site_manifest, tmp_path):
    session = session_of(site_manifest, "uppmax/isolated-uppmax", "uppmax")
    (script,) = blocks_with(session, "#SBATCH -J venv-demo")
    line = line_of_text(script, "source /proj/<storage-folder>")
    script.commands[0].text = script.commands[0].text.replace(
        "/proj/<storage-folder>/", "/proj/<account>/"
    )
    failure = run_mutant(model, session.docname, "uppmax", [script], tmp_path)
    assert failure.location == where(script, line)
    assert "<account> is the Slurm account, but it is used in a path" in failure.message


def test_mutation_a_dropped_module_load(model, site_manifest, tmp_path):
    session = session_of(site_manifest, "uppmax/isolated-uppmax", "uppmax")
    envs, load, create = blocks_with(
        session, "export ENVS=", "SciPy-bundle/2024.05-gfbf-2024a", "python -m venv"
    )
    load.commands = []  # the learner skipped `module load`
    failure = run_mutant(model, session.docname, "uppmax", [envs, load, create], tmp_path)
    assert failure.location == where(create, line_of_text(create, "python -m venv"))
    assert "python: command not found" in failure.message


def test_mutation_swapped_load_order_at_hpc2n(model, site_manifest, tmp_path):
    """Python loaded before its compiler, one module per command, fails as on Kebnekaise.

    (Within one command, ``ml Python/3.11.3 GCC/12.3.0`` works: Lmod retries the modules it
    could not find once the others are loaded, so that order is no mistake, on the model or
    on the cluster.)
    """
    session = session_of(site_manifest, "hpc2n/isolated-hpc2n", "hpc2n")
    (block,) = blocks_with(session, "ml GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07")
    index, command = next(
        (i, c) for i, c in enumerate(block.commands) if c.text.startswith("ml GCC/12.3.0")
    )
    swapped = ["ml Python/3.11.3", "ml GCC/12.3.0", "ml SciPy-bundle/2023.07"]
    block.commands[index : index + 1] = [
        dataclasses.replace(command, text=text, expected=[]) for text in swapped
    ]
    failure = run_mutant(model, session.docname, "hpc2n", [block], tmp_path)
    assert failure.location == where(block, command.line)
    # Lmod's own message: Python is not loadable before its compiler.
    assert 'be loaded as requested: "Python/3.11.3"' in failure.message
    assert 'Try: "module spider Python/3.11.3"' in failure.message


def test_mutation_job_script_without_module_purge(model, site_manifest, tmp_path):
    session = session_of(site_manifest, "uppmax/isolated-uppmax", "uppmax")
    # The claim before the page's `sbatch venv_job.sh`, so that the job script is saved under
    # its name and seaborn need not be installed: the claim is about NumPy.
    blocks = blocks_with(
        session, "export ENVS=", "SciPy-bundle/2024.05-gfbf-2024a", "python -m venv",
        "> check_env.py", "#SBATCH -J venv-demo", "venv_job_no_bundle.sh", "sbatch venv_job.sh",
    )  # fmt: skip
    script, claim = blocks[4], blocks[5]
    script.commands[0].text = script.commands[0].text.replace("module purge\n", "")
    failure = run_mutant(model, session.docname, "uppmax", blocks, tmp_path)
    # The exercise's claim fails: the job inherited the bundle from the submitting shell.
    assert failure.location == where(claim, line_of_text(claim, "grep"))
    assert "failed with exit status 1" in failure.message


def test_mutation_a_variable_used_in_a_new_shell(model, site_manifest, tmp_path):
    session = session_of(site_manifest, "uppmax/isolated-uppmax", "uppmax")
    (block,) = blocks_with(session, 'python -c "import seaborn"')
    assert block.new_shell
    block.commands = [c for c in block.commands if not c.text.startswith("export ENVS")]
    failure = run_mutant(model, session.docname, "uppmax", [block], tmp_path)
    assert failure.location == where(block, line_of_text(block, "source $ENVS"))
    assert "$ENVS is not set here" in failure.message


def conda_block(site_manifest):
    session = session_of(site_manifest, "uppmax/isolated-uppmax", "uppmax")
    (block,) = blocks_with(session, "conda env list")
    return session, block


def test_mutation_conda_activate_without_init(model, site_manifest, tmp_path):
    session, block = conda_block(site_manifest)
    command = next(c for c in block.commands if c.text == "source activate conda-demo")
    command.text = "conda activate conda-demo"
    failure = run_mutant(model, session.docname, "uppmax", [block], tmp_path)
    assert failure.location == where(block, command.line)
    assert "CondaError: Run 'conda init' before 'conda activate'" in failure.message


def test_mutation_a_channel_the_centre_does_not_allow(model, site_manifest, tmp_path):
    session, block = conda_block(site_manifest)
    command = next(c for c in block.commands if c.text.startswith("conda create"))
    command.text = command.text.replace("-c conda-forge", "-c anaconda")
    failure = run_mutant(model, session.docname, "uppmax", [block], tmp_path)
    assert failure.location == where(block, command.line)
    assert "channel 'anaconda' is not allowed" in failure.message


def test_an_unknown_account_is_refused_at_submission(model, site_manifest, tmp_path):
    session = session_of(site_manifest, "hpc2n/isolated-hpc2n", "hpc2n")
    (script,) = blocks_with(session, "#SBATCH -J venv-demo")
    script.commands[0].text = script.commands[0].text.replace("<account>", "uppmax2025-2-393")
    failure = run_mutant(model, session.docname, "hpc2n", [script], tmp_path)
    assert failure.location == where(script, script.commands[0].line)
    assert "Invalid account or account/partition combination" in failure.message


def test_an_undefined_placeholder_is_an_error_at_its_line(model, site_manifest, tmp_path):
    session = session_of(site_manifest, "hpc2n/isolated-hpc2n", "hpc2n")
    (block,) = blocks_with(session, "export ENVS=")
    block.commands[0].text = block.commands[0].text.replace("<storage-folder>", "<project>")
    failure = run_mutant(model, session.docname, "hpc2n", [block], tmp_path)
    assert failure.location == where(block, block.commands[0].line)
    assert "the placeholder <project> is not defined for hpc2n" in failure.message


# -- Module names outside command blocks -------------------------------------------------------

#: `SciPy-bundle/2024.05-gfbf-2024a`, `GCC/12.3.0`: a module name with a version.
MODULE_NAME = re.compile(r"\b[A-Za-z][\w.+-]*/\d[\w.+-]*\b")
#: Names the pages mention as gone or of other systems, on purpose, with why.
NOT_MODULES = {
    "python/3.11.8": "Rackham's lowercase name, named as one that does not exist on Pelle",
    "GCCcore/10.3.0": "an old HPC2N module, named as gone (instructor note)",
    "Python/3.9.5": "an old HPC2N module, named as gone (instructor note)",
}


def module_names_in_text(doctree) -> list[tuple[int, str]]:
    """(line, name) of module names in inline code (in text and tables) and terms of a page."""
    found = []
    for node in doctree.findall(lambda n: n.tagname in ("literal", "term")):
        line = node.line or (node.parent.line if node.parent is not None else None) or 0
        for name in MODULE_NAME.findall(node.astext()):
            found.append((line, name))
    return found


@pytest.mark.parametrize("docname", [*PAGES, "glossary"])
def test_module_names_outside_command_blocks_are_known(site, docname):
    centres = load_centres(DATA)
    page_centres = [c for c in centres if docname.startswith(c)] or list(centres)
    known = {name for c in page_centres for name in centres[c].modules}
    doctree = read_doctree(site.doctreedir, docname)
    source = f"docs/{docname}"
    unknown = [
        f"{source}:{line}: {name!r} is not a module of {' or '.join(page_centres)} in "
        "data/known-modules.toml"
        for line, name in module_names_in_text(doctree)
        if name not in known and name not in NOT_MODULES and "/" in name
        and not name.startswith(("docs/", "software/", "documentation/"))
    ]  # fmt: skip
    assert unknown == []


def test_a_wrong_version_in_a_table_of_modules_is_found_at_its_line():
    """The issue's case: a nonexistent SciPy-bundle version in the UPPMAX page's table."""
    from docutils.core import publish_doctree

    page = (
        ".. list-table::\n   :header-rows: 1\n\n   * - Python module\n     - Bundle\n"
        "   * - ``Python/3.12.3-GCCcore-13.3.0``\n     - ``SciPy-bundle/2024.06-gfbf-2024a``\n"
    )
    doctree = publish_doctree(page, settings_overrides={"report_level": 5})
    known = load_centres(DATA)["uppmax"].modules
    names = module_names_in_text(doctree)
    assert (7, "SciPy-bundle/2024.06-gfbf-2024a") in names
    assert [name for _, name in names if name not in known] == ["SciPy-bundle/2024.06-gfbf-2024a"]


def test_sticky_modules_survive_a_purge_at_hpc2n(model, site_manifest, tmp_path):
    session = session_of(site_manifest, "hpc2n/isolated-hpc2n", "hpc2n")
    (block,) = blocks_with(session, "ml GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07")
    purge = block.commands[0]
    assert purge.text == "ml purge"
    listing = dataclasses.replace(
        purge, text="module -t list", expected=["snicenvironment", "systemdefault"]
    )
    block.commands = [purge, listing]
    result = model.run(ClusterSession(session.docname, "hpc2n", [block]), tmp_path)
    assert report(result) == ""


def test_a_time_limit_above_the_partitions_is_refused(model, site_manifest, tmp_path):
    session = session_of(site_manifest, "hpc2n/isolated-hpc2n", "hpc2n")
    (script,) = blocks_with(session, "#SBATCH -J venv-demo")
    script.commands[0].text = script.commands[0].text.replace("-t 00:05:00", "-t 30-00:00:00")
    failure = run_mutant(model, session.docname, "hpc2n", [script], tmp_path)
    assert failure.location == where(script, script.commands[0].line)
    assert "Requested time limit is invalid" in failure.message


def test_a_conda_command_the_stand_in_does_not_model_is_reported_not_passed(
    model, site_manifest, tmp_path
):
    session, block = conda_block(site_manifest)
    load = next(c for c in block.commands if c.text.startswith("module load Miniforge3"))
    clean = dataclasses.replace(load, line=load.line + 1, text="conda clean -a", expected=[])
    block.commands = [load, clean]
    failure = run_mutant(model, session.docname, "uppmax", [block], tmp_path)
    assert failure.location == where(block, clean.line)
    assert "is not modelled by the centre model, so it was not checked" in failure.message
