"""Configuration for building the compatibility pages with sphinx-lesson (tests/test_compat.py).

Used with `sphinx-build -c tests/compat` in .venv-sphinx-lesson/; the same pages are built with
our extension using the test root's own conf.py.
"""

extensions = ["sphinx_lesson"]
# sphinx-lesson reads Markdown through MyST-NB; colon fences as in our pages.
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
project = "compat"
# Figures, tables and code blocks numbered, as in the test root's conf.py.
numfig = True
