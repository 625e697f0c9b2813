"""Runnable and cluster-only blocks (``lesson-command``), through real builds of test roots.

The real course's blocks are run by test_lesson_commands.py; here the feature itself: how the
blocks render, what the build collects, how the runner (``lesson_commands``) runs them in its
sandbox, and every kind of bad input.
"""

from __future__ import annotations

import json
import shutil

import pytest
from command_helpers import failure_report, line_of, manifest_of, run_scenarios, scenario_named

from helpers import build_once, build_root, copy_root, read_html, warnings_of
from lesson_commands.manifest import Command, Scenario, ScenarioCommand, scenarios_of
from lesson_commands.output import output_matches
from lesson_commands.sandbox import run_scenario
from lesson_commands.wheelhouse import fill_wheelhouse, pinned_requirements, requirements_to_fetch
from sphinx_teaching.runnable import MANIFEST_NAME
from sphinx_teaching.shell_text import modules_used, parse_console
from sphinx_teaching.warnings import LessonWarning


@pytest.fixture(scope="module")
def runnable_app(rootdir, tmp_path_factory):
    """One clean HTML build of tests/roots/test-runnable."""
    return build_once(
        "html", copy_root(rootdir, "runnable", tmp_path_factory.mktemp("runnable")), cleanly=True
    )


@pytest.fixture(scope="module")
def runnable_manifest(runnable_app):
    return manifest_of(runnable_app.doctreedir)


# -- Rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["venv-cycle", "venv-cycle-myst"])
def test_blocks_render_like_console_code_blocks(runnable_app, page):
    soup = read_html(runnable_app, page)
    blocks = soup.select("div.highlight-console.lesson-command")
    assert len(blocks) >= 2
    # The console lexer marks prompts (.gp) and output (.go): sphinx-copybutton copies the
    # commands only, by the prompt configured in conf.py.
    first = blocks[0]
    assert next(prompt.get_text() for prompt in first.select(".gp")) == "$ "
    assert "python3 -m venv envs/demo" in first.get_text()


def test_hidden_blocks_run_but_are_not_shown(runnable_app, runnable_manifest):
    page = read_html(runnable_app, "hidden-setup").get_text()
    assert "python3 hello.py" in page
    assert 'print("hello")\' > hello.py' not in page
    script = scenario_named(runnable_manifest, "hidden-setup", "script")
    assert next(item.command.text for item in script.commands).startswith("echo 'print")


def test_hidden_blocks_are_not_shown_in_copies_either(runnable_app):
    # The exercise list copies the exercise, after post-transforms; the copy hides it too.
    for page in ("exercise", "exercises"):
        text = read_html(runnable_app, page).get_text()
        assert "wc -l < numbers.txt" in text, page
        assert "printf" not in text, page


def test_job_script_block_keeps_its_caption_and_language(runnable_app):
    soup = read_html(runnable_app, "cluster")
    block = soup.select_one("div.highlight-bash.lesson-command")
    assert block is not None
    assert "job.sh" in block.find_parent(class_="literal-block-wrapper").get_text()


def test_text_builder_writes_blocks_without_hidden_ones(make_app, rootdir, tmp_path):
    app = build_root("runnable", tmp_path, "text")
    assert warnings_of(app) == []
    text = (app.outdir / "hidden-setup.txt").read_text("utf-8")
    assert "$ python3 hello.py" in text
    assert "hello.py\n" not in text.split("$ python3 hello.py")[0]


# -- Collection -------------------------------------------------------------------------------


def test_manifest_has_scenarios_in_page_order_with_source_lines(rootdir, runnable_manifest):
    pages = {page["docname"]: page for page in runnable_manifest["pages"]}
    scenario = scenario_named(runnable_manifest, "venv-cycle", "venv")
    texts = [item.command.text for item in scenario.commands]
    assert texts[:3] == [
        "python3 -m venv envs/demo",
        "source envs/demo/bin/activate",
        "which python",
    ]
    assert texts[-1] == "rm -rf envs/demo envs/second"
    source = rootdir / "test-runnable" / "venv-cycle.rst"
    lines = source.read_text("utf-8").splitlines()
    for item in scenario.commands:
        assert lines[item.command.line - 1].strip() == "$ " + item.command.text
    assert pages["plain"]["lesson"] is False
    assert [block["line"] for block in pages["plain"]["unmarked"]] == [6]


def test_myst_lines_are_exact_in_both_fence_styles(rootdir, runnable_manifest):
    source = rootdir / "test-runnable" / "venv-cycle-myst.md"
    scenario = scenario_named(runnable_manifest, "venv-cycle-myst", "venv")
    assert len(scenario.commands) == 7
    for item in scenario.commands:
        assert item.command.line == line_of(source, "$ " + item.command.text)


