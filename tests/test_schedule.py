"""Lesson timings and the generated schedule, through real builds.

tests/roots/test-schedule is a one-day course: five lessons with timings (reST and MyST), one
page without, two breaks in conf.py. tests/roots/test-timing-errors has one page per bad
timing, in both syntaxes.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import build_once, copy_root, make_test_app, read_html, warnings_of
from sphinx_teaching.schedule import Break, compute_schedule
from sphinx_teaching.timing import Timing, lesson_timings
from sphinx_teaching.warnings import LessonWarning

#: (time, lesson, teaching, exercises) of every row of the test root's schedule.
EXPECTED_ROWS = [
    ("09:00\u201309:30", "Introduction", "20", "10"),
    ("09:30\u201310:10", "Setting up a virtual environment", "15", "25"),
    ("10:10\u201310:25", "Coffee break", "", ""),
    (
        "10:25\u201310:35",
        "Titles with <script>alert(\u201ctitle\u201d)</script> stay text",
        "10",
        "0",
    ),
    ("10:35\u201311:25", "Conda environments", "30", "20"),
    ("11:25\u201312:10", "Lunch", "", ""),
    ("12:10\u201312:15", "Wrap-up", "5", "\u2014"),
    ("09:00\u201312:15", "Total (1 h of breaks)", "80", "55"),
]


def schedule_rows(soup) -> list[tuple[str, ...]]:
    table = soup.find("table", class_="lesson-schedule")
    assert table is not None, "no schedule table"
    return [
        tuple(cell.get_text(strip=True) for cell in row.find_all("td"))
        for row in table.find("tbody").find_all("tr")
    ]


def html_files(outdir: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(outdir)): path.read_bytes()
        for path in sorted(Path(outdir).rglob("*.html"))
    }


@pytest.fixture(scope="module")
def schedule_app(rootdir, tmp_path_factory):
    return build_once(
        "html", copy_root(rootdir, "schedule", tmp_path_factory.mktemp("schedule")), cleanly=True
    )


# --- Arithmetic -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["index", "overview", "day"])
def test_schedule_has_clock_times_breaks_and_totals(schedule_app, page):
    assert schedule_rows(read_html(schedule_app, page)) == EXPECTED_ROWS


def test_schedule_rows_are_marked_by_kind(schedule_app):
    table = read_html(schedule_app, "index").find("table", class_="lesson-schedule")
    kinds = [
        next(c for c in row["class"] if c.startswith("lesson-schedule-"))
        for row in table.find("tbody").find_all("tr")
    ]
    expected = ["lesson", "lesson", "break", "lesson", "lesson", "break", "lesson", "total"]
    assert kinds == ["lesson-schedule-" + kind for kind in expected]


def test_schedule_links_each_lesson(schedule_app):
    table = read_html(schedule_app, "index").find("table", class_="lesson-schedule")
    links = [a["href"] for a in table.find_all("a")]
    assert links == [
        "lessons/intro.html",
        "lessons/setup.html",
        "lessons/escaping.html",
        "lessons/conda.html",
        "lessons/wrapup.html",
    ]


def test_the_schedule_is_left_out_of_the_search_index(schedule_app):
    text = (Path(schedule_app.outdir) / "searchindex.js").read_text("utf-8")
    index = json.loads(text.removeprefix("Search.setIndex(").removesuffix(")"))
    # "Total" (the last row) is written on no page: only the schedule tables show it.
    assert "total" not in index["terms"]
    assert "overview" in index["docnames"]


def test_timings_are_collected_in_both_syntaxes(schedule_app):
    timings = lesson_timings(schedule_app.env)
    assert timings == {
        "lessons/intro": Timing(20, 10),
        "lessons/setup": Timing(15, 25),
        "lessons/escaping": Timing(10, 0),
        "lessons/conda": Timing(30, 20),
        "lessons/wrapup": Timing(5, None),
    }


def test_lesson_title_with_script_is_text_in_the_schedule(schedule_app):
    html = (Path(schedule_app.outdir) / "index.html").read_text("utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(\u201ctitle\u201d)&lt;/script&gt;" in html


def test_break_arithmetic_without_a_sphinx_build():
    # Several breaks after one lesson follow each other; a break after the last lesson ends
    # the day; the day may run past noon without a 12-hour clock.
    lessons = [("a", "A", Timing(50, 40)), ("b", "B", Timing(None, 30))]
    breaks = [Break("a", 10, "Stretch"), Break("a", 60, "Lunch"), Break("b", 5)]
    schedule = compute_schedule(lessons, 11 * 60 + 30, breaks)
    spans = [(row.start, row.end, row.title) for row in schedule.rows]
    assert spans == [(690, 780, "A"), (780, 790, "Stretch"), (790, 850, "Lunch"),
                     (850, 880, "B"), (880, 885, "Break")]  # fmt: skip
    assert (schedule.teaching, schedule.exercises, schedule.breaks) == ((50, 50), (70, 70), 75)
    assert schedule.end == 885


def test_parallel_sessions_share_a_slot_without_a_sphinx_build():
    # Two centre sessions run at once after a common lesson; the next lesson waits for the
    # longer one, and per-learner totals are ranges over the sessions.
    lessons = [
        ("general", "General", Timing(30, 25)),
        ("uppmax", "UPPMAX", Timing(20, 30)),
        ("hpc2n", "HPC2N", Timing(25, 15)),
        ("wrap", "Wrap", Timing(10, 0)),
    ]
    schedule = compute_schedule(
        lessons, 9 * 60, [Break("hpc2n", 10, "Coffee")], [["uppmax", "hpc2n"]]
    )
    rows = [(row.start, row.end, row.title, row.parallel) for row in schedule.rows]
    assert rows == [
        (540, 595, "General", False),
        (595, 645, "UPPMAX", True),
        (595, 635, "HPC2N", True),
        (645, 655, "Coffee", False),
        (655, 665, "Wrap", False),
    ]
    assert schedule.teaching == (60, 65)
    assert schedule.exercises == (40, 55)


def test_parallel_sessions_in_a_build(rootdir, tmp_path):
    app = build_once(
        "html",
        copy_root(rootdir, "schedule", tmp_path),
        confoverrides={"lesson_schedule_parallel": [["lessons/escaping", "lessons/conda"]]},
    )
    assert warnings_of(app) == []
    rows = schedule_rows(read_html(app, "index"))
    assert rows[3] == (
        "10:25\u201310:35",
        "Titles with <script>alert(\u201ctitle\u201d)</script> stay text(parallel session)",
        "10",
        "0",
    )
    assert rows[4] == ("10:25\u201311:15", "Conda environments(parallel session)", "30", "20")
    assert rows[5] == ("11:15\u201312:00", "Lunch", "", "")
    assert rows[-1] == ("09:00\u201312:05", "Total (1 h of breaks), per learner",
                        "50\u201370", "35\u201355")  # fmt: skip


# --- Configuration ----------------------------------------------------------------------------


def test_start_time_and_breaks_come_from_conf(rootdir, tmp_path):
    srcdir = copy_root(rootdir, "schedule", tmp_path)
    app = build_once(
        "html",
        srcdir,
        confoverrides={
            "lesson_schedule_start": "13:45",
            "lesson_schedule_breaks": [{"after": "lessons/intro", "minutes": 20}],
        },
    )
    assert warnings_of(app) == []
    rows = schedule_rows(read_html(app, "index"))
    assert rows[0][0] == "13:45\u201314:15"
    assert rows[1] == ("14:15\u201314:35", "Break", "", "")
    assert rows[-1] == ("13:45\u201316:20", "Total (20 min of breaks)", "80", "55")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"lesson_schedule_start": "9am"}, "lesson_schedule_start must be a time as 'HH:MM'"),
        ({"lesson_schedule_start": "24:00"}, "lesson_schedule_start must be a time as 'HH:MM'"),
        (
            {"lesson_schedule_breaks": [{"after": "lessons/intro", "minutes": "15"}]},
            "'minutes' must be a whole number greater than 0",
        ),
        (
            {"lesson_schedule_breaks": [{"after": "lessons/intro", "minutes": 5, "lenght": 1}]},
            "unknown key(s) lenght",
        ),
        ({"lesson_schedule_breaks": ["lunch"]}, "not a dict"),
        ({"lesson_timing_max_minutes": -1}, "lesson_timing_max_minutes must be a positive"),
        (
            {"lesson_schedule_parallel": [["lessons/intro"]]},
            "group 1 (['lessons/intro']) is not a list of two or more docnames",
        ),
        (
            {
                "lesson_schedule_parallel": [
                    ["lessons/intro", "lessons/setup"],
                    ["lessons/setup", "lessons/conda"],
                ]
            },
            "group 2 (['lessons/setup', 'lessons/conda']) repeats lessons/setup",
        ),
    ],
)
def test_bad_configuration_warns_and_falls_back(rootdir, tmp_path, overrides, expected):
    app = build_once("html", copy_root(rootdir, "schedule", tmp_path), confoverrides=overrides)
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert expected in warnings[0]
    assert warnings[0].endswith(f"[{LessonWarning.CONFIG.tag}]")
    rows = schedule_rows(read_html(app, "index"))
    # The fallback: a 09:00 start, and the bad break left out.
    assert rows[0][0] == "09:00\u201309:30"
    assert len(rows) == len(EXPECTED_ROWS) - (2 if "lesson_schedule_breaks" in overrides else 0)


def test_configured_pages_without_timing_warn(rootdir, tmp_path):
    app = build_once(
        "html",
        copy_root(rootdir, "schedule", tmp_path),
        confoverrides={
            "lesson_schedule_breaks": [{"after": "lessons/reference", "minutes": 5}],
            "lesson_schedule_parallel": [["lessons/intro", "lessons/typo"]],
        },
    )
    warnings = warnings_of(app)
    assert len(warnings) == 2, warnings
    assert "'lessons/reference', which is not a lesson page with a timing" in warnings[0]
    assert "lesson_schedule_parallel: 'lessons/typo' is not a lesson page" in warnings[1]
    assert all(w.endswith(f"[{LessonWarning.SCHEDULE_PAGE.tag}]") for w in warnings)


# --- Incremental and parallel builds ----------------------------------------------------------


def set_minutes(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")
    # Make sure Sphinx sees a newer file even on coarse file systems.
    stamp = path.stat().st_mtime + 5
    os.utime(path, (stamp, stamp))


def test_changing_minutes_updates_the_schedule_incrementally(rootdir, tmp_path):
    srcdir = copy_root(rootdir, "schedule", tmp_path / "incremental")
    first = build_once("html", srcdir)
    assert warnings_of(first) == []
    # Edit two lessons (reST and MyST) but not the page that holds the schedule.
    set_minutes(srcdir / "lessons" / "intro.rst", ":teaching: 20", ":teaching: 35")
    set_minutes(srcdir / "lessons" / "setup.md", "exercises: 25", "exercises: 5")
    second = build_once("html", srcdir)
    assert warnings_of(second) == []
    # index.html lists the lessons in its toctree, so Sphinx rewrites it anyway; overview.html
    # is rewritten only because it holds a schedule.
    for page in ("index", "overview", "day"):
        rows = schedule_rows(read_html(second, page))
        assert rows[0] == ("09:00\u201309:45", "Introduction", "35", "10")
        assert rows[1] == ("09:45\u201310:05", "Setting up a virtual environment", "15", "5")
        assert rows[-1] == ("09:00\u201312:10", "Total (1 h of breaks)", "95", "35")

    # The same HTML as a clean build of the edited sources.
    clean_src = tmp_path / "clean" / "src"
    shutil.copytree(srcdir, clean_src, ignore=shutil.ignore_patterns("_build"))
    clean = build_once("html", clean_src)
    assert html_files(second.outdir) == html_files(clean.outdir)


def test_removing_a_lesson_updates_the_schedule(rootdir, tmp_path):
    srcdir = copy_root(rootdir, "schedule", tmp_path)
    build_once("html", srcdir)
    (srcdir / "lessons" / "wrapup.rst").unlink()
    index = srcdir / "index.rst"
    set_minutes(index, "   lessons/wrapup\n", "")
    second = build_once("html", srcdir)
    assert warnings_of(second) == []
    rows = schedule_rows(read_html(second, "overview"))
    assert "Wrap-up" not in [row[1] for row in rows]
    assert rows[-1] == ("09:00\u201312:10", "Total (1 h of breaks)", "75", "55")


def test_unchanged_sources_rewrite_nothing(rootdir, tmp_path):
    srcdir = copy_root(rootdir, "schedule", tmp_path)
    build_once("html", srcdir)
    index_html = srcdir / "_build" / "html" / "index.html"
    before = index_html.stat().st_mtime_ns
    second = build_once("html", srcdir)
    assert "no targets are out of date" in second.status.getvalue()
    assert index_html.stat().st_mtime_ns == before


def test_parallel_build_gives_the_same_html(rootdir, tmp_path):
    serial = build_once("html", copy_root(rootdir, "schedule", tmp_path / "serial"), parallel=1)
    parallel = build_once("html", copy_root(rootdir, "schedule", tmp_path / "parallel"), parallel=2)
    assert warnings_of(serial) == warnings_of(parallel) == []
    # Sphinx reads in parallel only with enough pages: chunks are logged as "a .. b".
    assert "reading sources... " in parallel.status.getvalue()
    assert " .. " in parallel.status.getvalue()
    assert html_files(parallel.outdir) == html_files(serial.outdir)
    assert lesson_timings(parallel.env) == lesson_timings(serial.env)


# --- Bad timings ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def timing_errors_app(rootdir, tmp_path_factory):
    srcdir = copy_root(rootdir, "timing-errors", tmp_path_factory.mktemp("timing-errors"))
    return build_once("html", srcdir)


@pytest.mark.parametrize(
    ("page", "line", "subtype", "text"),
    [
        ("rst-negative.rst", 1, LessonWarning.TIMING_NEGATIVE, "'teaching' timing is negative"),
        ("rst-not-a-number.rst", 2, LessonWarning.TIMING_NOT_A_NUMBER,
         "'exercises' timing 'twenty' is not a number"),
        ("rst-absurd.rst", 3, LessonWarning.TIMING_ABSURD,
         "'teaching' timing of 1500 minutes is more than the limit of 480"),
        ("md-negative.md", 3, LessonWarning.TIMING_NEGATIVE, "'exercises' timing is negative"),
        ("md-not-a-number.md", 2, LessonWarning.TIMING_NOT_A_NUMBER,
         "'teaching' timing '25.5' is not a number"),
        ("md-absurd.md", 3, LessonWarning.TIMING_ABSURD,
         "'teaching' timing of 900 minutes is more than the limit of 480"),
    ],
)  # fmt: skip
def test_bad_timing_warns_at_its_line(timing_errors_app, page, line, subtype, text):
    path = Path(timing_errors_app.srcdir) / page
    matching = [w for w in warnings_of(timing_errors_app) if w.startswith(f"{path}:")]
    assert len(matching) == 1, warnings_of(timing_errors_app)
    assert matching[0].startswith(f"{path}:{line}: WARNING: ")
    assert text in matching[0]
    assert matching[0].endswith(f"[{subtype.tag}]")
    if subtype is LessonWarning.TIMING_NOT_A_NUMBER:
        # The example is in the page's own syntax.
        example = "in the front matter" if page.endswith(".md") else "such as ':exercises: 20'"
        assert example in matching[0]


def test_bad_timings_leave_the_rest_of_the_site_built(timing_errors_app):
    assert len(warnings_of(timing_errors_app)) == 6
    assert not any("Traceback" in w or "Exception" in w for w in warnings_of(timing_errors_app))
    rows = schedule_rows(read_html(timing_errors_app, "index"))
    # Each page stays in the schedule; the bad part shows as missing and counts as zero.
    assert [row[2:] for row in rows[:-1]] == [
        ("\u2014", "10"),
        ("10", "\u2014"),
        ("\u2014", "15"),
        ("10", "\u2014"),
        ("\u2014", "5"),
        ("\u2014", "10"),
    ]
    assert rows[-1][2:] == ("20", "40")


def test_the_limit_is_configurable(rootdir, tmp_path):
    app = build_once(
        "html",
        copy_root(rootdir, "schedule", tmp_path),
        confoverrides={"lesson_timing_max_minutes": 25},
    )
    warnings = warnings_of(app)
    # conda (30 teaching) is over a 25-minute limit; nothing else is.
    assert len(warnings) == 1, warnings
    assert "conda.rst:1: WARNING: the 'teaching' timing of 30 minutes" in warnings[0]
    assert warnings[0].endswith(f"[{LessonWarning.TIMING_ABSURD.tag}]")


def test_bad_timing_stops_a_build_that_raises_on_warnings(rootdir, tmp_path):
    from sphinx.errors import SphinxError

    srcdir = copy_root(rootdir, "timing-errors", tmp_path)
    app = make_test_app("html", srcdir, exception_on_warning=True)
    try:
        with pytest.raises(SphinxError, match="timing"):
            app.build()
    finally:
        app.cleanup()
