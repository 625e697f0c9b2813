"""A real Lmod module tree for a centre, generated from the known-modules file.

Each module of ``data/known-modules.toml`` becomes a Lua modulefile that Debian's Lmod loads.
What a module does comes from the optional keys of its entry (see the file's header):

- ``python = "X.Y.Z"``: a ``bin`` folder with ``python``/``python3``/``pip``/``pip3`` is put
  on ``PATH``. The interpreter is the sandbox's own (there is one Python on the machine);
  ``python -V`` prints the module's version, the only thing the stand-in pretends.
- ``packages = [...]``: the pinned packages, installed once from the wheelhouse into a folder
  of their own, are put on ``PYTHONPATH`` (as EasyBuild's bundle modules do), so a venv made
  with ``--system-site-packages`` sees them and ``pip list --local`` does not.
- ``needs = "M/V"`` (hierarchical centres): the modulefile lies in the folder that ``M/V``
  adds to ``MODULEPATH``; without ``needs`` it lies in ``Core``. At a flat centre everything
  lies in one folder.
- ``loads``, ``family``, ``sticky``: Lmod's ``load``, ``family`` and the sticky property.
- ``conda = [...]``: a conda installation; its ``bin`` has the conda stand-in
  (:mod:`.conda_standin`).

Nothing here imitates Lmod: loading, swapping, hierarchy, ``spider`` and their messages are
Lmod's own.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: Where Debian's ``lmod`` package installs Lmod's shell set-up.
LMOD_INIT = Path("/usr/share/lmod/lmod/init/bash")
#: The conda stand-in, run with the sandbox's interpreter.
CONDA_STANDIN = Path(__file__).with_name("conda_standin.py")


def lmod_available() -> bool:
    """Whether Lmod is installed where Debian's ``lmod`` package puts it."""
    return LMOD_INIT.is_file()


@dataclass
class ModuleTree:
    """A generated tree: the folder to put on ``MODULEPATH`` and the modules to load at login."""

    root: Path
    modulepath: Path
    sticky: list[str]


def _lua(text: str) -> str:
    """A Lua string literal (JSON's escapes are valid Lua)."""
    return json.dumps(text)


def _folder_of(name: str, entry: dict, tree: Path, hierarchical: bool) -> Path:
    """The folder of the modulefile: Core, or the one its ``needs`` module adds."""
    if not hierarchical:
        return tree / "modules"
    if entry.get("needs"):
        return tree / "Compiler" / entry["needs"]
    return tree / "Core"


def _versioned(name: str, modules: dict) -> bool:
    """A bare name (``Miniforge3``) that is only the default of versioned entries."""
    return "/" not in name and any(other.startswith(name + "/") for other in modules)


def install_packages(packages: list[str], wheelhouse: Path, cache: Path, python: str) -> Path:
    """Install ``packages`` once into a folder under ``cache``; return the folder.

    The folder is named after the package list and the interpreter, so it is reused by every
    module with the same packages and by later runs (installing NumPy and pandas takes
    seconds, and no module changes them).
    """
    key = hashlib.sha256(json.dumps([sorted(packages), python]).encode()).hexdigest()[:16]
    target = cache / key
    stamp = target / ".installed"
    cache.mkdir(parents=True, exist_ok=True)
    # Test workers may build their trees at the same time: one installs, the others wait.
    with (cache / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists():
            _pip_install_target(packages, wheelhouse, target, python)
            stamp.write_text("\n".join(packages) + "\n", encoding="utf-8")
    return target


def _pip_install_target(packages: list[str], wheelhouse: Path, target: Path, python: str) -> None:
    """Install from the wheelhouse only; a package missing there is a clear error."""
    completed = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index",
         "--find-links", str(wheelhouse), "--no-compile", "--target", str(target), *packages],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise RuntimeError(
            f"the centre model cannot install the bundle packages {', '.join(packages)} from "
            f"the wheelhouse {wheelhouse} (check their pins in known-modules.toml): "
            + completed.stderr.strip()
        )