def test_cluster_blocks_list_their_modules(runnable_manifest):
    pages = {page["docname"]: page for page in runnable_manifest["pages"]}
    blocks = pages["cluster"]["cluster_blocks"] + pages["cluster-myst"]["cluster_blocks"]
    assert [(block["cluster"], block["modules"]) for block in blocks] == [
        ("uppmax", ["Python/3.12.3-GCCcore-13.3.0"]),
        ("hpc2n", ["GCC/12.3.0", "Python/3.11.3"]),
        ("uppmax", ["Miniforge3/24.11.3-0"]),
        ("hpc2n", ["GCC/12.3.0", "Python/3.11.3"]),
    ]
    # Cluster-only blocks never become scenarios.
    assert pages["cluster"]["scenarios"] == []


def test_parallel_build_collects_the_same(make_app, rootdir, tmp_path, runnable_manifest):
    app = build_root("runnable", tmp_path, parallel=2)
    assert warnings_of(app) == []
    parallel = manifest_of(app.doctreedir)
    srcdir = str(app.srcdir)
    serial = json.loads(json.dumps(runnable_manifest).replace(runnable_manifest["srcdir"], srcdir))
    assert parallel == serial


def test_incremental_builds_follow_edits_and_deletions(make_app, rootdir, tmp_path):
    srcdir = copy_root(rootdir, "runnable", tmp_path)
    app = make_app("html", srcdir=srcdir)
    app.build()
    app.cleanup()
    first = {page["docname"] for page in manifest_of(app.doctreedir)["pages"]}
    assert {"hidden-setup", "venv-cycle"} <= first

    # Edit one page (the scenario gets another name), delete another.
    page = srcdir / "hidden-setup.rst"
    page.write_text(
        page.read_text("utf-8").replace(":scenario: script", ":scenario: renamed"), "utf-8"
    )
    (srcdir / "venv-cycle.rst").unlink()
    (srcdir / "index.rst").write_text(
        (srcdir / "index.rst").read_text("utf-8").replace("   venv-cycle\n", ""), "utf-8"
    )
    app2 = make_app("html", srcdir=srcdir, freshenv=False)
    app2.build()
    assert warnings_of(app2) == []
    second = manifest_of(app2.doctreedir)
    assert "venv-cycle" not in {page["docname"] for page in second["pages"]}
    names = [scenario.name for scenario in _scenarios(second, "hidden-setup")]
    assert names == ["renamed"]


def test_changing_the_known_modules_rechecks_cluster_pages(make_app, rootdir, tmp_path):
    srcdir = copy_root(rootdir, "runnable", tmp_path)
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert warnings_of(app) == []
    app.cleanup()
    known = srcdir / "known-modules.toml"
    known.write_text(known.read_text("utf-8").replace('"Miniforge3/24.11.3-0"', '"Miniforge3/1.0"'))
    app2 = make_app("html", srcdir=srcdir, freshenv=False)
    app2.build()
    line = line_of(srcdir / "cluster-myst.md", "ml Miniforge3/24.11.3-0")
    assert any(
        f"cluster-myst.md:{line}:" in warning and "'Miniforge3/24.11.3-0'" in warning
        for warning in warnings_of(app2)
    ), warnings_of(app2)


def _scenarios(manifest, docname):
    return [scenario for scenario in scenarios_of(manifest) if scenario.docname == docname]


# -- Running ----------------------------------------------------------------------------------


def test_every_scenario_of_the_lesson_shaped_root_passes(runnable_manifest, tmp_path):
    results = run_scenarios(runnable_manifest, tmp_path)
    assert failure_report(results) == ""
    ran = {(result.scenario.docname, result.scenario.name): result.ran for result in results}
    assert ran == {
        ("hidden-setup", "script"): 2,
        ("venv-cycle", "venv"): 14,
        ("venv-cycle-myst", "venv"): 7,
        ("exercise", "exercise"): 2,
    }


