"""sphinx_teaching: teaching directives for lesson sites, a drop-in for sphinx-lesson.

Enable it with ``extensions = ["sphinx_teaching"]`` in ``conf.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .accessibility import setup_accessibility
from .assets import setup_assets
from .badinput import setup_badinput
from .checks import setup_checks
from .compat import setup_compat
from .directives import setup_directives
from .fragments import setup_fragments
from .instructor import setup_instructor
from .navigation import setup_navigation
from .offline import setup_offline
from .reference import setup_reference
from .runnable import setup_runnable
from .safety import setup_safety
from .schedule import setup_schedule
from .sitetabs import setup_sitetabs
from .summaries import setup_summaries
from .templatecache import setup_template_cache
from .timing import setup_timing
from .writers import setup_writers

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"


def setup(app: Sphinx) -> ExtensionMetadata:
    """Wire the extension into Sphinx."""
    setup_writers(app)
    setup_directives(app)
    setup_compat(app)
    setup_runnable(app)
    setup_safety(app)
    setup_badinput(app)
    setup_sitetabs(app)
    setup_fragments(app)
    setup_summaries(app)
    setup_navigation(app)
    setup_checks(app)
    setup_timing(app)
    setup_schedule(app)
    setup_instructor(app)
    setup_assets(app)
    setup_accessibility(app)
    setup_offline(app)
    setup_template_cache(app)
    setup_reference(app)
    return {
        "version": __version__,
        # Raise when the shape of the data we keep in the build environment changes.
        "env_version": 2,
        # Cross-page data lives in the environment, with purge and merge handlers.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
