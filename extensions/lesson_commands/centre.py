"""The centre model: the cluster-only blocks of a page run on a model of their centre.

A centre is read from two data files (:func:`load_centres`): ``known-modules.toml`` (its
modules, which :mod:`.lmod_tree` turns into a real Lmod tree) and ``centres.toml`` (the
learner profile, the Slurm partition and accounts, the storage folders, the conda channels,
the centre's own commands). :class:`CentreModel` runs a :class:`~.manifest.ClusterSession`, a
page's blocks for one centre, in page order:

- **Placeholders**: each ``<word>`` is replaced by the learner profile's value; a word the
  profile does not define, ``<account>`` inside a path, or a path placeholder after ``-A`` is
  an error at its line, reported before anything runs.
- **Storage**: the centre's storage folders (``/proj``) are rewritten to folders of the same
  name inside the sandbox, so nothing is written elsewhere on the machine.
- **Shells**: the blocks run in one bash session after a login (Lmod set up, the centre's
  sticky modules loaded); a block marked ``:class: new-shell`` starts a new one, without the
  earlier blocks' variables and activations (the files they wrote stay). A variable a shell
  uses but never sets is an error at its line.
- **Job scripts** (``bash`` blocks) are saved under the name the next ``sbatch`` of the page
  submits (or submitted and waited for by the model itself when the page submits none);
  before a command reads ``slurm-*.out`` the model waits for the jobs, as the page tells the
  learner to; a job that fails is reported at its script's line.
- **Output** shown on the page is compared as for runnable blocks (:mod:`.output`); a block
  marked ``:fails:`` must end with a failing command.

Slurm is the real one (:mod:`.slurm`), shared by all sessions of a test run.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .lmod_tree import LMOD_INIT, ModuleTree, build_tree, requirements_of
from .manifest import ClusterBlock, ClusterSession, display_path
from .output import output_matches
from .sandbox import SYSTEM_PATH, Failure, base_python, recorded_step
from .slurm import Partition, SlurmCluster

#: Languages of job scripts (the other cluster blocks are console sessions).
SCRIPT_LANGUAGES = frozenset({"bash", "sh", "shell", "zsh", "ksh"})
#: `<account>`, `<storage-folder>`: a placeholder word.
PLACEHOLDER = re.compile(r"<[a-z][a-z0-9-]*>")
#: `$ENVS`, `${ENVS}`: a variable used.
VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
#: `export A=...`, `A=...` at the start of a command: a variable set.
ASSIGNMENT = re.compile(r"(?:^|[;&|]\s*|export\s+)([A-Za-z_][A-Za-z0-9_]*)=", re.MULTILINE)
#: The account of a job or allocation.
ACCOUNT = re.compile(r"(?:^|\s)(?:-A\s*|--account[=\s]+)(\S+)")
#: `sbatch [options] SCRIPT`: the script a command submits.
SBATCH = re.compile(r"\bsbatch\b((?:\s+-\S+(?:\s+(?!-)\S+)?)*?)\s+([\w./-]+\.sh)\b")
#: What Slurm says when it accepts a job.
SUBMITTED = re.compile(r"Submitted batch job (\d+)")
#: Variables every login shell (or job) has, which a page need not set.
LOGIN_VARIABLES = frozenset(
    {
        "HOME",
        "USER",
        "LOGNAME",
        "PATH",
        "PWD",
        "OLDPWD",
        "SHELL",
        "LANG",
        "TMPDIR",
        "HOSTNAME",
        "CONDA_PREFIX",
        "CONDA_DEFAULT_ENV",
        "VIRTUAL_ENV",
        "SLURM_JOB_ID",
        "SLURM_SUBMIT_DIR",
    }
)
#: Seconds the model waits for the jobs of a session.
JOB_TIMEOUT = 300
#: Lines of Lmod's own messages worth keeping in the report.
LMOD_MESSAGE = re.compile(
    r"^(Lmod has detected|The following have been reloaded|Due to MODULEPATH"
    r"|Inactive Modules|The following module\(s\) are unknown)",
    re.M,
)


class CentreDataError(Exception):
    """The centre data files are missing or incomplete; the message names the file."""


@dataclass
class Centre:
    """One centre as the model runs it."""

    name: str
    cluster: str
    hierarchical: bool
    storage: list[str]
    #: Placeholder -> {"value": ..., "kind": "account" | "path"}.
    profile: dict[str, dict]
    partition: Partition
    conda_allowed: list[str]
    commands: list[str]
    modules: dict[str, dict]


def login_name() -> str:
    """``$USER`` of the learner profile: the user running the model (jobs run as them)."""
    return pwd.getpwuid(os.getuid()).pw_name


def load_centres(data_dir: Path) -> dict[str, Centre]:
    """Read ``known-modules.toml`` and ``centres.toml`` from ``data_dir``."""
    data = {}
    for name in ("known-modules.toml", "centres.toml"):
        path = data_dir / name
        try:
            data[name] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CentreDataError(f"{path}: {error}") from None
    modules = data["known-modules.toml"].get("centres", {})
    centres = {}
    for name, table in data["centres.toml"].get("centres", {}).items():
        try:
            slurm = table["slurm"]
            centres[name] = Centre(
                name=name,
                cluster=table["cluster"],
                hierarchical=bool(table.get("hierarchical")),
                storage=list(table.get("storage", [])),
                profile=dict(table.get("profile", {})),
                partition=Partition(slurm["partition"], slurm["max_time"], slurm["accounts"]),
                conda_allowed=list(table.get("conda", {}).get("allowed", [])),
                commands=list(table.get("commands", {})),
                modules=modules.get(name, {}).get("modules", {}),
            )
        except KeyError as error:
            raise CentreDataError(
                f"{data_dir / 'centres.toml'}: centre {name!r} has no {error.args[0]!r}"
            ) from None
    return centres


def wheelhouse_requirements(data_dir: Path, centres: dict[str, Centre]) -> list[str]:
    """Pinned packages the model itself needs: the bundles' contents and the extra pins."""
    extra = tomllib.loads((data_dir / "centres.toml").read_text("utf-8")).get("wheelhouse", {})
    pins = list(extra.get("extra", []))
    for centre in centres.values():
        pins += [pin for pin in requirements_of(centre.modules) if pin not in pins]
    return pins


