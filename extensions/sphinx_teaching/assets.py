"""The extension's stylesheet and script, for HTML builders only.

The files are copied from the package straight into the output's ``_static`` folder as the
builder starts, rather than by adding our folder to ``html_static_path``: changing that
configuration value at build time makes every later incremental build see a changed
configuration. They must be there before any page is written: Sphinx links a file with a
checksum (``lesson.css?v=...``) only when the file exists at that moment, so copying them at
the end gave a first build pages without the checksum and every later build pages with it.
Other builders (LaTeX, text, ...) receive none of our files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util.fileutil import copy_asset_file

from .sitetabs import is_epub, script_settings

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC_DIR = Path(__file__).parent / "static"
#: Our files, in the order pages load them.
STYLESHEETS = ("lesson.css",)
SCRIPTS: tuple[str, ...] = ("lesson.js",)


def link_assets(app: Sphinx) -> None:
    """Link our files from every page of an HTML build."""
    if app.builder.format != "html":
        return
    for stylesheet in STYLESHEETS:
        app.add_css_file(stylesheet)
    if is_epub(type(app.builder)):
        return  # e-readers run no scripts; every page works without them
    for script in SCRIPTS:
        # Deferred: it runs once the page is parsed. What it needs to know comes in data
        # attributes of its own tag, which Sphinx escapes (never pasted into script source).
        app.add_js_file(script, loading_method="defer", **script_settings(app.config))


def copy_assets(app: Sphinx) -> None:
    """Copy our files into the HTML output's ``_static`` folder, before pages are written."""
    if app.builder.format != "html":
        return
    destination = Path(app.outdir) / "_static"
    destination.mkdir(parents=True, exist_ok=True)
    for name in (*STYLESHEETS, *SCRIPTS):
        copy_asset_file(STATIC_DIR / name, destination / name, force=True)


def setup_assets(app: Sphinx) -> None:
    """Link and copy the static files of HTML builds."""
    app.connect("builder-inited", link_assets)
    app.connect("builder-inited", copy_assets)
