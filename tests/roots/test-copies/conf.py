extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "copies"
# Figures, tables, code blocks and equations numbered: the copies show the same numbers.
numfig = True
# EPUB 3 asks for both.
version = "1"
copyright = "2026, the tests"