def test_a_broken_command_fails_at_its_page_and_line(make_app, rootdir, tmp_path):
    app = build_root("runnable-broken", tmp_path / "build")
    assert warnings_of(app) == []
    results = {
        result.scenario.name: result
        for result in run_scenarios(manifest_of(app.doctreedir), tmp_path)
    }

    typo = results["typo"]
    line = line_of(app.srcdir / "broken.rst", "envs/demo/bin/activat")
    assert len(typo.failures) == 1
    message = str(typo.failures[0])
    assert f"broken.rst:{line}: `source envs/demo/bin/activat` failed with exit status 1" in message
    assert "No such file or directory" in message
    # The scenario stops there: `which python` after it never ran.
    assert typo.ran == 2

    sums = results["sums"]
    line = line_of(app.srcdir / "wrong-output.rst", "print(6 * 7)")
    message = str(sums.failures[0])
    assert f"wrong-output.rst:{line}: " in message
    assert "printed other output than the page shows" in message
    assert "| 41" in message and "| 42" in message
    assert sums.ran == 2

    imports = results["imports"]
    line = line_of(app.srcdir / "broken-myst.md", "no_such_module_anywhere")
    assert f"broken-myst.md:{line}: " in str(imports.failures[0])
    assert "ModuleNotFoundError" in str(imports.failures[0])


def test_each_scenario_gets_its_own_home_and_work_folder(make_app, rootdir, tmp_path):
    commands = [
        ScenarioCommand("page.rst", Command(1, 'echo "$HOME" > where && pwd >> where'), True),
        ScenarioCommand(
            "page.rst", Command(2, "touch $HOME/marker; env | grep -c VIRTUAL_ENV"), True
        ),
    ]
    result = run_scenario(Scenario("page", "isolation", commands), tmp_path / "a")
    # No VIRTUAL_ENV leaks from the test's own environment: grep -c prints 0 and fails.
    assert result.ran == 2 and "exit status 1" in str(result.failures[0])
    home, work = (tmp_path / "a" / "work" / "where").read_text().split()
    assert home == str(tmp_path / "a" / "home") and work == str(tmp_path / "a" / "work")
    assert (tmp_path / "a" / "home" / "marker").exists()


def test_pip_outside_an_environment_cannot_change_the_tests_python(tmp_path):
    commands = [
        ScenarioCommand("page.rst", Command(1, "which python pip"), True),
        ScenarioCommand("page.rst", Command(2, "pip install tabulate==0.9.0"), True),
    ]
    result = run_scenario(Scenario("page", "outside", commands), tmp_path)
    assert result.ran == 2
    assert "page.rst:2: `pip install tabulate==0.9.0` failed" in str(result.failures[0])
    assert "virtualenv" in str(result.failures[0])


# -- Output comparison ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual", "matches"),
    [
        (["0.9.0"], "0.9.0\n", True),
        (["0.9.0"], "0.9.1\n", False),
        (["<PATH>/envs/demo/bin/python"], "/tmp/x y/envs/demo/bin/python\n", False),
        (["<PATH>/envs/demo/bin/python"], "/tmp/a/work/envs/demo/bin/python\n", True),
        (["Python <VERSION>"], "Python 3.11.7\n", True),
        (["Python <VERSION>"], "Python three\n", False),
        (["first", "...", "last"], "first\na\nb\nlast\n", True),
        (["first", "...", "last"], "first\nlast\n", True),
        (["first", "...", "last"], "first\na\n", False),
        (["Package ... Version"], "Package    Version  \n\n", True),
        # The spaces around "..." are part of the gap: a one-space column still matches.
        (["tabulate ... 0.9.0"], "tabulate 0.9.0\n", True),
        (["tabulate ... 0.9.0"], "tabulate  (x)  0.9.0\n", True),
        (["tabulate ... 0.9.0"], "tabulate0.9.0\n", False),
        (["Successfully installed ..."], "Successfully installed\n", True),
        (["... done"], "Building wheel done\n", True),
        (["a", "b"], "a\nb\nc\n", False),
        (["(demo) $ [x]"], "(demo) $ [x]\n", True),
    ],
)
def test_output_placeholders(expected, actual, matches):
    assert output_matches(expected, actual) is matches


def test_console_parsing_joins_continuations_and_keeps_output():
    parsed = parse_console(
        "$ pip install \\\n    tabulate==0.9.0\n...\n$ cat <<EOF\n> hi\n> EOF\nhi\n", 10
    )
    assert [(c.line, c.text, c.expected) for c in parsed.commands] == [
        (10, "pip install \\\n    tabulate==0.9.0", ["..."]),
        (13, "cat <<EOF\nhi\nEOF", ["hi"]),
    ]


