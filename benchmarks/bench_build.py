"""Build-performance benchmark of the sphinx_teaching extension (`make bench`).

For each course size N it generates a synthetic course of N lesson pages — every page with the
teaching boxes, a site-tab group, code blocks and about 3 KB of prose — twice:

* ``extension``: the pages as a course writes them, built with sphinx_teaching;
* ``floor``: the same pages with our directives replaced by Sphinx's built-in ``admonition``
  (and plain containers for the site variants), built without the extension: what Sphinx
  costs anyway.

Both variants are built in the same run, alternating, so that the noise of a shared machine
falls on both alike; every figure is the median of the runs with its spread (min-max). What
is measured per N: full build wall time, time per page, peak memory (largest resident set of
the build and its worker processes), the ratio extension/floor, incremental rebuilds after
editing one page (time and which pages were rewritten), and the ``-j 2`` speed-up. It also
reports the page weight: the bytes of CSS and JavaScript the extension adds to a page and the
number of requests they cost.

The results go to BENCHMARKS.md with the machine's description and the date. This is a
benchmark, not a test: it asserts nothing, and `make test` does not run it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS_DIR = REPO_ROOT / "extensions"

# Runs one sphinx-build in this interpreter and writes to a file its peak memory (KiB: the
# largest resident set of the process itself and of its parallel workers) and the CPU seconds
# (user and system) that it and its workers spent.
_MEASURED_BUILD = textwrap.dedent(
    """
    import json, resource, sys
    from sphinx.cmd.build import build_main
    status = build_main(sys.argv[2:])
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(sys.argv[1], "w") as report:
        json.dump({
            "peak_kib": max(own.ru_maxrss, workers.ru_maxrss),
            "cpu": own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime,
        }, report)
    sys.exit(status)
    """
)


def build_environment(pycache: Path) -> dict[str, str]:
    """The environment of every measured build: this one, with Python's bytecode cache on.

    On an instructor's machine Python keeps the modules it compiled; some machines (this one
    among them) switch that off with PYTHONDONTWRITEBYTECODE, and every build would then
    compile the extension's modules from source again. The cache goes to a folder of the
    benchmark's own (PYTHONPYCACHEPREFIX), not into the repository.
    """
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(pycache)
    return environment


PROSE = (
    "An isolated environment keeps the packages of one project apart from those of every "
    "other project and from the ones the cluster provides. Learners create it, activate it, "
    "install the versions they need, record them in a file and throw the environment away "
    "when it is no longer needed, knowing they can make it again from that file. "
)


# --- The synthetic course ---------------------------------------------------------------------


def page_source(number: int, variant: str) -> str:
    """One lesson page, about 3 KB of prose plus boxes, tabs and code."""
    title = f"Lesson {number}: environments, part {number}"
    prose = "\n\n".join(textwrap.fill(PROSE * 2, 95) for _ in range(3))

    def box(kind: str, box_title: str, body: str, extra: str = "") -> str:
        indented = textwrap.indent(body, "   ")
        if variant == "extension":
            return f".. {kind}:: {box_title}\n{extra}\n{indented}\n"
        return f".. admonition:: {box_title}\n   :class: {kind}\n\n{indented}\n"

    def site_tabs() -> str:
        sites = {"uppmax": "UPPMAX", "hpc2n": "HPC2N", "local": "Your own computer"}
        if variant == "extension":
            items = "".join(
                f"   .. site:: {name}\n\n      Load the Python module on {label} first.\n\n"
                for name, label in sites.items()
            )
            return f".. site-tabs::\n\n{items}"
        items = "".join(
            f".. container:: site-{name}\n\n   **{label}**\n\n"
            f"   Load the Python module on {label} first.\n\n"
            for name, label in sites.items()
        )
        return items

    # The extension variant marks its shell block as a runnable lesson command, as a lesson
    # of the course must (an unmarked one is reported); the floor has a plain console block.
    if variant == "extension":
        shell_block = [".. lesson-command::", "   :scenario: environment"]
    else:
        shell_block = [".. code-block:: console"]
    solution = box("solution", "Solution", "Run ``python -m venv env`` and activate it.")
    exercise_body = "Create an environment and install one package.\n\n" + solution
    parts = [
        ":teaching: 20",
        ":exercises: 15",
        "",
        title,
        "=" * len(title),
        "",
        box("questions", "Questions", "- Why isolate the packages of a project?"),
        box("objectives", "Objectives", "- Create, use and remove an environment."),
        box("prerequisites", "Prerequisites", "- A terminal and a cluster account."),
        "Why",
        "---",
        "",
        prose,
        "",
        site_tabs(),
        *shell_block,
        "",
        "   $ python -m venv env",
        "   $ source env/bin/activate",
        "   $ pip install tomli==2.0.1",
        "",
        box("exercise", f"Make environment {number}", exercise_body),
        box("instructor-note", "Instructor note", "Show the prompt change."),
        box("keypoints", "Keypoints", f"- Environment {number} is disposable."),
    ]
    return "\n".join(parts) + "\n"


def write_course(srcdir: Path, pages: int, variant: str) -> None:
    """Write a course of ``pages`` lesson pages and an index with their toctree."""
    srcdir.mkdir(parents=True)
    extensions = '["sphinx_teaching"]' if variant == "extension" else "[]"
    (srcdir / "conf.py").write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(EXTENSIONS_DIR)!r})
            project = "Benchmark course"
            extensions = {extensions}
            lesson_sites = {{"uppmax": "UPPMAX", "hpc2n": "HPC2N", "local": "Your own computer"}}
            lesson_check_folders = ["lessons/"]
            # No sidebars: the default theme's sidebar renders the whole site's toctree on
            # every page, a cost quadratic in N that Sphinx pays with or without us and that
            # would hide how our own cost per page grows.
            html_sidebars = {{"**": []}}
            """
        ),
        encoding="utf-8",
    )
    lessons = srcdir / "lessons"
    lessons.mkdir()
    for number in range(pages):
        (lessons / f"lesson{number:04d}.rst").write_text(
            page_source(number, variant), encoding="utf-8"
        )
    # The course-level pages: a schedule on the landing page and two summary pages. The
    # floor has the same pages with static text where the extension generates content.
    if variant == "extension":
        schedule = ".. lesson-schedule::\n"
        keypoints = ".. keypoints-summary::\n"
        exercises = ".. exercise-list::\n"
    else:
        schedule = keypoints = exercises = "Generated by the extension in the other variant.\n"
    (srcdir / "keypoints.rst").write_text(f"Key points\n==========\n\n{keypoints}", "utf-8")
    (srcdir / "exercises.rst").write_text(f"Exercises\n=========\n\n{exercises}", "utf-8")
    entries = "\n".join(f"   lessons/lesson{number:04d}" for number in range(pages))
    (srcdir / "index.rst").write_text(
        "Benchmark course\n================\n\nSchedule\n--------\n\n"
        f"{schedule}\n.. toctree::\n   :maxdepth: 1\n\n{entries}\n   keypoints\n   exercises\n",
        encoding="utf-8",
    )


