"""The conda stand-in of the centre model: the few conda commands the lessons use.

No conda can be installed from the package registries this project uses, so a site's conda
module (``Miniforge3``, ``Miniconda3``) gets this script as its ``conda``. It models:

- ``conda create --prefix PATH | --name NAME [-c CHANNEL]... [--override-channels] SPEC...``:
  the channels are checked against the centre's allowed list (the ``-c`` channels, and the
  installation's default channels unless ``--override-channels``); the environment is a venv
  of the sandbox's interpreter (its own Python, not the loaded module's) with the ``pip``
  packages of the specs (``numpy=1.26`` is installed as ``numpy==1.26.*`` from the wheelhouse;
  ``python=X.Y`` is recorded, not obeyed). An existing environment is replaced, as when the
  learner answers ``y`` to conda's question;
- ``conda activate`` / ``conda deactivate`` without ``conda init``: conda's own error;
- ``conda list``, ``conda env list`` (``conda info --envs``), ``conda env export
  [--from-history]``, ``conda env remove -p PATH`` / ``conda remove -p PATH --all``.

``source activate NAME`` is the ``activate`` script next to ``conda`` (:mod:`.lmod_tree`).
Every other command exits with status :data:`NOT_MODELLED` and says it is not modelled, so
the runner reports it as such rather than passing it.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

#: Exit status of a conda command the stand-in does not model.
NOT_MODELLED = 97
#: Where an environment keeps what it was created with (conda's own file is conda-meta/history).
HISTORY = Path("conda-meta") / "standin-history.json"


def _settings() -> dict:
    return json.loads(Path(os.environ["CONDA_STANDIN_SETTINGS"]).read_text(encoding="utf-8"))


def _fail(message: str, status: int = 1) -> int:
    print(message, file=sys.stderr)
    return status


def _not_modelled(words: list[str]) -> int:
    return _fail(
        f"not modelled: `conda {' '.join(words)}` is not part of the centre model's conda "
        "stand-in (see docs/extension/runnable-commands.rst)",
        NOT_MODELLED,
    )


def _envs_dirs() -> list[Path]:
    value = os.environ.get("CONDA_ENVS_PATH", "")
    folders = [Path(part) for part in value.split(os.pathsep) if part]
    return [*folders, Path(_settings()["root"]) / "envs"]


def locate(name_or_prefix: str) -> Path | None:
    """The environment ``source activate`` means: a path, or a name in the envs folders."""
    if "/" in name_or_prefix:
        path = Path(name_or_prefix)
        return path if (path / HISTORY).is_file() else None
    for folder in _envs_dirs():
        if (folder / name_or_prefix / HISTORY).is_file():
            return folder / name_or_prefix
    return None


def _option_values(words: list[str], *names: str) -> list[str]:
    values = []
    for index, word in enumerate(words):
        for name in names:
            if word == name and index + 1 < len(words):
                values.append(words[index + 1])
            elif word.startswith(name + "="):
                values.append(word.split("=", 1)[1])
    return values


def _specs(words: list[str]) -> list[str]:
    """The package specs: words that are neither options nor option values."""
    with_value = {"-p", "--prefix", "-n", "--name", "-c", "--channel", "--file", "-f"}
    specs, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in with_value:
            skip = True
        elif not word.startswith("-"):
            specs.append(word)
    return specs


def create(words: list[str]) -> int:
    settings = _settings()
    prefixes = _option_values(words, "-p", "--prefix")
    names = _option_values(words, "-n", "--name")
    if prefixes:
        prefix = Path(prefixes[0])
    elif names:
        prefix = _envs_dirs()[0] / names[0]
    else:
        return _fail("CondaValueError: either -n NAME or -p PREFIX option required")
    channels = _option_values(words, "-c", "--channel")
    if "--override-channels" not in words:
        channels += [c for c in settings["channels"] if c not in channels]
    refused = [channel for channel in channels if channel not in settings["allowed"]]
    if refused:
        defaults = "" if "--override-channels" in words else (
            " (channels the installation searches unless --override-channels: "
            f"{', '.join(settings['channels'])})"
        )  # fmt: skip
        return _fail(
            f"centre model: channel {', '.join(map(repr, refused))} is not allowed at this "
            f"centre{defaults}; allowed: {', '.join(settings['allowed'])}"
        )
    specs = _specs(words)
    if _option_values(words, "--file", "-f"):
        specs += [
            line.strip()
            for file in _option_values(words, "--file", "-f")
            for line in Path(file).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
    if prefix.exists():
        print(f"WARNING: A conda environment already exists at '{prefix}'")
        print("centre model: removing it, as when you answer y to conda's question")
        shutil.rmtree(prefix)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True)
    pins = [_pip_spec(spec) for spec in specs if not spec.startswith("python")]
    if pins:
        env = {**os.environ, "PIP_REQUIRE_VIRTUALENV": "0"}
        completed = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--prefix",
             str(prefix), *pins],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if completed.returncode != 0:
            shutil.rmtree(prefix, ignore_errors=True)
            return _fail(f"PackagesNotFoundError: {completed.stderr.strip()}")
    (prefix / HISTORY).parent.mkdir(parents=True, exist_ok=True)
    (prefix / HISTORY).write_text(json.dumps({"channels": channels, "specs": specs}), "utf-8")
    print(f"# To activate this environment, use\n#\n#     $ conda activate {prefix}\n#")
    return 0


def _pip_spec(spec: str) -> str:
    """conda's ``name=1.26`` (any 1.26.x) as pip's ``name==1.26.*``."""
    if "==" in spec or "=" not in spec:
        return spec
    name, version = spec.split("=", 1)
    return f"{name}=={version}.*"


def _active() -> Path | None:
    prefix = os.environ.get("CONDA_PREFIX")
    return Path(prefix) if prefix else None


def _packages(prefix: Path) -> list[tuple[str, str]]:
    """(name, version) of the environment's Python and of what pip installed into it."""
    paths = {"base": str(prefix), "platbase": str(prefix)}
    site = sysconfig.get_path("purelib", vars=paths)
    found = sorted(
        (dist.metadata["Name"].lower(), dist.version)
        for dist in importlib.metadata.distributions(path=[site])
    )
    version = ".".join(map(str, sys.version_info[:3]))
    return [("python", version), *found]


