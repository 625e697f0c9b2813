# Snapshot tests (tests/test_snapshots.py) copy the snippets of docs/extension/snippets/ in here,
# one page each, in one of three syntaxes: reStructuredText, MyST backtick or colon fences.
extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "snapshots"
# Every kind is kept, instructor notes included (the learner view removes them).
lesson_instructor_view = True
# Each snippet is a page as the docs show it: no title of its own, so in no toctree.
suppress_warnings = ["toc.not_included"]