def _python_bin(folder: Path, version: str, python: str) -> Path:
    """``bin`` of a Python module: the sandbox's interpreter under the module's version."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    real = shlex.quote(python)
    # `python -V` prints the module's version: the pages show it, and it is all that differs.
    script = (
        "#!/bin/sh\n"
        "# Python module of the centre model: the sandbox's interpreter stands in.\n"
        f'case "$1" in -V|--version) echo "Python {version}"; exit 0;; esac\n'
        # pip may install only into an environment (PIP_REQUIRE_VIRTUALENV), so no lesson
        # changes the interpreter standing in; pip's commands that only read or download
        # are free outside one, as on the cluster.
        'case "$1 $2 $3" in "-m pip download"*|"-m pip list"*|"-m pip freeze"*|"-m pip show"*)\n'
        "  export PIP_REQUIRE_VIRTUALENV=0;; esac\n"
        f'exec {real} "$@"\n'
    )
    for name in ("python", "python3"):
        (bin_dir / name).write_text(script, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    for name in ("pip", "pip3"):
        (bin_dir / name).write_text(f'#!/bin/sh\nexec {real} -m pip "$@"\n', encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def _conda_bin(folder: Path, channels: list[str], allowed: list[str], python: str) -> Path:
    """``bin`` of a conda installation: the stand-in as ``conda`` and its ``activate``."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    settings = folder / "standin.json"
    settings.write_text(
        json.dumps({"root": str(folder), "channels": channels, "allowed": allowed}),
        encoding="utf-8",
    )
    conda = bin_dir / "conda"
    conda.write_text(
        f"#!/bin/sh\nCONDA_STANDIN_SETTINGS={shlex.quote(str(settings))} "
        f'exec {shlex.quote(python)} {shlex.quote(str(CONDA_STANDIN))} "$@"\n',
        encoding="utf-8",
    )
    conda.chmod(0o755)
    # `source activate NAME`: the script asks the stand-in for the environment's prefix and
    # puts it first on PATH; then `conda deactivate` works, as after conda's own script.
    (bin_dir / "activate").write_text(
        "# conda stand-in: `source activate NAME_OR_PREFIX` (no `conda init` needed)\n"
        f'__conda_prefix="$({shlex.quote(str(conda))} __locate "$1")" || return 1\n'
        'export CONDA_PREFIX="$__conda_prefix" CONDA_DEFAULT_ENV="$1"\n'
        'export CONDA_STANDIN_OLD_PATH="$PATH" PATH="$__conda_prefix/bin:$PATH"\n'
        'PS1="($(basename "$__conda_prefix")) ${PS1:-}"\n'
        "conda() {\n"
        '  if [ "$1" = deactivate ]; then\n'
        '    export PATH="$CONDA_STANDIN_OLD_PATH"; unset CONDA_PREFIX CONDA_DEFAULT_ENV\n'
        f'  else command {shlex.quote(str(conda))} "$@"; fi\n'
        "}\n",
        encoding="utf-8",
    )
    return bin_dir


def modulefile(
    name: str, entry: dict, software: Path, tree: Path, packages: Path | None, *, opens: bool
) -> str:
    """The Lua modulefile of module ``name``; ``software`` is its installation folder.

    ``opens``: other modules ``need`` it, so it adds its folder of the hierarchy.
    """
    about = f"{name}: a module of the centre model. Source: {entry.get('source')}, "
    about += entry.get("where", "")
    lines = [f"help({_lua(about)})", f"whatis({_lua('Name: ' + name.split('/')[0])})"]
    if entry.get("family"):
        lines.append(f"family({_lua(entry['family'])})")
    if entry.get("sticky"):
        lines.append('add_property("lmod", "sticky")')
    for other in entry.get("loads", []):
        # EasyBuild's modules load a dependency only when it is not loaded yet.
        lines.append(f"if not isloaded({_lua(other)}) then load({_lua(other)}) end")
    if entry.get("python") or entry.get("conda"):
        lines.append(f'prepend_path("PATH", {_lua(str(software / "bin"))})')
    if packages is not None:
        lines.append(f'prepend_path("PYTHONPATH", {_lua(str(packages))})')
        if (packages / "bin").is_dir():
            lines.append(f'prepend_path("PATH", {_lua(str(packages / "bin"))})')
    if opens:
        # A module that others need (a compiler) opens its folder of the hierarchy.
        lines.append(f'prepend_path("MODULEPATH", {_lua(str(tree / "Compiler" / name))})')
    return "\n".join(lines) + "\n"


def build_tree(
    modules: dict[str, dict],
    destination: Path,
    *,
    hierarchical: bool,
    python: str,
    wheelhouse: Path,
    package_cache: Path,
    conda_allowed: list[str],
) -> ModuleTree:
    """Write the modulefiles and stand-in software of one centre under ``destination``.

    ``conda_allowed``: the channels the centre allows, which its conda stand-ins enforce.
    """
    software_root = destination / "software"
    needed = {entry["needs"] for entry in modules.values() if entry.get("needs")}
    for name, entry in modules.items():
        if _versioned(name, modules):
            continue
        software = software_root / name
        if entry.get("python"):
            _python_bin(software, entry["python"], python)
        if entry.get("conda") is not None:
            _conda_bin(software, list(entry["conda"]), conda_allowed, python)
        packages = None
        if entry.get("packages"):
            packages = install_packages(list(entry["packages"]), wheelhouse, package_cache, python)
        folder = _folder_of(name, entry, destination, hierarchical)
        path = folder / f"{name}.lua"
        path.parent.mkdir(parents=True, exist_ok=True)
        opens = name in needed
        text = modulefile(name, entry, software, destination, packages, opens=opens)
        path.write_text(text, "utf-8")
    modulepath = destination / ("Core" if hierarchical else "modules")
    modulepath.mkdir(parents=True, exist_ok=True)
    sticky = [name for name, entry in modules.items() if entry.get("sticky")]
    return ModuleTree(destination, modulepath, sticky)


def requirements_of(modules: dict[str, dict]) -> list[str]:
    """The pinned packages the modules' stand-in contents need in the wheelhouse."""
    pins: list[str] = []
    for entry in modules.values():
        pins += [pin for pin in entry.get("packages", []) if pin not in pins]
    return pins