# --- Measuring ---------------------------------------------------------------------------------


@dataclass
class Build:
    seconds: float
    #: CPU seconds of the build and its worker processes.
    cpu: float
    peak_kib: int
    written: list[str] = field(default_factory=list)


def run_build(srcdir: Path, outdir: Path, *options: str) -> Build:
    """Build ``srcdir`` into ``outdir`` in a fresh process; time it and list rewritten pages.

    Warnings are errors (``-W``), as for the course: the synthetic course must build cleanly.
    """
    before = _html_mtimes(outdir)
    pycache = outdir.parent.parent / "pycache"
    with tempfile.NamedTemporaryFile("r", suffix=".json") as report_file:
        started = _now()
        completed = subprocess.run(
            [sys.executable, "-c", _MEASURED_BUILD, report_file.name,
             "-b", "html", "-q", "-W", *options, str(srcdir), str(outdir)],
            capture_output=True, text=True, check=False, env=build_environment(pycache),
        )  # fmt: skip
        seconds = _now() - started
        if completed.returncode:
            sys.exit(f"build of {srcdir} failed:\n{completed.stderr}")
        report = json.loads(report_file.read())
    after = _html_mtimes(outdir)
    written = sorted(page for page, mtime in after.items() if before.get(page) != mtime)
    return Build(seconds, report["cpu"], report["peak_kib"], written)


