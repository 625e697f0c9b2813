# Build and test the course site. Every target that needs Python bootstraps .venv first, so on a
# fresh machine with Python 3 and make, `make html` and `make test` are all the set-up there is.

PYTHON      ?= python3
VENV        := .venv
VENV_PYTHON := $(VENV)/bin/python
# Touched only after a successful install: .venv is (re)installed when it is missing or when
# requirements.txt is newer than this stamp.
VENV_STAMP  := $(VENV)/.requirements-installed

SOURCEDIR   := docs
BUILDDIR    := _build
# Warnings are errors, every problem is reported (not just the first), missing references warn.
SPHINXOPTS  ?= -W --keep-going -n
SPHINXBUILD := $(VENV_PYTHON) -m sphinx
# The configuration lives at the repository root, the pages in docs/.
SPHINX      := $(SPHINXBUILD) -c . $(SPHINXOPTS)
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help html test clean linkcheck livehtml venv bench

help:  ## List the targets with what each does
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: $(VENV_STAMP)  ## Create or update .venv from requirements.txt

$(VENV_STAMP): requirements.txt
	@test -x $(VENV_PYTHON) || $(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

html: $(VENV_STAMP)  ## Build the learner site into _build/html (warnings are errors)
	$(SPHINX) -b html $(SOURCEDIR) $(BUILDDIR)/html

.PHONY: html-instructor
html-instructor: $(VENV_STAMP)  ## Build the instructor site (notes, instructor guide) into _build/html-instructor
	$(SPHINX) -b html -t instructor -d $(BUILDDIR)/doctrees-instructor $(SOURCEDIR) $(BUILDDIR)/html-instructor

test: $(VENV_STAMP)  ## Run the test suite (builds real sites in temporary folders)
	$(VENV_PYTHON) -m pytest $(PYTEST_ARGS)

linkcheck: $(VENV_STAMP)  ## Check every external link (needs network access)
	$(SPHINX) -b linkcheck $(SOURCEDIR) $(BUILDDIR)/linkcheck

livehtml: $(VENV_STAMP)  ## Serve the site on 127.0.0.1:8000, rebuilding on every save
	$(VENV_PYTHON) -m sphinx_autobuild -c . $(SOURCEDIR) $(BUILDDIR)/html \
		--host 127.0.0.1 --port 8000 --watch extensions --watch _static

clean:  ## Remove build outputs only (never .venv or sources)
	rm -rf $(BUILDDIR)

bench: $(VENV_STAMP)  ## Benchmark build performance (N = 50, 300, 1000) into BENCHMARKS.md
	$(VENV_PYTHON) benchmarks/bench_build.py
