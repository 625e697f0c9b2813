"""Compiled page templates kept between builds, for quick rebuilds while editing.

Sphinx compiles its Jinja page templates (``page.html``, ``layout.html`` and what they extend)
in every build, and every build is a new process: ``make html`` and each rebuild of
``make livehtml``. On a one-page edit that compiling is a large share of the rebuild. Jinja can
keep compiled templates in a folder (its bytecode cache); this module gives it
``<doctreedir>/jinja-bytecode``, so only the first build compiles them.

Jinja checks each kept template against the checksum of its source and the Python version,
so an edited template (a theme's or one in ``templates_path``) is compiled again. Templates
compiled with and without Jinja's i18n extension go to separate folders. Switch it off with
``lesson_template_cache = False``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemBytecodeCache

from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

CONFIG_NAME = "lesson_template_cache"
#: The folder, inside the build's doctree folder, of the compiled templates.
CACHE_FOLDER = "jinja-bytecode"


def check_template_cache_config(app: Sphinx, config: Config) -> None:
    """``lesson_template_cache`` must be ``True`` or ``False``; otherwise use the default."""
    value = config[CONFIG_NAME]
    if not isinstance(value, bool):
        warn(
            LessonWarning.CONFIG,
            f"{CONFIG_NAME} must be True or False, not {value!r}; keeping the compiled "
            "templates (the default)",
        )
        config[CONFIG_NAME] = True


def keep_compiled_templates(app: Sphinx) -> None:
    """``builder-inited``: give the builder's Jinja environment a bytecode cache."""
    if not app.config[CONFIG_NAME]:
        return
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    # Builders without Jinja templates, or whose templates already have a cache, are left be.
    if not isinstance(environment, Environment) or environment.bytecode_cache is not None:
        return
    # Jinja's extensions change what a template compiles to; the cache key does not cover them.
    flavour = "-".join(sorted(name.rpartition(".")[2] for name in environment.extensions))
    folder = Path(app.doctreedir) / CACHE_FOLDER / (flavour or "plain")
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup_template_cache(app: Sphinx) -> None:
    """Register ``lesson_template_cache`` and the cache."""
    app.add_config_value(
        CONFIG_NAME,
        True,
        "",
        types=frozenset({bool}),
        description="Keep Sphinx's compiled page templates between builds, in the doctree "
        "folder; ``False`` compiles them in every build, as Sphinx does.",
    )
    app.connect("config-inited", check_template_cache_config)
    app.connect("builder-inited", keep_compiled_templates)