def _now() -> float:
    import time

    return time.perf_counter()


def _html_mtimes(outdir: Path) -> dict[str, int]:
    if not outdir.exists():
        return {}
    return {
        str(path.relative_to(outdir)): path.stat().st_mtime_ns
        for path in outdir.rglob("*.html")
        if "_static" not in path.parts
    }


#: The two edits of the incremental builds, each to the middle lesson: a key point, which
#: changes what the key-points summary shows (the case the target is judged on), and a
#: sentence of prose, the most common edit, which changes no summary.
EDITS = {
    "keypoint": ("is disposable.", "is disposable, edited."),
    "prose": ("An isolated environment keeps", "An isolated environment, edited, keeps"),
}


def edit_one_page(srcdir: Path, edit: str) -> tuple[Path, str, str]:
    """Make one of :data:`EDITS` to the middle lesson, as an author would while editing.

    Returns the page, its original text (to undo the edit) and its output file name.
    """
    lessons = sorted((srcdir / "lessons").glob("*.rst"))
    page = lessons[len(lessons) // 2]
    original = page.read_text(encoding="utf-8")
    old, new = EDITS[edit]
    page.write_text(original.replace(old, new, 1), "utf-8")
    return page, original, str(page.relative_to(srcdir).with_suffix(".html"))


@dataclass
class Sample:
    """Every run's figures for one variant at one size."""

    full: list[float] = field(default_factory=list)
    #: CPU seconds of the same full builds.
    #: CPU seconds of the same full builds (per run, the mean of its CPU samples).
    full_cpu: list[float] = field(default_factory=list)
    #: CPU seconds of a build of the same project with no lesson pages: the fixed start-up.
    empty_cpu: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)
    incremental: list[float] = field(default_factory=list)
    #: The same after an edit to prose only.
    incremental_prose: list[float] = field(default_factory=list)
    parallel: list[float] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)
    rewritten_prose: list[str] = field(default_factory=list)
    edited: str = ""


VARIANTS = ("extension", "floor")
#: Each run's CPU figure for the cost per page covers at least this many pages: a small course
#: is built that many times more (with its empty project), so that the difference of two
#: short builds does not carry more noise at N=50 than at N=1000.
PAGES_PER_CPU_SAMPLE = 300


@dataclass
class Course:
    """The sources of one course size: per variant, the course and the same without lessons."""

    pages: int
    sources: dict[str, Path]
    empty_sources: dict[str, Path]


def prepare(pages: int, workdir: Path) -> Course:
    """Write the course of ``pages`` lessons in both variants, and build each once, untimed.

    The untimed build fills the bytecode cache and the file cache, which would otherwise make
    the first run's start-up slower than every other's.
    """
    course = Course(pages, {}, {})
    for variant in VARIANTS:
        course.sources[variant] = workdir / f"{variant}-{pages}" / "src"
        write_course(course.sources[variant], pages, variant)
        course.empty_sources[variant] = workdir / f"{variant}-{pages}" / "empty"
        write_course(course.empty_sources[variant], 0, variant)
    for variant in VARIANTS:
        warm_up_outdir = course.sources[variant].parent / "out-warm-up"
        run_build(course.empty_sources[variant], warm_up_outdir)
        shutil.rmtree(warm_up_outdir)
    return course


