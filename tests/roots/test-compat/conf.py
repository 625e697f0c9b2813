extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "compat"
# Figures, tables and code blocks numbered (tests/compat/conf.py says the same).
numfig = True
# Nothing else changes from sphinx-lesson's conf.py: instructor notes are shown by default,
# and its Markdown rewrites are on by default, as there.
