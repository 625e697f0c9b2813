extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "instructor-myst"

# The guide page is guide.md here, not instructor-guide.
lesson_instructor_guide = "guide"

# Notes for instructors only: the learner build is the one without `-t instructor`.
lesson_instructor_view = tags.has("instructor")  # noqa: F821
