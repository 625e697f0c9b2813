extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "compat"
# sphinx-lesson always shows instructor notes; compare with our instructor view, which keeps
# them (the learner view removes them).
lesson_instructor_view = True