@pytest.mark.parametrize(
    ("text", "modules"),
    [
        ("module load GCC/12.3.0 Python/3.11.3", ["GCC/12.3.0", "Python/3.11.3"]),
        ("ml GCC/12.3.0 Python/3.11.3 && python -V", ["GCC/12.3.0", "Python/3.11.3"]),
        ("ml spider Python", []),
        ("ml spider Python/3.11.3", ["Python/3.11.3"]),
        ("ml purge; ml list", []),
        ("ml -Python/3.11.3 Python/3.12.3", ["Python/3.11.3", "Python/3.12.3"]),
        ("module load Python/<version>", []),
        ("#SBATCH -A x\nmodule load conda # comment", ["conda"]),
        ("echo module load X", []),
        ("ml purge > /dev/null 2>&1", []),
        ("ml GCC/12.3.0 Python/3.11.3 >out.txt 2>&1; ml", ["GCC/12.3.0", "Python/3.11.3"]),
        ("ml Python/3.11.3 2> errors.txt", ["Python/3.11.3"]),
    ],
)
def test_module_names_are_read_from_module_and_ml(text, modules):
    assert modules_used(text) == modules


# -- Bad input --------------------------------------------------------------------------------


def test_every_marking_mistake_is_reported_at_its_line(make_app, rootdir, tmp_path):
    app = build_root("runnable-bad", tmp_path)
    warnings = warnings_of(app)
    text = "\n".join(warnings)
    assert "Traceback" not in text
    bad = app.srcdir / "bad.rst"
    myst = app.srcdir / "bad-myst.md"

    def expect(path, line, subtype, fragment):
        tag = f"[{subtype.tag}]"
        found = [w for w in warnings if f"{path.name}:{line}:" in w and tag in w and fragment in w]
        assert found, f"no {tag} warning with {fragment!r} at {path.name}:{line} in:\n{text}"

    expect(bad, 6, LessonWarning.COMMAND_CLUSTER, "unknown centre '<b>kebnekaise</b>'")
    expect(
        bad,
        line_of(bad, "SciPy-bundle/2099.01"),
        LessonWarning.COMMAND_MODULE,
        "'SciPy-bundle/2099.01'",
    )
    expect(bad, 20, LessonWarning.COMMAND_MARKUP, "`module` only works on a cluster")
    expect(bad, 22, LessonWarning.COMMAND_MARKUP, "needs :scenario: <name>")
    expect(bad, 26, LessonWarning.COMMAND_MARKUP, "both :scenario: and :cluster:")
    expect(bad, 32, LessonWarning.COMMAND_UNMARKED, "this console block is neither")
    expect(bad, 36, LessonWarning.COMMAND_UNMARKED, "this bash block is neither")
    expect(bad, line_of(bad, "no prompt in front"), LessonWarning.COMMAND_MARKUP, "output before")
    expect(myst, line_of(myst, "```console"), LessonWarning.COMMAND_UNMARKED, "console block")
    expect(myst, line_of(myst, "ml Bad/1.0"), LessonWarning.COMMAND_MODULE, "'Bad/1.0'")
    # A wrong option value is docutils' own error, also at its line.
    assert any('bad.rst:45: ERROR: Error in "lesson-command" directive' in w for w in warnings)
    assert "'sometimes'" in text
    # The known module and the known centre's valid line raise nothing.
    assert not any("Python/3.12.3-GCCcore-13.3.0'" in w for w in warnings)
    assert len([w for w in warnings if "[lesson." in w]) == 11, text


def test_a_page_is_checked_when_read_and_the_manifest_written_when_pages_change(
    make_app, rootdir, tmp_path
):
    """Incremental builds: the checks and the manifest follow the pages read, no more."""
    srcdir = copy_root(rootdir, "runnable-bad", tmp_path)
    first = make_app("html", srcdir=srcdir)
    first.build()
    first.cleanup()
    mistakes = [w for w in warnings_of(first) if "bad.rst:" in w and "[lesson.command" in w]
    assert mistakes
    manifest = first.doctreedir / MANIFEST_NAME
    written = manifest.stat().st_mtime_ns

    # Nothing changed: no page is read, so nothing is checked or written again.
    unchanged = make_app("html", srcdir=srcdir, freshenv=False)
    unchanged.build()
    unchanged.cleanup()
    assert not [w for w in warnings_of(unchanged) if "[lesson.command" in w]
    assert manifest.stat().st_mtime_ns == written

    # The page is edited: read again, its mistakes are reported again, the manifest follows.
    bad = srcdir / "bad.rst"
    bad.write_text(
        bad.read_text("utf-8") + "\n.. lesson-command::\n   :scenario: added\n\n"
        "   $ echo added\n   added\n",
        "utf-8",
    )
    edited = make_app("html", srcdir=srcdir, freshenv=False)
    edited.build()
    again = [w for w in warnings_of(edited) if "bad.rst:" in w and "[lesson.command" in w]
    assert sorted(again) == sorted(mistakes)
    assert manifest.stat().st_mtime_ns != written
    scenarios = {scenario.name for scenario in _scenarios(manifest_of(edited.doctreedir), "bad")}
    assert "added" in scenarios


