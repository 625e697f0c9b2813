# A small course shaped like the real one: a landing page, lessons in reST and MyST, boxes
# linked across pages, and the site theme (its navigation lists every page on every page).
extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
project = "A small course"
copyright = "2026, the course team"
html_theme = "sphinx_rtd_theme"
html_theme_options = {"navigation_depth": 3, "collapse_navigation": False}
