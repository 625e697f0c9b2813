"""HTML kept between builds: the summaries' and the schedule's parts, and compiled templates.

That a rebuild using kept parts writes what a clean build writes, after every kind of change,
is tested in test_summaries.py (test_incremental_build_writes_what_a_clean_build_writes) and
test_schedule.py. The tests here show that the kept parts are really used, that nothing a
part depends on can change without the part being made again, and that a damaged store is
only a lost cache.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from helpers import assert_same_tree, build_cleanly, copy_root, make_test_app, warnings_of
from sphinx_teaching.fragments import STORE_NAME, STORE_VERSION
from sphinx_teaching.templatecache import CACHE_FOLDER

MARKER = "KEPT-HTML-MARKER"


def build(srcdir: Path, builddir: Path, builder: str = "html", **kwargs) -> Path:
    """Build ``srcdir`` in ``builddir`` (keeping its environment) and return the outdir."""
    app = make_test_app(builder, srcdir, builddir=builddir, **kwargs)
    try:
        build_cleanly(app)
    finally:
        app.cleanup()
    return Path(app.outdir)


def store_path(builddir: Path) -> Path:
    return builddir / "doctrees" / STORE_NAME


def kept_parts(builddir: Path) -> dict[str, dict[str, str]]:
    with store_path(builddir).open("rb") as stream:
        version, kept = pickle.load(stream)
    assert version == STORE_VERSION
    return kept


def mark_kept_part(builddir: Path, page: str, text: str) -> None:
    """Change, in the store, the one part of ``page`` that shows ``text`` to show MARKER."""
    kept = kept_parts(builddir)
    keys = [key for key, html in kept[page].items() if text in html]
    assert len(keys) == 1, f"{len(keys)} parts of {page} show {text!r}"
    kept[page][keys[0]] = kept[page][keys[0]].replace(text, MARKER)
    with store_path(builddir).open("wb") as stream:
        pickle.dump((STORE_VERSION, kept), stream)


def touch_later(path: Path, old: str = "", new: str = "") -> None:
    """Edit ``path`` (or only touch it) so that Sphinx sees it as changed."""
    if old:
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new), "utf-8")
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def html_of(outdir: Path, page: str) -> str:
    return (outdir / f"{page}.html").read_text("utf-8")


# --- Summaries ---------------------------------------------------------------------------------


@pytest.fixture
def summaries(rootdir, tmp_path):
    """A built copy of the summaries root: (source folder, build folder, output folder)."""
    src = copy_root(rootdir, "summaries", tmp_path)
    builddir = tmp_path / "build"
    return src, builddir, build(src, builddir)


def test_a_rebuild_writes_the_kept_html_of_the_parts_that_did_not_change(summaries):
    src, builddir, outdir = summaries
    mark_kept_part(builddir, "summaries/keypoints", "MyST keypoint.")
    touch_later(src / "lessons" / "alpha.rst", "Alpha keypoint.", "Alpha keypoint EDITED.")
    build(src, builddir)
    text = html_of(outdir, "summaries/keypoints")
    # The MyST lesson's part came from the store; the edited lesson's was made again.
    assert MARKER in text and "MyST keypoint." not in text
    assert "Alpha keypoint EDITED." in text


def test_a_part_with_a_cross_reference_is_never_kept(summaries):
    _, builddir, _ = summaries
    kept = kept_parts(builddir)
    keypoints = "".join(kept["summaries/keypoints"].values())
    # Zeta's key point links to a section of another page, whose title may change.
    assert "Zeta keypoint one" not in keypoints
    assert "MyST keypoint." in keypoints and "Alpha keypoint." in keypoints
    exercises = "".join(kept["summaries/exercises"].values())
    assert "Create a virtual environment" not in exercises


@pytest.mark.parametrize(
    "change",
    [{"confoverrides": {"html_title": "Another title"}}, {"tags": ["another-tag"]}],
    ids=["configuration", "tags"],
)
def test_a_changed_configuration_or_tag_makes_every_part_again(summaries, change):
    src, builddir, outdir = summaries
    mark_kept_part(builddir, "summaries/keypoints", "MyST keypoint.")
    touch_later(src / "lessons" / "alpha.rst", "Alpha keypoint.", "Alpha keypoint EDITED.")
    build(src, builddir, **change)
    text = html_of(outdir, "summaries/keypoints")
    assert MARKER not in text and "MyST keypoint." in text


def test_a_removed_page_leaves_the_store(summaries):
    src, builddir, _ = summaries
    (src / "summaries" / "some-pages.rst").unlink()
    index = src / "index.rst"
    touch_later(index, "   summaries/some-pages\n", "")
    build(src, builddir)
    assert "summaries/some-pages" not in kept_parts(builddir)
    assert "summaries/keypoints" in kept_parts(builddir)


@pytest.mark.parametrize(
    "damage", [b"", b"not a pickle", pickle.dumps(("an old shape", []))], ids=repr
)
def test_a_damaged_store_is_only_a_lost_cache(summaries, tmp_path, damage):
    src, builddir, outdir = summaries
    store_path(builddir).write_bytes(damage)
    touch_later(src / "lessons" / "alpha.rst", "Alpha keypoint.", "Alpha keypoint EDITED.")
    build(src, builddir)
    assert_same_tree(outdir, build(src, tmp_path / "clean"))
    assert "summaries/keypoints" in kept_parts(builddir)


def test_other_formats_keep_nothing(rootdir, tmp_path):
    src = copy_root(rootdir, "summaries", tmp_path)
    outdir = build(src, tmp_path / "build", builder="text")
    assert "Alpha keypoint." in (outdir / "summaries" / "keypoints.txt").read_text("utf-8")
    assert not store_path(tmp_path / "build").exists()


def test_a_parallel_build_then_a_serial_one_write_what_a_clean_build_writes(summaries, tmp_path):
    src, _, _ = summaries
    builddir = tmp_path / "parallel"
    build(src, builddir, parallel=2)
    touch_later(src / "lessons" / "alpha.rst", "Alpha keypoint.", "Alpha keypoint EDITED.")
    incremental = build(src, builddir)
    assert_same_tree(incremental, build(src, tmp_path / "clean"))


# --- Schedule ----------------------------------------------------------------------------------


def test_the_schedule_is_kept_until_a_timing_changes(rootdir, tmp_path):
    src = copy_root(rootdir, "schedule", tmp_path)
    builddir = tmp_path / "build"
    outdir = build(src, builddir)
    mark_kept_part(builddir, "index", "Coffee break")
    # An edit that leaves the timings alone: the landing page is written again (its toctree
    # lists the page) with the kept table.
    stored = store_path(builddir).stat().st_mtime_ns
    touch_later(src / "lessons" / "setup.md", "Create one with", "Make one with")
    build(src, builddir)
    assert MARKER in html_of(outdir, "index")
    # Nothing new was made, so the store was not written again.
    assert store_path(builddir).stat().st_mtime_ns == stored
    # A new timing changes the schedule: the table is made again.
    touch_later(src / "lessons" / "setup.md", "teaching: 15", "teaching: 20")
    build(src, builddir)
    text = html_of(outdir, "index")
    assert MARKER not in text and "Coffee break" in text
    assert_same_tree(outdir, build(src, tmp_path / "clean"))


# --- Compiled templates ------------------------------------------------------------------------


def test_compiled_templates_are_kept_and_follow_an_edited_template(rootdir, tmp_path):
    src = copy_root(rootdir, "summaries", tmp_path)
    (src / "_templates").mkdir()
    layout = src / "_templates" / "layout.html"
    layout.write_text('{% extends "!layout.html" %}{% block footer %}FIRST-FOOTER{% endblock %}')
    with (src / "conf.py").open("a") as conf:
        conf.write('\ntemplates_path = ["_templates"]\n')
    builddir = tmp_path / "build"
    outdir = build(src, builddir)
    folder = builddir / "doctrees" / CACHE_FOLDER
    assert list(folder.rglob("*.cache")), "no compiled template kept"
    assert "FIRST-FOOTER" in html_of(outdir, "index")
    touch_later(layout, "FIRST-FOOTER", "SECOND-FOOTER")
    build(src, builddir)
    assert "SECOND-FOOTER" in html_of(outdir, "index")
    assert "FIRST-FOOTER" not in html_of(outdir, "summaries/keypoints")


def test_template_cache_can_be_switched_off(rootdir, tmp_path):
    src = copy_root(rootdir, "summaries", tmp_path)
    build(src, tmp_path / "build", confoverrides={"lesson_template_cache": False})
    assert not (tmp_path / "build" / "doctrees" / CACHE_FOLDER).exists()


def test_a_template_cache_setting_that_is_not_true_or_false_is_reported(rootdir, tmp_path):
    src = copy_root(rootdir, "summaries", tmp_path)
    with (src / "conf.py").open("a") as conf:
        conf.write('\nlesson_template_cache = "no"\n')
    app = make_test_app("html", src, builddir=tmp_path / "build")
    try:
        app.build()
        warnings = warnings_of(app)
    finally:
        app.cleanup()
    assert len(warnings) == 1, warnings
    assert "lesson_template_cache must be True or False, not 'no'" in warnings[0]
    assert warnings[0].endswith("[lesson.config]")
    # The default is used: the compiled templates are kept.
    assert list((tmp_path / "build" / "doctrees" / CACHE_FOLDER).rglob("*.cache"))