def measure_run(course: Course, run: int, samples: dict[str, Sample]) -> None:
    """One run at one course size: every build of each variant, the variants alternating."""
    for variant, sample in samples.items():
        srcdir = course.sources[variant]
        outdir = srcdir.parent / f"out-{run}"
        parallel_outdir = srcdir.parent / f"out-j2-{run}"
        # A new output folder holds a new environment (.doctrees): a clean build.
        full = run_build(srcdir, outdir)
        sample.full.append(full.seconds)
        sample.peak_mib.append(full.peak_kib / 1024)
        full_cpu, empty_cpu = [full.cpu], []
        for repeat in range(math.ceil(PAGES_PER_CPU_SAMPLE / course.pages)):
            empty_outdir = srcdir.parent / f"out-empty-{run}-{repeat}"
            empty_cpu.append(run_build(course.empty_sources[variant], empty_outdir).cpu)
            shutil.rmtree(empty_outdir)
            if repeat:
                again_outdir = srcdir.parent / f"out-again-{run}-{repeat}"
                full_cpu.append(run_build(srcdir, again_outdir).cpu)
                shutil.rmtree(again_outdir)
        sample.full_cpu.append(statistics.fmean(full_cpu))
        sample.empty_cpu.append(statistics.fmean(empty_cpu))
        page, original, sample.edited = edit_one_page(srcdir, "keypoint")
        incremental = run_build(srcdir, outdir)
        page.write_text(original, encoding="utf-8")
        sample.incremental.append(incremental.seconds)
        sample.rewritten = incremental.written
        # Undoing the edit is an edit to the same key point: a second sample of the same
        # case, which an incremental build (under a second, so easily disturbed by other
        # work on the machine) needs more than a full build does.
        sample.incremental.append(run_build(srcdir, outdir).seconds)
        page, original, _ = edit_one_page(srcdir, "prose")
        incremental_prose = run_build(srcdir, outdir)
        page.write_text(original, encoding="utf-8")
        sample.incremental_prose.append(incremental_prose.seconds)
        sample.rewritten_prose = incremental_prose.written
        parallel = run_build(srcdir, parallel_outdir, "-j", "2")
        sample.parallel.append(parallel.seconds)
        shutil.rmtree(outdir)
        shutil.rmtree(parallel_outdir)
        print(
            f"  run {run + 1} N={course.pages} {variant:9s} full {full.seconds:6.2f}s "
            f"incremental {incremental.seconds:5.2f}s -j2 {parallel.seconds:6.2f}s",
            flush=True,
        )


def measure(sizes: list[int], runs: int, workdir: Path) -> dict[int, dict[str, Sample]]:
    """``runs`` runs, each of every course size in turn, the two variants alternating.

    Sizes are interleaved, run by run, rather than measured one after the other, so that a
    machine that slows down or speeds up during the benchmark (it is shared) weighs on every
    size alike: the per-page figures of different sizes are compared with one another.
    """
    courses = [prepare(pages, workdir) for pages in sizes]
    results = {pages: {variant: Sample() for variant in VARIANTS} for pages in sizes}
    for run in range(runs):
        for course in courses:
            measure_run(course, run, results[course.pages])
    return results


def page_weight() -> tuple[int, int]:
    """Bytes of CSS+JS the extension adds to every HTML page, and the number of files."""
    static = EXTENSIONS_DIR / "sphinx_teaching" / "static"
    files = [path for path in static.iterdir() if path.suffix in {".css", ".js"}]
    return sum(path.stat().st_size for path in files), len(files)


# --- Reporting ---------------------------------------------------------------------------------


def median_spread(values: list[float], digits: int = 2) -> str:
    """``median (min–max)``: the spread says how far to trust the median."""
    return (
        f"{statistics.median(values):.{digits}f} "
        f"({min(values):.{digits}f}–{max(values):.{digits}f})"
    )


#: Pages an edit may rewrite besides itself: the pages generated from every lesson (schedule on
#: the landing page, the two summaries) and the two Sphinx writes on every build.
DEPENDENT_PAGES = {"index.html", "keypoints.html", "exercises.html", "genindex.html", "search.html"}


def only_expected_rewrites(sample: Sample, written: list[str]) -> bool:
    """The edited page was rewritten, and besides it only pages that depend on every page."""
    rewritten = set(written)
    return sample.edited in rewritten and rewritten <= DEPENDENT_PAGES | {sample.edited}


