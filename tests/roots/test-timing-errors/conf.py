extensions = ["myst_parser", "sphinx_teaching"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "timing-errors"