def list_packages(words: list[str]) -> int:
    prefix = Path((_option_values(words, "-p", "--prefix") or [None])[0] or _active() or "")
    if not prefix or not (prefix / HISTORY).is_file():
        return _not_modelled(["list", *words, "(outside an environment)"])
    print(f"# packages in environment at {prefix}:\n#\n# Name    Version    Channel")
    for name, version in _packages(prefix):
        print(f"{name}    {version}    pypi")
    return 0


def env_list() -> int:
    print("# conda environments:\n#")
    print(f"base                     {_settings()['root']}")
    for folder in _envs_dirs():
        if folder.is_dir():
            for env in sorted(folder.iterdir()):
                if (env / HISTORY).is_file():
                    star = "*" if _active() == env else " "
                    print(f"{env.name:<24} {star} {env}")
    return 0


def env_export(words: list[str]) -> int:
    prefix = _active()
    if prefix is None or not (prefix / HISTORY).is_file():
        return _not_modelled(["env", "export", *words, "(no active environment)"])
    history = json.loads((prefix / HISTORY).read_text(encoding="utf-8"))
    # A name when the environment lies directly in an envs folder, else the whole path.
    name = prefix.name if prefix.parent in _envs_dirs() else str(prefix)
    print(f"name: {name}\nchannels:")
    for channel in history["channels"]:
        print(f"  - {channel}")
    print("dependencies:")
    if "--from-history" in words:
        for spec in history["specs"]:
            print(f"  - {spec}")
    else:
        for package, version in _packages(prefix):
            print(f"  - {package}={version}=standin_0")
    print(f"prefix: {prefix}")
    return 0


def remove(words: list[str]) -> int:
    prefixes = _option_values(words, "-p", "--prefix")
    if not prefixes or not (Path(prefixes[0]) / HISTORY).is_file():
        return _not_modelled(["remove", *words])
    shutil.rmtree(prefixes[0])
    return 0


def main(words: list[str]) -> int:
    if not words:
        return _not_modelled(words)
    command, rest = words[0], words[1:]
    if command == "__locate":
        found = locate(rest[0]) if rest else None
        if found is None:
            return _fail(f"EnvironmentNameNotFound: Could not find conda environment: {rest}")
        print(found)
        return 0
    if command in ("activate", "deactivate"):
        # conda's message when the shell has not been set up by `conda init`.
        return _fail(f"\nCondaError: Run 'conda init' before 'conda {command}'\n")
    if command == "create":
        return create(rest)
    if command == "list":
        return list_packages(rest)
    if (command == "env" and rest[:1] == ["list"]) or (
        command == "info" and "--envs" in rest
    ):  # fmt: skip
        return env_list()
    if command == "env" and rest[:1] == ["export"]:
        return env_export(rest[1:])
    if (command == "env" and rest[:1] == ["remove"]) or (command == "remove" and "--all" in rest):
        return remove(rest[1:] if command == "env" else rest)
    return _not_modelled(words)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
