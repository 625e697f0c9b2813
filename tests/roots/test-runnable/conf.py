extensions = ["myst_parser", "sphinx_teaching"]
myst_enable_extensions = ["colon_fence"]
# Relative to this folder: the centres and modules that cluster-only blocks may use.
lesson_known_modules = "known-modules.toml"