# -- Placeholders, paths and variables -----------------------------------------------------


def prepare_text(text: str, centre: Centre, root: Path) -> tuple[str, list[tuple[int, str]]]:
    """``text`` with placeholders filled and storage paths moved into the sandbox ``root``.

    Returns the new text and ``(line offset, problem)`` pairs for placeholders that are
    undefined or in the wrong place.
    """
    problems = []
    for offset, line in enumerate(text.splitlines()):
        accounts = {m for value in ACCOUNT.findall(line) for m in PLACEHOLDER.findall(value)}
        for word in line.split():
            for placeholder in PLACEHOLDER.findall(word):
                entry = centre.profile.get(placeholder)
                defined = ", ".join(sorted(centre.profile)) + ", $USER"
                if entry is None:
                    problems.append(
                        (
                            offset,
                            f"the placeholder {placeholder} is not defined for "
                            f"{centre.name}: the page defines {defined}",
                        )
                    )
                elif entry["kind"] == "account" and "/" in word:
                    problems.append(
                        (
                            offset,
                            f"{placeholder} is the Slurm account, but it is "
                            "used in a path; a path takes the storage folder "
                            "(<storage-folder>)",
                        )
                    )
                elif entry["kind"] == "path" and placeholder in accounts:
                    problems.append(
                        (
                            offset,
                            f"{placeholder} is a storage folder, but it is "
                            "used as the Slurm account (-A); use <account>",
                        )
                    )
    for placeholder, entry in centre.profile.items():
        text = text.replace(placeholder, entry["value"])
    for folder in centre.storage:
        text = re.sub(rf"(?<![\w./~-]){re.escape(folder)}(?=/|\b)", str(root) + folder, text)
    return text, problems


