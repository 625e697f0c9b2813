"""sphinx_teaching: teaching directives for lesson sites, a drop-in for sphinx-lesson.

Enable it with ``extensions = ["sphinx_teaching"]`` in ``conf.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .checks import setup_checks
from .compat import setup_compat
from .config import setup_config
from .directives import setup_directives
from .domain import setup_domain
from .instructor import setup_instructor
from .markdown import setup_markdown
from .placeholders import setup_placeholders
from .runnable import setup_runnable
from .schedule import setup_schedule
from .sitetabs import setup_sitetabs
from .sphinx_issue_14030 import setup_sphinx_issue_14030
from .summaries import setup_summaries
from .timing import setup_timing
from .writers import setup_writers

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.2.0"


def setup(app: Sphinx) -> ExtensionMetadata:
    """Wire the extension into Sphinx."""
    setup_config(app)
    setup_domain(app)
    setup_writers(app)
    setup_directives(app)
    setup_compat(app)
    setup_markdown(app)
    setup_placeholders(app)
    setup_summaries(app)
    setup_schedule(app)
    setup_instructor(app)
    setup_timing(app)
    setup_checks(app)
    setup_sitetabs(app)
    setup_runnable(app)
    setup_sphinx_issue_14030(app)
    return {
        "version": __version__,
        # Raise when the shape of the data kept in the build environment changes.
        "env_version": 4,
        # Everything collected per page is in LessonDomain, which is purged and merged.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
