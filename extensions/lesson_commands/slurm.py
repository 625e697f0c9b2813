"""A real single-node Slurm for the centre model: Debian's ``slurmctld`` and ``slurmd``.

:class:`SlurmCluster` writes a ``slurm.conf`` into a folder of its own, starts both daemons in
the foreground (``-D``) as child processes, and stops them again; nothing is written outside
that folder (the commands find the configuration through ``SLURM_CONF``). The cluster has one
partition per centre, with the centre's time limit, on the one node this machine is.

Accounts are checked at submission by a ``job_submit.lua`` next to ``slurm.conf``: a job in a
centre's partition must name one of that centre's accounts (``-A``), as the centres reject
jobs without a valid project. (Slurm's own accounting would need a database daemon; the
plugin starts in no time and gives the same refusal.) ``EnforcePartLimits=ALL`` makes
``sbatch`` refuse a time limit above the partition's, as the centres' Slurm does.

Authentication is ``auth/none``, so no ``munged`` and no key are needed: the jobs all run as
the user who runs the tests. ``sbatch``, ``squeue``, ``scontrol``, ``salloc`` and ``scancel``
are Slurm's own; ``sacct`` answers that accounting is disabled.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

#: The daemons and commands the model needs (Debian: slurmctld, slurmd, slurm-client).
PROGRAMS = ("slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol", "salloc")
#: Where Debian's packages put the plugins; job_submit/lua must be among them.
PLUGIN_DIRS = (Path("/usr/lib/x86_64-linux-gnu/slurm-wlm"), Path("/usr/lib/slurm-wlm"))
#: Seconds the daemons may take to be ready.
START_TIMEOUT = 30.0


def slurm_missing() -> str | None:
    """Why a Slurm cannot be started here, or ``None`` when it can."""
    missing = [name for name in PROGRAMS if shutil.which(name) is None]
    if missing:
        return (
            f"Slurm is not installed ({', '.join(missing)} missing; as root: "
            "apt-get install slurmctld slurmd slurm-client)"
        )
    if not any((folder / "job_submit_lua.so").exists() for folder in PLUGIN_DIRS):
        return "Slurm's job_submit/lua plugin is missing"
    if os.geteuid() != 0:
        return "slurmd must run as root (it starts jobs as their user)"
    return None


@dataclass
class Partition:
    """A centre's partition: its name, time limit and the accounts that may use it."""

    name: str
    max_time: str
    accounts: list[str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def slurm_conf(folder: Path, partitions: list[Partition]) -> str:
    """The ``slurm.conf`` of a one-node cluster whose files all lie in ``folder``."""
    node = socket.gethostname().split(".")[0]
    lines = [
        "# Written by the centre model (lesson_commands.slurm); removed after the tests.",
        "ClusterName=centre-model",
        f"SlurmctldHost={node}",
        f"SlurmctldPort={_free_port()}",
        f"SlurmdPort={_free_port()}",
        "AuthType=auth/none",
        "CredType=cred/none",
        "SlurmUser=root",
        "SlurmdUser=root",
        f"StateSaveLocation={folder / 'state'}",
        f"SlurmdSpoolDir={folder / 'spool'}",
        f"SlurmctldPidFile={folder / 'slurmctld.pid'}",
        f"SlurmdPidFile={folder / 'slurmd.pid'}",
        f"SlurmctldLogFile={folder / 'slurmctld.log'}",
        f"SlurmdLogFile={folder / 'slurmd.log'}",
        # The settings known to work in a container: no cgroups, processes tracked by parent.
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core",
        "JobSubmitPlugins=lua",
        "EnforcePartLimits=ALL",
        "MpiDefault=none",
        "ReturnToService=2",
        "SchedulerType=sched/builtin",
        # Finished jobs stay visible to scontrol for the whole test session.
        "MinJobAge=3600",
        # As many cores as a compute node of the centres (Pelle: 48), whatever this machine
        # has: the jobs are small, and `salloc -n 4` must be possible as on the cluster.
        "SlurmdParameters=config_overrides",
        f"NodeName={node} CPUs=48 State=UNKNOWN",
    ]
    for index, partition in enumerate(partitions):
        default = "YES" if index == 0 else "NO"
        lines.append(
            f"PartitionName={partition.name} Nodes={node} Default={default} "
            f"MaxTime={partition.max_time} State=UP"
        )
    return "\n".join(lines) + "\n"


def job_submit_lua(partitions: list[Partition]) -> str:
    """The plugin that refuses a job whose account is not one of its partition's."""
    accounts = json.dumps({p.name: p.accounts for p in partitions})
    default = json.dumps(partitions[0].name)
    return f"""-- Written by the centre model: each centre's partition takes only its accounts.
local accounts = {{}}
for name, list in pairs({_lua_table(json.loads(accounts))}) do
  accounts[name] = {{}}
  for _, account in ipairs(list) do accounts[name][account] = true end
end

function slurm_job_submit(job_desc, part_list, submit_uid)
  local partition = job_desc.partition or {default}
  local allowed = accounts[partition] or {{}}
  if job_desc.account == nil or not allowed[job_desc.account] then
    slurm.log_user("Invalid account or account/partition combination specified: %s " ..
      "(centre model: partition %s takes the accounts of its centre only)",
      tostring(job_desc.account), partition)
    return slurm.ERROR
  end
  return slurm.SUCCESS
end

function slurm_job_modify(job_desc, job_rec, part_list, modify_uid)
  return slurm.SUCCESS
end

return slurm.SUCCESS
"""


def _lua_table(value: dict[str, list[str]]) -> str:
    items = ", ".join(
        f"[{json.dumps(k)}] = {{{', '.join(json.dumps(a) for a in v)}}}" for k, v in value.items()
    )
    return "{" + items + "}"


@dataclass
class SlurmCluster:
    """A running ``slurmctld`` and ``slurmd`` whose files lie in ``folder``."""

    folder: Path
    partitions: list[Partition]
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def conf(self) -> Path:
        return self.folder / "slurm.conf"

    def environment(self) -> dict[str, str]:
        """What a shell needs to reach this cluster."""
        return {"SLURM_CONF": str(self.conf)}

    def start(self) -> None:
        """Write the configuration, start both daemons and wait until the node is idle.

        Raises :class:`RuntimeError` with the daemons' logs when they do not come up.
        """
        for sub in ("state", "spool"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        self.conf.write_text(slurm_conf(self.folder, self.partitions), encoding="utf-8")
        (self.folder / "job_submit.lua").write_text(job_submit_lua(self.partitions), "utf-8")
        env = {**os.environ, **self.environment()}
        for command in (["slurmctld", "-D", "-i"], ["slurmd", "-D"]):
            log = (self.folder / f"{command[0]}.out").open("w")
            self.processes.append(
                subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                break
            state = self.run("sinfo", "-h", "-o", "%t")
            if state.returncode == 0 and state.stdout.split() and all(
                word in ("idle", "mix", "alloc") for word in state.stdout.split()
            ):  # fmt: skip
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Slurm did not start within {START_TIMEOUT:g} s:\n{self.logs()}")

    def run(self, *command: str) -> subprocess.CompletedProcess:
        env = {**os.environ, **self.environment()}
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    def job(self, job_id: str) -> dict[str, str]:
        """``scontrol show job``'s fields of a job (``JobState``, ``ExitCode`` ...)."""
        shown = self.run("scontrol", "show", "job", "-o", job_id).stdout
        return dict(item.split("=", 1) for item in shown.split() if "=" in item)

    def logs(self) -> str:
        parts = []
        for name in ("slurmctld.out", "slurmd.out", "slurmctld.log", "slurmd.log"):
            path = self.folder / name
            if path.exists():
                parts.append(f"--- {name}\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(parts)

    def stop(self) -> None:
        """Cancel what is left and stop both daemons (those this object started)."""
        if self.processes and all(process.poll() is None for process in self.processes):
            self.run("scancel", "--quiet", "--full", "-u", _user())
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


def _user() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name
