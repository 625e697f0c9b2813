extensions = ["sphinx_teaching"]