def variables_used(text: str) -> list[str]:
    """Variables ``text`` uses, outside single quotes, in order of first use."""
    unquoted = re.sub(r"'[^'\n]*'", "", text)
    return list(dict.fromkeys(VARIABLE.findall(unquoted)))


def variables_set(text: str) -> set[str]:
    return set(ASSIGNMENT.findall(text))


# -- Steps -------------------------------------------------------------------------------------


@dataclass
class Step:
    """One thing the session does, with the page location it is reported at."""

    location: str
    text: str
    #: What the page shows (the command as written, for messages).
    shown: str
    expected: list[str] = field(default_factory=list)
    compare: bool = False
    must_fail: bool = False
    #: Internal steps (saving a job script, waiting) are not counted as the page's commands.
    internal: bool = False
    #: The job script a ``sbatch`` step submits, for the job's report.
    script: ClusterBlock | None = None


@dataclass
class Shell:
    """The steps of one shell: the first block, or a block marked new-shell, starts one."""

    new: bool
    steps: list[Step] = field(default_factory=list)


@dataclass
class ClusterResult:
    """What running a session gave: its failures, how many commands ran, Lmod's messages."""

    session: ClusterSession
    failures: list[Failure] = field(default_factory=list)
    ran: int = 0
    commands: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def _script_name(block: ClusterBlock, later: list[ClusterBlock]) -> tuple[str, bool]:
    """The file a job script is saved as, and whether the page submits it itself.

    The name the next ``sbatch`` of the page gives (before the next job script); otherwise a
    name of the model's, and the model submits it.
    """
    for other in later:
        if other.language in SCRIPT_LANGUAGES:
            break
        written = " ".join(command.text for command in other.commands)
        for command in other.commands:
            # A script the block writes itself (`sed ... > other.sh`) is not this one.
            if (match := SBATCH.search(command.text)) and f"> {match[2]}" not in written:
                return match[2], True
    return f"job-{block.line}.sh", False


def plan(session: ClusterSession, centre: Centre, root: Path) -> tuple[list[Shell], list[Failure]]:
    """The shells and steps of ``session``, and the problems found before running."""
    shells: list[Shell] = []
    problems: list[Failure] = []
    scripts: dict[str, ClusterBlock] = {}
    known: set[str] = set()
    for index, block in enumerate(session.blocks):
        if not shells or block.new_shell:
            shells.append(Shell(new=bool(shells)))
            known = set()
        shell = shells[-1]
        for number, command in enumerate(block.commands):
            location = f"{display_path(block.source)}:{command.line}"
            text, found = prepare_text(command.text, centre, root)
            problems += [
                Failure(f"{display_path(block.source)}:{command.line + offset}", session.title, p)
                for offset, p in found
            ]
            is_script = block.language in SCRIPT_LANGUAGES
            own = variables_set(command.text)
            # A job script is a shell of its own; a console command sees the shell's variables.
            have = own | LOGIN_VARIABLES | (set() if is_script else known)
            for offset, line in enumerate(command.text.splitlines()):
                for name in variables_used(line):
                    if name not in have:
                        where = (
                            "a job script starts"
                            if is_script
                            else ("this shell started" if shell.new else "the session started")
                        )
                        problems.append(
                            Failure(
                                f"{display_path(block.source)}:{command.line + offset}",
                                session.title,
                                f"${name} is not set here: {where} without it (a new shell or job "
                                "has none of the earlier blocks' variables); set it in the block "
                                f"(export {name}=...) or write the value out",
                            )
                        )
            known |= own
            if is_script:
                name, submitted = _script_name(block, session.blocks[index + 1 :])
                scripts[name] = block
                shell.steps.append(
                    Step(
                        location,
                        f"cat > {name} <<'__CENTRE_MODEL_EOF__'\n{text}\n__CENTRE_MODEL_EOF__",
                        command.text,
                        internal=True,
                    )
                )
                if not submitted:
                    # Submitted, then waited for (the wait step checks how the job ended):
                    # faster than `sbatch --wait`, which polls every few seconds.
                    shell.steps += [
                        Step(location, f"sbatch {name}", command.text, script=block,
                             internal=True),
                        Step(location, "__centre_model_wait_for_jobs", command.text,
                             internal=True),
                    ]  # fmt: skip
                continue
            if "slurm-" in text:
                # The page says to read the output "when the job has finished".
                text = "__centre_model_wait_for_jobs\n" + text
            match = SBATCH.search(command.text)
            last = number == len(block.commands) - 1
            shell.steps.append(
                Step(
                    location,
                    text,
                    command.text,
                    command.expected,
                    block.compare,
                    must_fail=block.fails and last,
                    script=scripts.get(match[2]) if match else None,
                )
            )
        if shell.steps and (
            index + 1 == len(session.blocks) or session.blocks[index + 1].new_shell
        ):
            shell.steps.append(
                Step(
                    shell.steps[-1].location,
                    "__centre_model_wait_for_jobs",
                    "(waiting for the jobs)",
                    internal=True,
                )
            )
    return shells, problems


