# docs/_ext/extension_reference.py, the site's reference tooling (tests/conftest.py finds it).
extensions = ["sphinx_teaching", "extension_reference"]
project = "reference"
exclude_patterns = ["_build", "snippets"]


def setup(app):
    # Config values as another feature of the extension would register them.
    app.add_config_value(
        "lesson_example_limit", 3, "env", types=(int,), description="How many ``examples``."
    )
    app.add_config_value("lesson_example_undescribed", "x", "html", types=(str,))
    app.add_config_value("other_value", 1, "env")