def test_known_modules_file_problems_are_reported(make_app, rootdir, tmp_path):
    app = build_root("runnable-bad", tmp_path,
        confoverrides={"lesson_known_modules": "bad-modules.toml"},
    )  # fmt: skip
    text = "\n".join(warnings_of(app))
    assert (
        "bad-modules.toml:5: WARNING: module 'Python/3.12.3-GCCcore-13.3.0' of centre 'uppmax' "
        "has no 'source'"
    ) in text
    assert "bad-modules.toml:6: WARNING: module 'Python/3.11.5-GCCcore-13.2.0' of centre" in text
    assert "cites source 'XX', which is not in [sources]" in text
    assert "[lesson.config]" in text


def test_missing_known_modules_file_is_reported(make_app, rootdir, tmp_path):
    srcdir = copy_root(rootdir, "runnable-bad", tmp_path)
    (srcdir / "known-modules.toml").unlink()
    app = make_app("html", srcdir=srcdir)
    app.build()
    text = "\n".join(warnings_of(app))
    assert "cannot read the known-modules file" in text and "[lesson.config]" in text
    assert "Traceback" not in text


def test_cluster_blocks_without_a_known_modules_file_are_reported(make_app, rootdir, tmp_path):
    app = build_root("runnable", tmp_path, confoverrides={"lesson_known_modules": None})
    text = "\n".join(warnings_of(app))
    assert "set lesson_known_modules" in text and "[lesson.config]" in text


def test_unmarked_check_can_be_switched_off(make_app, rootdir, tmp_path):
    app = build_root("runnable-bad", tmp_path,
        confoverrides={"lesson_commands_check_unmarked": False},
    )  # fmt: skip
    assert not any(LessonWarning.COMMAND_UNMARKED.tag in w for w in warnings_of(app))


def test_the_manifest_is_written_for_every_builder(make_app, rootdir, tmp_path):
    app = build_root("runnable", tmp_path, "dummy")
    assert (app.doctreedir / MANIFEST_NAME).is_file()
    shutil.rmtree(app.outdir, ignore_errors=True)


def test_pages_in_lesson_folders_are_lesson_pages_too(make_app, rootdir, tmp_path):
    # plain.rst has no timing; listed in lesson_check_folders it is a lesson page all the same.
    app = build_root("runnable", tmp_path, confoverrides={"lesson_check_folders": ["plain"]})
    unmarked = [w for w in warnings_of(app) if LessonWarning.COMMAND_UNMARKED.tag in w]
    assert len(unmarked) == 1 and "plain.rst:6:" in unmarked[0]


def test_a_pin_that_does_not_exist_fails_at_its_line_not_before(tmp_path, monkeypatch):
    commands = [
        ScenarioCommand("page.rst", Command(1, "python3 -m venv env && . env/bin/activate"), True),
        ScenarioCommand("page.rst", Command(2, "pip install no-such-package-here==1.0"), True),
    ]
    scenario = Scenario("page", "missing", commands)
    # No index at all, so this stays offline: the wheel cannot be had, and that is no error yet.
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    wheelhouse = tmp_path / "wheels"
    fill_wheelhouse(wheelhouse, requirements_to_fetch([scenario]))
    result = run_scenario(scenario, tmp_path / "sandbox", wheelhouse)
    assert result.ran == 2
    assert "page.rst:2: `pip install no-such-package-here==1.0` failed" in str(result.failures[0])


@pytest.mark.parametrize(
    ("text", "pins"),
    [
        ("pip install tabulate==0.9.0", ["tabulate==0.9.0"]),
        ('python -m pip install "numpy==2.1.0" pandas', ["numpy==2.1.0"]),
        (
            "pip3 install a==1 b[extra]==2.0 && pip install -r requirements.txt",
            ["a==1", "b[extra]==2.0"],
        ),
        ("pip install c==3; pip list > installed==1", ["c==3"]),
        ("pip install \\\n    d==4 2>&1", ["d==4"]),
        ("echo pip install e==5", []),
        (
            "envs/demo/bin/pip install g==7 && envs/demo/bin/python3 -m pip install h==8",
            ["g==7", "h==8"],
        ),
        ("cat <<EOF > requirements.txt\nf==6\nEOF", []),
    ],
)
def test_the_pins_to_fetch_are_read_from_pip_install_commands(text, pins):
    assert pinned_requirements(text) == pins
