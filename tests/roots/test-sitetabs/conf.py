extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# snippets/ are included by pages (and by the docs); bad/ holds malformed pages that only
# the bad-input tests build (they override exclude_patterns).
exclude_patterns = ["_build", "snippets", "bad"]
project = "sitetabs"
lesson_sites = {"uppmax": "UPPMAX", "hpc2n": "HPC2N", "local": "Your own computer"}
author = "The course team"
copyright = "2026, the course team"
version = "1"
