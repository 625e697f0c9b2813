"""Lesson checks through real builds of tests/roots/test-checks.

The root has, in reST and in MyST, a complete lesson (every check stays quiet), a faulty one
(every structural check fires) and a bare one (no boxes at all), plus a page outside the lesson
folders with the same faults, which is not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import build_root, warnings_of
from sphinx_teaching.warnings import LessonWarning

#: (page, line, subtype) of every warning the root must give, and no other.
EXPECTED = {
    ("lessons/bare.rst", 4, "missing-objectives"),
    ("lessons/bare.rst", 6, "missing-keypoints"),
    ("lessons/bare.rst", 1, "missing-timing"),
    ("lessons/bare-myst.md", 6, "missing-objectives"),
    ("lessons/bare-myst.md", 8, "missing-keypoints"),
    ("lessons/faulty.rst", 9, "missing-objectives"),
    ("lessons/faulty.rst", 33, "missing-keypoints"),
    ("lessons/faulty.rst", 13, "exercise-without-solution"),
    ("lessons/faulty.rst", 29, "solution-outside-exercise"),
    ("lessons/faulty.rst", 25, "keypoints-in-exercise"),
    ("lessons/faulty.rst", 1, "missing-timing"),
    ("lessons/faulty-myst.md", 7, "missing-objectives"),
    ("lessons/faulty-myst.md", 31, "missing-keypoints"),
    ("lessons/faulty-myst.md", 11, "exercise-without-solution"),
    ("lessons/faulty-myst.md", 27, "solution-outside-exercise"),
    ("lessons/faulty-myst.md", 22, "keypoints-in-exercise"),
    ("lessons/faulty-myst.md", 1, "missing-timing"),
}

CHECK_SUBTYPES = sorted({subtype for _, _, subtype in EXPECTED})
_WARNING = re.compile(
    r"/src/(?P<page>\S+?):(?P<line>\d+): WARNING: (?P<text>.*) \[lesson\.(?P<subtype>[\w-]+)\]$"
)


def parsed(warnings: list[str]) -> dict[tuple[str, int, str], str]:
    """Each lesson warning by (page, line, subtype), with its text; fails on any other line."""
    result = {}
    for warning in warnings:
        match = _WARNING.search(warning)
        assert match, f"not a lesson warning at file:line: {warning}"
        key = (match["page"], int(match["line"]), match["subtype"])
        result[key] = match["text"]
    return result


@pytest.fixture(scope="module")
def check_warnings(rootdir, tmp_path_factory):
    app = build_root("checks", tmp_path_factory.mktemp("checks"))
    return parsed(warnings_of(app))


def test_every_expected_warning_and_no_other(check_warnings):
    assert set(check_warnings) == EXPECTED


def test_subtypes_are_in_the_catalogue():
    catalogue = {member.value for member in LessonWarning}
    assert set(CHECK_SUBTYPES) <= catalogue


@pytest.mark.parametrize("subtype", CHECK_SUBTYPES)
@pytest.mark.parametrize("syntax", ["rst", "md"])
def test_each_check_fires_on_a_faulty_page_and_stays_quiet_on_a_complete_one(
    check_warnings, subtype, syntax
):
    faulty = "lessons/faulty.rst" if syntax == "rst" else "lessons/faulty-myst.md"
    complete = "lessons/complete.rst" if syntax == "rst" else "lessons/complete-myst.md"
    pages = {page for page, _, kind in check_warnings if kind == subtype}
    assert faulty in pages
    assert complete not in pages
    assert "outside.rst" not in pages and "index.rst" not in pages


def test_messages_say_what_to_do(check_warnings):
    text = {key[1:]: text for key, text in check_warnings.items() if key[0] == "lessons/faulty.rst"}
    assert "move it up, before the first sub-heading" in text[(9, "missing-objectives")]
    assert "the heading 'Afterwards' comes after it" in text[(33, "missing-keypoints")]
    assert "'No solution here' has no solution" in text[(13, "exercise-without-solution")]
    assert "not inside an exercise" in text[(29, "solution-outside-exercise")]
    assert "inside an exercise" in text[(25, "keypoints-in-exercise")]
    assert "fields 'teaching' and 'exercises'" in text[(1, "missing-timing")]
    assert ":teaching: 25" in text[(1, "missing-timing")]
    bare = check_warnings[("lessons/bare.rst", 1, "missing-timing")]
    assert "field 'exercises'" in bare and "teaching'" not in bare
    myst = check_warnings[("lessons/faulty-myst.md", 1, "missing-timing")]
    assert "front matter" in myst
    assert (
        "no 'questions' or 'objectives' box"
        in check_warnings[("lessons/bare-myst.md", 6, "missing-objectives")]
    )


@pytest.mark.parametrize("subtype", CHECK_SUBTYPES)
def test_one_kind_can_be_silenced_with_suppress_warnings(rootdir, tmp_path, subtype):
    silenced = {"suppress_warnings": [f"lesson.{subtype}"]}
    app = build_root("checks", tmp_path, confoverrides=silenced)
    remaining = set(parsed(warnings_of(app)))
    assert remaining == {key for key in EXPECTED if key[2] != subtype}


def test_parallel_build_gives_the_same_warnings(rootdir, tmp_path):
    app = build_root("checks", tmp_path, parallel=2)
    assert set(parsed(warnings_of(app))) == EXPECTED


def test_no_folders_no_checks(rootdir, tmp_path):
    app = build_root("checks", tmp_path, confoverrides={"lesson_check_folders": []})
    assert warnings_of(app) == []


def test_a_folder_with_no_pages_is_noted_without_failing_the_build(rootdir, tmp_path):
    app = build_root("checks", tmp_path, confoverrides={"lesson_check_folders": ["lesson/"]})
    assert warnings_of(app) == []
    assert "names 'lesson/', but no page's name starts with it" in app.status.getvalue()


def test_a_folder_list_of_the_wrong_type_falls_back_to_no_checks(rootdir, tmp_path):
    app = build_root("checks", tmp_path, confoverrides={"lesson_check_folders": 3})
    warnings = warnings_of(app)
    assert any("lesson_check_folders must be a list" in w for w in warnings)
    assert any(w.endswith("[lesson.config]") for w in warnings)
    assert not any("/src/lessons/" in w for w in warnings)


def test_the_documentation_lists_every_subtype_and_the_real_messages(check_warnings):
    docs = Path(__file__).resolve().parent.parent / "docs" / "extension"
    checks_page = (docs / "checks.rst").read_text("utf-8")
    for subtype in CHECK_SUBTYPES:
        assert f"``lesson.{subtype}``" in checks_page
    summaries_page = (docs / "summaries.rst").read_text("utf-8")
    assert "lesson.summary-twice" in summaries_page
    assert "lesson.summary-argument" in summaries_page
    # The example output on the page is what the build prints for the faulty page.
    for (page, line, subtype), text in check_warnings.items():
        if page == "lessons/faulty.rst":
            assert f"{page}:{line}: WARNING: {text} [lesson.{subtype}]" in checks_page
