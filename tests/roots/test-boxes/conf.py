extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "boxes"
# Every kind is rendered here, instructor notes included: the instructor view keeps them
# (the learner view removes them; see test_instructor.py).
lesson_instructor_view = True