# -- Running -----------------------------------------------------------------------------------


@dataclass
class CentreModel:
    """The model of every centre: module trees, storage, the learner's home, one Slurm.

    ``root`` holds one folder per centre (its tree, storage and home); the sessions of a
    centre share them, as a learner's sessions share their files on the cluster.
    """

    root: Path
    centres: dict[str, Centre]
    slurm: SlurmCluster
    wheelhouse: Path
    package_cache: Path
    python: str = field(default_factory=base_python)
    trees: dict[str, ModuleTree] = field(default_factory=dict)

    def prepare(self, centre: Centre) -> ModuleTree:
        """The centre's module tree, storage folders and site commands (made once)."""
        if centre.name not in self.trees:
            folder = self.root / centre.name
            self.trees[centre.name] = build_tree(
                centre.modules,
                folder / "lmod",
                hierarchical=centre.hierarchical,
                python=self.python,
                wheelhouse=self.wheelhouse,
                package_cache=self.package_cache,
                conda_allowed=centre.conda_allowed,
            )
            for storage in centre.storage:
                (folder / "sandbox" / storage.lstrip("/")).mkdir(parents=True, exist_ok=True)
            (folder / "home").mkdir(exist_ok=True)
            _site_commands(folder / "site-bin", centre)
        return self.trees[centre.name]

    def environment(self, centre: Centre, work: Path) -> dict[str, str]:
        """A login's environment at ``centre``: no Python on PATH until a module is loaded."""
        folder = self.root / centre.name
        tree = self.trees[centre.name]
        return {
            "HOME": str(folder / "home"),
            "USER": login_name(),
            "LOGNAME": login_name(),
            "PATH": os.pathsep.join([str(folder / "site-bin"), *SYSTEM_PATH]),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
            "SHELL": "/bin/bash",
            "TMPDIR": str(work),
            # Lmod: the centre's tree; /etc/profile.d/lmod.sh keeps it in login shells (jobs).
            "MODULEPATH_ROOT": str(tree.root),
            "MODULEPATH": str(tree.modulepath),
            "LMOD_ALLOW_ROOT_USE": "yes",
            "LMOD_REDIRECT": "no",
            # Slurm: the model's cluster, the centre's partition.
            **self.slurm.environment(),
            "SBATCH_PARTITION": centre.partition.name,
            "SALLOC_PARTITION": centre.partition.name,
            # pip: nothing from the machine, wheels from the wheelhouse only.
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(self.wheelhouse),
            "PIP_REQUIRE_VIRTUALENV": "1",
            # Bytecode is written when a module is first imported, as on the cluster, not for
            # every file pip installs (most are never imported here). Imports of the bundle
            # packages then read the bytecode kept with them in the package cache.
            "PIP_NO_COMPILE": "1",
            # Matplotlib's font cache, kept between runs (as a learner's home keeps it):
            # building it takes seconds at every first `import seaborn`.
            "MPLCONFIGDIR": str(self.package_cache.parent / "centre-model-matplotlib"),
        }

    def run(self, session: ClusterSession, work: Path) -> ClusterResult:
        """Run ``session`` with ``work`` as the learner's current folder."""
        centre = self.centres.get(session.centre)
        result = ClusterResult(session)
        if centre is None:
            result.failures.append(
                Failure(
                    session.blocks[0].location,
                    session.title,
                    f"no model of the centre {session.centre!r} in data/centres.toml",
                )
            )
            return result
        tree = self.prepare(centre)
        sandbox = self.root / centre.name / "sandbox"
        shells, problems = plan(session, centre, sandbox)
        result.commands = sum(1 for shell in shells for step in shell.steps if not step.internal)
        if problems:
            result.failures += problems
            return result
        work.mkdir(parents=True, exist_ok=True)
        env = self.environment(centre, work)
        results = work / ".centre-model"
        results.mkdir(exist_ok=True)
        number = 0
        jobs: dict[str, ClusterBlock] = {}
        for shell_index, shell in enumerate(shells):
            script = results / f"shell-{shell_index}.sh"
            script.write_text(_shell_script(shell, tree, results, number), encoding="utf-8")
            subprocess.run(
                ["bash", "--noprofile", "--norc", str(script)],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=JOB_TIMEOUT * 2,
                check=False,
            )
            for step in shell.steps:
                failure = self._check(step, number, results, work, session, jobs)
                number += 1
                if failure is None and not (results / f"{number - 1}.status").exists():
                    failure = Failure(step.location, session.title, f"`{step.shown}` did not run")
                if failure is not None:
                    result.failures.append(failure)
                    return result
                if not step.internal:
                    result.ran += 1
                output = (results / f"{number - 1}.out").read_text("utf-8", errors="replace")
                result.notes += _lmod_messages(step.location, output)
        return result

    def _check(
        self,
        step: Step,
        number: int,
        results: Path,
        work: Path,
        session: ClusterSession,
        jobs: dict[str, ClusterBlock],
    ) -> Failure | None:
        """The failure of ``step`` (the ``number``-th), if any; ``jobs``: the jobs submitted
        so far that have not been checked, by id."""
        status_file = results / f"{number}.status"
        if not status_file.exists():
            return None
        status = int(status_file.read_text().strip() or "1")
        output = (results / f"{number}.out").read_text("utf-8", errors="replace")
        where = step.location
        if step.must_fail:
            if status == 0:
                return Failure(
                    where,
                    session.title,
                    f"`{step.shown}` succeeded, but the block "
                    "is marked :fails: (the lesson says it fails); its output:\n"
                    + _indent(output)
                    + self._jobs_of(output, work),
                )
            return None
        if status != 0:
            if "not modelled:" in output:
                return Failure(
                    where,
                    session.title,
                    f"`{step.shown}` is not modelled by the "
                    f"centre model, so it was not checked:\n{_indent(output)}",
                )
            job = self._jobs_of(output, work)
            return Failure(
                where,
                session.title,
                f"`{step.shown}` failed with exit status "
                f"{status}; its output:\n{_indent(output)}{job}",
            )
        for job_id in SUBMITTED.findall(output):
            if step.script is not None:
                jobs[job_id] = step.script
        if step.compare and step.expected and not output_matches(step.expected, output):
            return Failure(
                where,
                session.title,
                f"`{step.shown}` printed other output than the "
                f"page shows.\n  The page shows:\n{_indent(chr(10).join(step.expected))}"
                f"\n  It printed:\n{_indent(output)}",
            )
        if step.text.startswith("__centre_model_wait_for_jobs"):
            return self._failed_job(jobs, work, session)
        return None

    def _failed_job(
        self, jobs: dict[str, ClusterBlock], work: Path, session: ClusterSession
    ) -> Failure | None:
        """The first of ``jobs`` that ended badly, reported at its script's line."""
        for job_id, script in list(jobs.items()):
            fields = self.slurm.job(job_id)
            if fields.get("JobState") in (None, "COMPLETED"):
                jobs.pop(job_id)
                continue
            if fields.get("JobState") in ("PENDING", "RUNNING"):
                continue
            jobs.pop(job_id)
            out = work / f"slurm-{job_id}.out"
            text = out.read_text("utf-8", errors="replace") if out.exists() else "(no output)"
            return Failure(
                _script_line(script, text),
                session.title,
                f"the job {job_id} from this script ended {fields.get('JobState')} "
                f"(exit code {fields.get('ExitCode')}); slurm-{job_id}.out:\n" + _indent(text),
            )
        return None

    def _jobs_of(self, output: str, work: Path) -> str:
        jobs = SUBMITTED.findall(output)
        parts = []
        for job_id in jobs:
            out = work / f"slurm-{job_id}.out"
            if out.exists():
                parts.append(f"\n  slurm-{job_id}.out:\n{_indent(out.read_text('utf-8'))}")
        return "".join(parts)