def per_page_ms(sample: Sample, pages: int) -> list[float]:
    """CPU milliseconds per page, after taking off the fixed start-up cost.

    Each run's full build minus the same run's build of the empty project, divided by the
    number of pages: what one more page costs, which is what must stay flat as N grows. CPU
    time, not wall time: it is the work the build itself did, which the other processes of a
    shared machine slow down far less than they delay it.
    """
    return [
        (full - empty) / pages * 1000
        for full, empty in zip(sample.full_cpu, sample.empty_cpu, strict=True)
    ]


def ratios(numerators: list[float], denominators: list[float]) -> list[float]:
    """Run-by-run ratios: each pair was measured back to back, under the same load."""
    return [a / b for a, b in zip(numerators, denominators, strict=True)]


def machine_description() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    import sphinx

    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; Sphinx {sphinx.__version__}"
    )


def report(results: dict[int, dict[str, Sample]], runs: int) -> str:
    weight, files = page_weight()
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (benchmarks/bench_build.py); do not edit by hand, except the "
        f'section "{HAND_WRITTEN_HEADING[3:]}" at the end, which `make bench` keeps.',
        "",
        f"- Date: {dt.date.today().isoformat()}",
        f"- Machine: {machine_description()}",
        f"- Runs per figure: {runs}, each building every size in turn, the two variants "
        "alternating; figures are "
        "`median (min–max)`. The machine is shared, so compare the ratios, measured back "
        "to back, rather than absolute seconds.",
        "- *extension*: the synthetic course built with sphinx_teaching; *floor*: the same "
        "pages with Sphinx's built-in `admonition` and plain containers instead of our "
        "directives, without the extension.",
        "- The extension keeps no caches of its own: its data is one Sphinx domain, and a "
        "generated page (a summary, the schedule) is written again when what it lists changed.",
        "",
        "- *per page*: CPU time (user + system, of the build and its workers) of the full build "
        "minus that of a build of the same project with no lessons, divided by N, so the fixed "
        "start-up cost does not hide how the cost of a page grows with N. CPU time rather than "
        "wall time because it is the work the build did, which other processes on the shared "
        "machine delay far more than they change; the other columns are wall time. So that "
        "each run's figure covers as many pages at every N, a course of fewer than "
        f"{PAGES_PER_CPU_SAMPLE} pages is built (with its empty project) "
        f"{PAGES_PER_CPU_SAMPLE}/N times (rounded up) in each run for it, and the mean taken.",
        "- Every build runs in a new process with Python's bytecode cache on (in a folder of "
        "the benchmark's own), as on an instructor's machine; this machine switches it off "
        "(`PYTHONDONTWRITEBYTECODE`), which would make each build compile the extension anew.",
        '- Both variants are built without sidebars (`html_sidebars = {"**": []}`): the '
        "default theme's sidebar renders the whole site's toctree on every page, a cost "
        "quadratic in N that both variants pay alike and that would hide our own per-page "
        "cost. With it, a page costs about twice as much at N=300 as at N=50 in both variants.",
        "- *incremental*: the build after editing one key point of the middle lesson (the "
        "key-points summary must change), and the build after undoing that edit: two samples "
        "per run, each compared with its run's full build; *incremental, prose*: after editing "
        "a sentence of its prose instead (no summary changes). All are run in a new process, "
        "as `make html` and `make livehtml` run Sphinx.",
        "",
        "| pages | variant | full build (s) | per page (ms CPU) | peak memory (MiB) "
        "| incremental (s) | incremental, prose (s) | -j 2 (s) | -j 2 speed-up |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pages, samples in results.items():
        for variant, sample in samples.items():
            per_page = per_page_ms(sample, pages)
            speedup = ratios(sample.full, sample.parallel)
            lines.append(
                f"| {pages} | {variant} | {median_spread(sample.full)} "
                f"| {median_spread(per_page, 1)} | {median_spread(sample.peak_mib, 0)} "
                f"| {median_spread(sample.incremental)} "
                f"| {median_spread(sample.incremental_prose)} | {median_spread(sample.parallel)} "
                f"| {median_spread(speedup)} |"
            )
    lines += [
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    sizes = sorted(results)
    for pages in sizes:
        ext, floor = results[pages]["extension"], results[pages]["floor"]
        ratio = ratios(ext.full, floor.full)
        lines.append(
            f"| full build ≤ 1.10 × floor at N={pages} | {median_spread(ratio)} "
            f"| {'yes' if statistics.median(ratio) <= 1.10 else 'NO'} |"
        )
    smallest, largest = sizes[0], sizes[-1]

    def growth(variant: str) -> float:
        small = statistics.median(per_page_ms(results[smallest][variant], smallest))
        return statistics.median(per_page_ms(results[largest][variant], largest)) / small

    lines += [
        f"| (for comparison: the cost per page from N={smallest} to N={largest}, extension and "
        f"floor) | {growth('extension'):.2f}× and {growth('floor'):.2f}× | (not a target) |",
    ]
    middle = 300 if 300 in results else sizes[len(sizes) // 2]
    ext, floor = results[middle]["extension"], results[middle]["floor"]
    # Each edit sample of the extension against the same sample of the floor, built back to
    # back in the same run: the ratio the target is judged on.
    edit_ratio = ratios(ext.incremental, floor.incremental)
    lines.append(
        f"| one-page edit (one key point) at N={middle} ≤ 1.25 × the floor's same edit "
        f"| {median_spread(edit_ratio)}×: {median_spread(ext.incremental)} s against "
        f"{median_spread(floor.incremental)} s "
        f"| {'yes' if statistics.median(edit_ratio) <= 1.25 else 'NO'} |"
    )
    lines.append(
        f"| ... rewriting only that page and the pages that depend on it "
        f"| edited `{ext.edited}`; rewritten: {', '.join(f'`{p}`' for p in ext.rewritten)} "
        f"| {'yes' if only_expected_rewrites(ext, ext.rewritten) else 'NO'} |"
    )
    lines.append(
        f"| (for comparison: an edit to prose, at N={middle}, against the floor's) "
        f"| {median_spread(ratios(ext.incremental_prose, floor.incremental_prose))}×; "
        f"rewritten: {', '.join(f'`{p}`' for p in ext.rewritten_prose)} | (not a target) |"
    )
    speedup = ratios(ext.full, ext.parallel)
    lines.append(
        f"| `-j 2` at least 1.3× faster than `-j 1` at N={middle} "
        f"| {median_spread(speedup)}× | {'yes' if statistics.median(speedup) >= 1.3 else 'NO'} |"
    )
    lines.append(
        f"| our CSS + JS ≤ 15 KB per page in ≤ 2 files, no other host "
        f"| {weight / 1024:.1f} KB in {files} file(s), both from `_static/` "
        f"| {'yes' if weight <= 15 * 1024 and files <= 2 else 'NO'} |"
    )
    return "\n".join(lines) + "\n"


#: The hand-written section of BENCHMARKS.md (profiles, before/after figures of a fix): kept,
#: from its heading to the end of the file, when the tables above it are written again.
HAND_WRITTEN_HEADING = "## Profiling"


def hand_written_section(path: Path) -> str:
    """The hand-written section of the existing file at ``path``, or ``""``."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    start = text.find(f"\n{HAND_WRITTEN_HEADING}\n")
    return "" if start < 0 else "\n" + text[start + 1 :].rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 300, 1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "BENCHMARKS.md")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)
    if args.runs < 3:
        parser.error("--runs must be at least 3 for a median with a spread")

    with tempfile.TemporaryDirectory(prefix="lesson-bench-") as tmp:
        print(f"{args.runs} runs, each of N = {', '.join(map(str, args.sizes))}", flush=True)
        results = measure(args.sizes, args.runs, Path(tmp))
    kept = hand_written_section(args.output)
    args.output.write_text(report(results, args.runs) + kept, encoding="utf-8")
    if args.json:
        raw = {
            pages: {variant: sample.__dict__ for variant, sample in samples.items()}
            for pages, samples in results.items()
        }
        args.json.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
