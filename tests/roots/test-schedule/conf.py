extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "schedule"

# The day starts at nine; a coffee break and lunch follow two of the lessons.
lesson_schedule_start = "09:00"
lesson_schedule_breaks = [
    {"after": "lessons/setup", "minutes": 15, "title": "Coffee break"},
    {"after": "lessons/conda", "minutes": 45, "title": "Lunch"},
]

# Notes for instructors only: the learner build is the one without `-t instructor`.
lesson_instructor_view = tags.has("instructor")  # noqa: F821
