"""Sphinx configuration of the course site: the one configuration, used by every build.

Built with `make html` (sources in docs/, this file at the repository root).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).parent.resolve()
# Our teaching-directive extension lives in extensions/ (installable from pyproject.toml too);
# docs/_ext/ holds the site's own tooling (the extension's generated reference tables).
sys.path.insert(0, str(ROOT / "extensions"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

# -- Project ------------------------------------------------------------------------------------

project = "Isolated environments for Python on HPC"
author = "The course team"
# Fixed rather than computed from today's date, so that two builds give identical HTML.
copyright = "2026, the course team"
language = "en"

# -- Extensions ---------------------------------------------------------------------------------

extensions = [
    "myst_parser",  # lesson pages in MyST Markdown
    "sphinx_copybutton",  # copy buttons that skip prompts and output
    "sphinx_teaching",  # our teaching directives and course features
    "extension_reference",  # the extension's reference tables and examples (docs/_ext/)
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# Lesson templates are shown on the contributing page with literalinclude, not built as pages.
exclude_patterns: list[str] = ["contributing/lesson-template.*"]
# Examples of the extension's reference, included by its pages (and built by the tests).
exclude_patterns += ["extension/snippets"]

# MyST: `:::{exercise}` colon fences as well as backtick fences; definition lists.
myst_enable_extensions = ["colon_fence", "deflist"]
# Headings get anchors so that `{ref}` and deep links work on Markdown pages too.
myst_heading_anchors = 3

# sphinx-copybutton: copy only what follows a prompt ("$ ", "(env) $ " with an environment
# active, or Python's ">>> " and "... "); output lines are left out. Prompts and output stay
# in the text that copybutton reads (not excluded as .gp/.go), so that its pattern removes a
# prompt whole (excluding .gp left the space after "(env)" in front of the command), and a
# block without prompts, such as a lesson template showing a console example, is copied
# whole (excluding .go dropped that example's output lines).
copybutton_prompt_text = r"(?:\([^)]*\) )?\$ |>>> |\.\.\. "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
# A command continued with a trailing backslash is copied with its next lines.
copybutton_line_continuation_character = "\\"
copybutton_exclude = ".linenos"

# -- HTML output --------------------------------------------------------------------------------

html_theme = "sphinx_rtd_theme"
html_title = project
html_static_path = ["_static"]
html_css_files: list[str] = []
html_theme_options = {
    "navigation_depth": 3,
    "collapse_navigation": False,
}
# No "last updated" stamp and no build-time dates: identical sources give identical HTML.
html_last_updated_fmt = None

# Fixes to the theme found by the browser tests: colours raised to WCAG 2.1 AA contrast, table
# cells that wrap, and code blocks and tables that scroll sideways reachable by keyboard.
html_css_files += ["theme-fixes.css"]
html_js_files = ["scrollable-regions.js", "landmarks.js"]
# The theme writes its "Built with Sphinx" line outside every landmark (axe-core's rule
# "region"): _templates/footer.html writes it inside the footer's contentinfo landmark instead.
templates_path = ["_templates"]
html_show_sphinx = False

# -- Runnable commands (sphinx_teaching.runnable) -----------------------------------------------

# The modules that cluster-only command blocks may load, per centre, each with its source.
lesson_known_modules = "data/known-modules.toml"

# -- Lesson checks ------------------------------------------------------------------------------

# Pages under these folders are lesson pages: `make html` warns when one misses its questions or
# objectives, its key points, a solution, or its timing (see docs/extension/checks.rst).
lesson_check_folders = ["lessons/", "uppmax/", "hpc2n/"]

# -- sphinx_teaching ----------------------------------------------------------------------------

# The sites of `site-tabs` groups: name (used in `.. site:: name` and `?site=name`) -> label.
lesson_sites = {"uppmax": "UPPMAX", "hpc2n": "HPC2N", "local": "Your own computer"}

# -- Course schedule and instructor view (sphinx_teaching) --------------------------------------

# The landing page's schedule (`.. lesson-schedule::`) starts the day here (24-hour "HH:MM");
# each lesson page gives its minutes as `:teaching:` / `:exercises:` metadata. A break follows
# the lesson named by its docname. The two centre sessions run at the same time: each learner
# takes one, so they share a time slot (see docs/extension/schedule.rst).
lesson_schedule_start = "09:00"
lesson_schedule_breaks = [
    {"after": "lessons/isolated-environments", "minutes": 15, "title": "Coffee break"},
]
lesson_schedule_parallel = [["uppmax/isolated-uppmax", "hpc2n/isolated-hpc2n"]]
# Instructor notes are shown only in `make html-instructor` (which passes `-t instructor`); this
# is also where its "Instructor guide" page is.
lesson_instructor_view = tags.has("instructor")  # noqa: F821 (Sphinx provides `tags`)
lesson_instructor_guide = "instructor-guide"

# -- Offline formats (make epub, make singlehtml, make dist) -----------------------------------

# EPUB 3 requires a version: the edition of the course, by the year it is taught.
version = release = "2026"
epub_basename = "isolated-environments-python-hpc"
epub_title = project
# Links stay links; printing every URL after its text clutters a small screen.
epub_show_urls = "no"