def _lmod_messages(location: str, output: str) -> list[str]:
    """Lmod's messages in ``output`` (a message line and the indented lines under it)."""
    messages: list[str] = []
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if LMOD_MESSAGE.match(line):
            details = []
            for following in lines[index + 1 :]:
                if following.strip() and not following.startswith(" "):
                    break
                details.append(following.strip())
            messages.append(f"{location}: {' '.join([line, *filter(None, details)])}")
    return messages


def _script_line(script: ClusterBlock, output: str) -> str:
    """The page line of a job script that bash's ``line N:`` message in ``output`` names."""
    first = script.commands[0].line if script.commands else script.line
    match = re.search(r"slurm_script: line (\d+):", output)
    line = first + int(match[1]) - 1 if match else first
    return f"{display_path(script.source)}:{line}"


def _shell_script(shell: Shell, tree: ModuleTree, results: Path, first: int) -> str:
    """A login followed by the shell's steps, each keeping its output and status."""
    lines = [
        "set +e",
        "# A login: Lmod set up, the centre's login modules loaded.",
        f"source {shlex.quote(str(LMOD_INIT))} >/dev/null 2>&1",
        *(
            [f"module --initial_load load {' '.join(tree.sticky)} >/dev/null 2>&1"]
            if tree.sticky
            else []
        ),
        "__centre_model_wait_for_jobs() {",
        f"  local tries=0; while [ $tries -lt {JOB_TIMEOUT * 5} ] && "
        '[ -n "$(squeue -h -u "$USER" -o %i 2>/dev/null)" ]; do',
        "    sleep 0.2; tries=$((tries + 1)); done",
        "}",
    ]
    for offset, step in enumerate(shell.steps):
        status = shlex.quote(str(results / f"{first + offset}.status"))
        lines += recorded_step(step.location, step.text, results, first + offset)
        # The shell goes on only while the steps do what the page says.
        check = "= 0 ] || exit 0" if not step.must_fail else "!= 0 ] || exit 0"
        lines.append(f'[ "$(cat {status})" {check}')
    return "\n".join(lines) + "\n"


def _site_commands(bin_dir: Path, centre: Centre) -> None:
    """The centre's own commands the lessons use, as small stand-ins."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    scripts = {
        # UPPMAX's interactive takes sbatch's options and starts an allocation (salloc).
        "interactive": "#!/bin/sh\n# centre model: UPPMAX's interactive is salloc here\n"
        'exec salloc "$@"\n',
        # uquota: the use of the home and project folders (no quotas are enforced).
        "uquota": "#!/bin/sh\n# centre model: uquota shows use, not limits\n"
        'echo "Your project     Your File Area       Unit        Usage  Quota Limit  Over Quota"\n'
        'echo "---------------  -------------------  -------  --------  -----------  ----------"\n'
        'printf "home             %-19s  GiB      %8s  64           \\n" "$HOME" '
        '"$(du -sm "$HOME" 2>/dev/null | awk \'{printf "%.2f", $1/1024}\')"\n',
    }
    for name in centre.commands:
        if name in scripts:
            (bin_dir / name).write_text(scripts[name], encoding="utf-8")
            (bin_dir / name).chmod(0o755)


def _indent(text: str) -> str:
    lines = text.rstrip("\n").splitlines() or ["(nothing)"]
    return "\n".join("    | " + line for line in lines)
