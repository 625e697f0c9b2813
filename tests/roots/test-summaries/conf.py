extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "summaries"
# Output that does not depend on the build: no dates.
html_last_updated_fmt = None
# Titles are compared as typed (no curly quotes).
smartquotes = False
# The instructor view keeps instructor notes on the lesson pages (the learner view removes
# them while reading), and in the copies of the boxes that hold them.
lesson_instructor_view = True
