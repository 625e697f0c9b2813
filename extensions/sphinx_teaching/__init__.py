"""sphinx_teaching: teaching directives for lesson sites, a drop-in for sphinx-lesson.

Enable it with ``extensions = ["sphinx_teaching"]`` in ``conf.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .compat import setup_compat
from .directives import setup_directives
from .offline import setup_offline
from .reference import setup_reference
from .writers import setup_writers

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"

#: The stylesheet and script every HTML page of a lesson site gets.
STATIC_DIR = Path(__file__).parent / "static"
STYLESHEET = "lesson.css"


def add_static_files(app: Sphinx) -> None:
    """Add our stylesheet to HTML builds only; other builders receive none of our files."""
    if app.builder.format != "html":
        return
    app.config.html_static_path.append(str(STATIC_DIR))
    app.add_css_file(STYLESHEET)


def setup(app: Sphinx) -> ExtensionMetadata:
    """Wire the extension into Sphinx."""
    setup_writers(app)
    setup_directives(app)
    setup_compat(app)
    setup_offline(app)
    setup_reference(app)
    app.connect("builder-inited", add_static_files)
    return {
        "version": __version__,
        # All per-page state lives in the doctree; nothing is shared across pages yet.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
