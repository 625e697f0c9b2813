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

test: $(VENV_STAMP) browser-deps centre-model-deps  ## Run the test suite (builds real sites in temporary folders)
	$(VENV_PYTHON) -m pytest $(PYTEST_ARGS)

# The runner is the package extensions/lesson_commands, run from the sources as conf.py loads
# the extension; `make test` runs the same scenarios (tests/test_lesson_commands.py).
.PHONY: commands
commands: html  ## Run the lessons' runnable commands in sandboxes, output compared with the pages
	PYTHONPATH=extensions $(VENV_PYTHON) -m lesson_commands run $(BUILDDIR)/html/.doctrees \
		--wheelhouse $(BUILDDIR)/wheelhouse

.PHONY: cluster-commands
cluster-commands: html centre-model-deps  ## Run the cluster-only blocks on the centre model (real Lmod and Slurm; as root)
	PYTHONPATH=extensions $(VENV_PYTHON) -m lesson_commands cluster $(BUILDDIR)/html/.doctrees \
		--data data --wheelhouse $(BUILDDIR)/wheelhouse

linkcheck: $(VENV_STAMP)  ## Check every external link (needs network access)
	$(SPHINX) -b linkcheck $(SOURCEDIR) $(BUILDDIR)/linkcheck

livehtml: $(VENV_STAMP)  ## Serve the site on 127.0.0.1:8000, rebuilding on every save
	$(VENV_PYTHON) -m sphinx_autobuild -c . $(SOURCEDIR) $(BUILDDIR)/html \
		--host 127.0.0.1 --port 8000 --watch extensions --watch _static

clean:  ## Remove build outputs only (never .venv or sources)
	rm -rf $(BUILDDIR)

# --- Browser tests (tests/browser/) -----------------------------------------------------------
# They drive Debian's Chromium with Playwright and inject axe-core from npm. Nothing downloads a
# browser: Chromium comes from apt, installed here when missing and we are root (as in CI).
# Where it cannot be had the browser tests skip with the reason, except with CI=true (CI must
# run them), where this fails. `make test PYTEST_ARGS='-m "not browser"'` leaves them out.
CHROMIUM    ?= /usr/bin/chromium
# `npm ci` writes this file; node_modules/ is reinstalled when package-lock.json is newer.
NODE_STAMP  := node_modules/.package-lock.json
.PHONY: browser-deps chromium screenshots

browser-deps: chromium $(NODE_STAMP)  ## Install what the browser tests need (Chromium, axe-core)

chromium:  ## Install Debian's Chromium when it is missing (needs root, as in CI)
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium \
			&& exit 0; \
	fi; \
	if [ -n "$$CI" ] && [ "$$CI" != false ] && [ "$$CI" != 0 ]; then \
		echo "error: $(CHROMIUM) is missing and could not be installed (CI needs it)" >&2; \
		exit 1; \
	fi; \
	echo "note: $(CHROMIUM) is missing: the browser tests will be skipped" \
		"(as root: apt-get install chromium)"

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	elif [ -n "$$CI" ] && [ "$$CI" != false ] && [ "$$CI" != 0 ]; then \
		echo "error: npm is missing: CI needs it for axe-core" >&2; exit 1; \
	else \
		echo "note: npm is missing: the accessibility tests will be skipped"; \
	fi

screenshots: html browser-deps  ## Screenshots of every page, desktop and phone, in _build/screenshots
	$(VENV_PYTHON) tests/browser/screenshots.py $(BUILDDIR)/html $(BUILDDIR)/screenshots

bench: $(VENV_STAMP)  ## Benchmark build performance (N = 50, 300, 1000) into BENCHMARKS.md
	$(VENV_PYTHON) benchmarks/bench_build.py

.PHONY: epub singlehtml dist lint new-lesson test-matrix

# -- Offline formats ----------------------------------------------------------------------------
# Each builder keeps its own doctrees: the EPUB builder would otherwise pack them into the book.

epub: $(VENV_STAMP)  ## The whole course as one EPUB book, solutions open: _build/epub/*.epub
	$(SPHINX) -b epub -d $(BUILDDIR)/doctrees/epub $(SOURCEDIR) $(BUILDDIR)/epub

singlehtml: $(VENV_STAMP)  ## The whole course as one HTML page: _build/singlehtml/index.html
	$(SPHINX) -b singlehtml -d $(BUILDDIR)/doctrees/singlehtml $(SOURCEDIR) $(BUILDDIR)/singlehtml

# Search summaries are fetched with fetch(), which browsers refuse for file:// pages; the
# search itself (searchindex.js, loaded by a <script> tag) works from disk.
dist: $(VENV_STAMP)  ## The HTML site in one zip that works opened from disk: _build/dist/*.zip
	$(SPHINX) -b html -d $(BUILDDIR)/doctrees/dist -D html_show_search_summary=0 \
		$(SOURCEDIR) $(BUILDDIR)/dist/html
	$(VENV_PYTHON) tools/make_dist.py $(BUILDDIR)/dist/html $(BUILDDIR)/dist

# -- Contributor tooling ------------------------------------------------------------------------

lint: $(VENV_STAMP)  ## ruff (lint and format check) and sphinx-lint, as pre-commit and the tests run them
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/sphinx-lint docs extensions

NAME   ?=
FORMAT ?= rst
new-lesson: $(VENV_STAMP)  ## Start a lesson: make new-lesson NAME=my-topic [FORMAT=md|rst]
	$(VENV_PYTHON) tools/new_lesson.py --docs "$(SOURCEDIR)" --format "$(FORMAT)" -- "$(NAME)"

# The Sphinx versions pyproject.toml claims, each in its own venv under .venv-matrix/.
test-matrix:  ## Run the tests on every Sphinx release line the extension claims (slow)
	$(PYTHON) tools/test_matrix.py

# --- The centre model (tests/test_centre_model.py) ---------------------------------------------
# The cluster-only command blocks run on a model of each centre made of the programs the centres
# run: Debian's Lmod and a single-node Slurm (slurmctld, slurmd), installed here when missing and
# we are root (as in CI). Where they cannot be had those tests skip with the reason, except with
# CI=true, where this fails. No munge: the model's Slurm uses auth/none (one machine, one user).
CENTRE_MODEL_PROGRAMS := /usr/share/lmod/lmod/init/bash /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sbatch
.PHONY: centre-model-deps
centre-model-deps:  ## Install what the centre model needs (Debian's lmod and Slurm; needs root)
	@missing=; for f in $(CENTRE_MODEL_PROGRAMS); do [ -e "$$f" ] || missing=1; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's lmod and Slurm for the centre model"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends lmod slurmctld slurmd slurm-client && exit 0; \
	fi; \
	if [ -n "$$CI" ] && [ "$$CI" != false ] && [ "$$CI" != 0 ]; then \
		echo "error: Lmod or Slurm is missing and could not be installed (CI needs them)" >&2; \
		exit 1; \
	fi; \
	echo "note: Lmod or Slurm is missing: the centre-model tests will be skipped" \
		"(as root: apt-get install lmod slurmctld slurmd slurm-client)"
