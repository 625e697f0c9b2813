"""Every configuration value of the extension, declared and checked in one place.

All are named ``lesson_*``, but for sphinx-lesson's own three, which keep its names. Each is
declared with its default, its types and a description (the reference page's table is
generated from them), and checked once the configuration is read (``config-inited``): a
value of the wrong shape gets a ``lesson.config`` warning saying what to write, and the
default, or the usable part of the value, is used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.config import Config

#: A site name is used in ids, data attributes and ``?site=``: lower-case words and hyphens.
SITE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
#: The tag (``sphinx-build -t instructor``) that selects the instructor view by default.
INSTRUCTOR_TAG = "instructor"
DEFAULT_BREAK_TITLE = "Break"


@dataclass(frozen=True)
class Setting:
    """One configuration value, and how a given value is checked."""

    name: str
    default: Any
    types: tuple[type, ...]
    description: str
    #: For a value usable whole or not at all: what it must be (for the message), and the test.
    expected: str = ""
    accepts: Callable[[Any], bool] | None = None
    #: For a value that may be partly usable: returns what to use, warning about the rest.
    check: Callable[[Any, Sphinx], Any] | None = None

    def usable(self, value: Any, app: Sphinx) -> Any:
        """The value to use in place of ``value``; a warning says what was wrong with it."""
        if self.check is not None:
            return self.check(value, app)
        if self.accepts is None or self.accepts(value):
            return value
        _problem(f"{self.name} must be {self.expected}, not {value!r}; using {self.default!r}")
        return self.default


def parse_clock(text: Any) -> int | None:
    """Minutes since midnight of an ``HH:MM`` time, or ``None`` if it is not one."""
    match = _CLOCK.match(text.strip()) if isinstance(text, str) else None
    return int(match[1]) * 60 + int(match[2]) if match else None


def _problem(message: str) -> None:
    warn(LessonWarning.CONFIG, message)


# --- The checks ---------------------------------------------------------------------------------


def check_sites(value: Any, app: Sphinx) -> dict[str, str]:
    if not isinstance(value, dict):
        _problem(
            f"lesson_sites must be a dict of site name to label, such as "
            f'{{"uppmax": "UPPMAX"}}, not {type(value).__name__}; no sites are configured.'
        )
        return {}
    valid: dict[str, str] = {}
    for name, label in value.items():
        if not isinstance(name, str) or not SITE_NAME.match(name):
            _problem(
                f"lesson_sites: the site name {name!r} is not lower-case letters, digits and "
                "hyphens (it is used in links such as ?site=name); this site is left out."
            )
        elif not isinstance(label, str) or not label.strip():
            _problem(
                f"lesson_sites: the label of site {name!r} must be a non-empty string, not "
                f"{label!r}; this site is left out."
            )
        else:
            valid[name] = label.strip()
    return valid


def _is_flag(value: Any) -> bool:
    return isinstance(value, bool)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _break_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "not a dict"
    unknown = set(item) - {"after", "minutes", "title"}
    if unknown:
        return f"unknown key(s) {', '.join(sorted(map(str, unknown)))}"
    after = item.get("after")
    if not isinstance(after, str) or not after:
        return "'after' must be the docname of the lesson the break follows"
    minutes = item.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        return "'minutes' must be a whole number greater than 0"
    if not isinstance(item.get("title", DEFAULT_BREAK_TITLE), str):
        return "'title' must be text"
    return None


def check_breaks(value: Any, app: Sphinx) -> list[dict[str, Any]]:
    if not isinstance(value, (list, tuple)):
        _problem(f"lesson_schedule_breaks must be a list of breaks, not {value!r}; using no breaks")
        return []
    valid = []
    for number, item in enumerate(value, start=1):
        if problem := _break_problem(item):
            _problem(
                f"lesson_schedule_breaks, item {number} ({item!r}): {problem}; the break is "
                "left out. Write each break as {'after': 'docname', 'minutes': 15, "
                "'title': 'Coffee break'}"
            )
            continue
        valid.append({"title": DEFAULT_BREAK_TITLE, **item})
    return valid


def check_parallel(value: Any, app: Sphinx) -> list[list[str]]:
    example = "[['uppmax/isolated-uppmax', 'hpc2n/isolated-hpc2n']]"
    if not isinstance(value, (list, tuple)):
        _problem(
            f"lesson_schedule_parallel must be a list of groups of docnames such as {example}, "
            f"not {value!r}; scheduling every lesson one after the other"
        )
        return []
    groups: list[list[str]] = []
    seen: set[str] = set()
    for number, group in enumerate(value, start=1):
        if (
            not isinstance(group, (list, tuple))
            or len(group) < 2
            or not all(isinstance(docname, str) and docname for docname in group)
        ):
            problem = "is not a list of two or more docnames"
        elif seen & set(group):
            problem = f"repeats {', '.join(sorted(seen & set(group)))} from an earlier group"
        else:
            groups.append(list(group))
            seen.update(group)
            continue
        _problem(
            f"lesson_schedule_parallel, group {number} ({group!r}) {problem}; the group is "
            f"left out. Write the groups as {example}"
        )
    return groups


def check_instructor_view(value: Any, app: Sphinx) -> bool:
    if isinstance(value, bool):
        return value
    if value is not None:
        _problem(
            f"lesson_instructor_view must be True, False or None (follow '-t "
            f"{INSTRUCTOR_TAG}'), not {value!r}; showing the notes"
        )
        return True
    return app.tags.has(INSTRUCTOR_TAG)


# --- The values ---------------------------------------------------------------------------------

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "lesson_sites", {}, (dict,),
        "The sites of site-specific content: a dict of site name (lower-case letters, digits, "
        "hyphens; used in ?site=name) to the label its tab and heading show.",
        check=check_sites,
    ),
    Setting(
        "lesson_check_folders", [], (list, tuple),
        'Docname prefixes of the lesson pages to check, such as ``["lessons/"]``; the default '
        "checks no page.",
        'a list of folder names such as ["lessons/"]',
        lambda value: isinstance(value, (list, tuple)) and all(map(_is_text, value)),
    ),
    Setting(
        "lesson_known_modules", None, (str, type(None)),
        "Path (from the folder of ``conf.py``) of the TOML file of known modules per centre, "
        "with their sources, that cluster-only ``lesson-command`` blocks may use.",
        "the path of a TOML file",
        lambda value: value is None or _is_text(value),
    ),
    Setting(
        "lesson_commands_check_unmarked", True, (bool,),
        "Warn about shell code blocks in lesson pages that are neither runnable "
        "(``:scenario:``) nor cluster-only (``:cluster:``).",
        "True or False", _is_flag,
    ),
    Setting(
        "lesson_timing_max_minutes", 480, (int,),
        "The most minutes one timing field may declare before it is reported as a probable "
        "typo (``lesson.timing-absurd``).",
        "a positive whole number of minutes",
        lambda value: isinstance(value, int) and not isinstance(value, bool) and value > 0,
    ),
    Setting(
        "lesson_schedule_start", "09:00", (str,),
        "When the schedule's day starts, as ``HH:MM`` (24-hour clock).",
        "a time as 'HH:MM' (24-hour clock)",
        lambda value: parse_clock(value) is not None,
    ),
    Setting(
        "lesson_schedule_breaks", [], (list, tuple),
        "Breaks in the schedule: each a dict with ``after`` (a lesson's docname), ``minutes`` "
        "and ``title``.",
        check=check_breaks,
    ),
    Setting(
        "lesson_schedule_parallel", [], (list, tuple),
        "Groups of lesson docnames taught at the same time (one per learner); each group "
        "shares a time slot.",
        check=check_parallel,
    ),
    Setting(
        "lesson_instructor_view", True, (bool, type(None)),
        "``True`` (the default, as in sphinx-lesson) shows instructor notes and lists the "
        "guide page; ``False`` builds the learner view without them; ``None`` follows the "
        "``instructor`` tag. A course that hides notes from learners sets "
        '``tags.has("instructor")``.',
        check=check_instructor_view,
    ),
    Setting(
        "lesson_instructor_guide", "instructor-guide", (str,),
        "Docname of the instructor guide page (every note and lesson timing); hidden from the "
        "learner build.",
        "the docname of the guide page (or '')",
        _is_text,
    ),
    *(
        Setting(
            f"sphinx_lesson_transform_{name}", True, (bool,),
            f"sphinx-lesson's rewrite of {what} on Markdown pages (see "
            "``docs/extension/moving-from-sphinx-lesson.rst``); ``False`` turns it off.",
            "True or False", _is_flag,
        )
        for name, what in (
            ("code_fences", "a code fence followed by ``{: output}`` into an ``output`` box"),
            ("block_quotes", "a block quote followed by ``{: .challenge}`` into that box"),
            ("html_img", '``<img src="...">`` into a figure'),
        )
    ),
)  # fmt: skip


def check_config(app: Sphinx, config: Config) -> None:
    """``config-inited``: put the usable form of every value in place of what was given."""
    for setting in SETTINGS:
        setattr(config, setting.name, setting.usable(getattr(config, setting.name), app))


def setup_config(app: Sphinx) -> None:
    """Declare every configuration value and check them once read."""
    for setting in SETTINGS:
        app.add_config_value(
            setting.name,
            setting.default,
            "env",
            types=frozenset(setting.types),
            description=setting.description,
        )
    app.connect("config-inited", check_config)
