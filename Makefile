# Two commands do all set-up on a fresh machine (see README.md):
#   make demo   creates .venv, installs guru-form with local pose analysis, table export and PDF
#               reports (what the notebooks use), runs `guru-form demo`
#   make test   creates .venv, installs everything the tests need, runs ruff, mypy and pytest;
#               then the pose, video and interop tests on Python 3.13 with numpy 2, movement,
#               OpenSim and Pose2Sim (.venv313, `pytest-py313`)
# and the documentation site:
#   make docs   builds docs/ into docs/_build/html with warnings as errors (runs the notebooks)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# pytest workers (pytest-xdist). Tests are independent; --dist worksteal hands each worker half
# the tests, and a worker that runs out takes half of what the other has left, so neither idles
# while the other works through a long file (a module-scoped fixture is then set up once more on
# the second worker, for the few files split that way).
PYTEST_WORKERS ?= 2
PYTEST_DIST ?= worksteal
# The second test environment: Python 3.13 (pyenv's when there is one), the pose extra, numpy 2.
PYTHON313 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13 2>/dev/null))
VENV313 ?= .venv313

.PHONY: demo test test-movement lint typecheck pytest pytest-py313 run-deps system-deps docs docs-clean clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[pose,export,pdf]"
	touch $@

# The main test environment (the interpreter of PYTHON, 3.11 here) also has the mediapipe extra,
# for the tests that hold our BlazePose pipeline to MediaPipe's (it pins numpy < 2 there).
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[all,mediapipe,dev]"
	$(BIN)/python -m pip check
	touch $@ $(VENV)/.installed-run

# The Python 3.13 environment also holds the peers the interop tests read and write for:
# movement (numpy>=2, so never beside mediapipe), OpenSim, and Pose2Sim without its dependencies
# (rtmlib, Qt, ...: only its file readers are used).
$(VENV313)/.installed: pyproject.toml
	$(PYTHON313) -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install --quiet --upgrade pip
	$(VENV313)/bin/python -m pip install --quiet -e ".[pose,export,movement,dev]" \
	  "opensim>=4.6" rtoml c3d anytree
	# every requirement met, but Pose2Sim's (installed without them, below)
	! $(VENV313)/bin/python -m pip check | grep -v -e "^pose2sim " -e "^No broken requirements"
	$(VENV313)/bin/python -m pip install --quiet --no-deps "pose2sim>=0.10"
	# sleap-io (a movement dependency) installs its own tests as a top-level package "tests",
	# which would hide this repository's tests package.
	rm -rf "$$($(VENV313)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/tests"
	$(VENV313)/bin/python -c "import numpy, sys; assert sys.version_info >= (3, 13) and int(numpy.__version__.split('.')[0]) >= 2, (sys.version, numpy.__version__)"
	touch $@

demo: run-deps $(VENV)/.installed-run
	$(BIN)/guru-form demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST)

# The pose, video and interop tests on Python 3.13 with numpy 2 (no mediapipe there: the agreement
# tests skip; movement, OpenSim and Pose2Sim are there: the interop tests run against them).
PY313_TESTS ?= tests/pose tests/video tests/io
pytest-py313:
	@if [ -z "$(PYTHON313)" ]; then \
	  echo "note: no Python 3.13 found (set PYTHON313=...): the pose tests on 3.13 are skipped"; \
	else \
	  $(MAKE) --no-print-directory $(VENV313)/.installed && \
	  $(VENV313)/bin/python -m pytest $(PY313_TESTS) -p no:cacheprovider -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST); \
	fi

# Debian packages. OpenCV's wheels load libGL and GLib (needed to run at all); WeasyPrint's PDF
# reports need Pango (coach_set_review.ipynb makes one); the tests also need chromium. Each is
# installed with apt-get when missing and we are root; otherwise a note says what to install (the
# browser and PDF tests are then skipped and say why).
RUN_DEBS := libgl1 libglib2.0-0 libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBS := chromium

define install_debs
	@missing=""; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing system packages:$$missing"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; } \
	    || echo "warning: apt-get could not install$$missing"; \
	else \
	  echo "note: not installing$$missing (needs root and apt-get); install them with your package manager"; \
	fi
endef

run-deps:
	$(call install_debs,$(RUN_DEBS))

system-deps:
	$(call install_debs,$(RUN_DEBS) $(TEST_DEBS))

test: system-deps lint typecheck pytest pytest-py313

# The documentation site (Sphinx, pydata theme, myst-nb). The notebooks and the gallery run while it
# builds, against the embedded local server in a guru_form home of the build's own (no network, no
# credentials; the user's cache is not touched). Warnings are errors; --keep-going lists them all.
# DOCS_EXECUTION=off skips running them (a quick look at the text); cache (default) re-runs only
# what changed since the last build.
DOCS_EXECUTION ?= cache
DOCS_OPTS ?=

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[pose,export,docs]"
	touch $@

docs: run-deps $(VENV)/.installed-docs
	GURU_FORM_HOME="$(CURDIR)/docs/_build/guru_form_home" \
	GURU_FORM_DOCS_EXECUTION=$(DOCS_EXECUTION) PYDEVD_DISABLE_FILE_VALIDATION=1 \
	  $(BIN)/python -m sphinx -W --keep-going -b html -j 1 $(DOCS_OPTS) docs docs/_build/html
	@echo "site: $(CURDIR)/docs/_build/html/index.html"

docs-clean:
	rm -rf docs/_build docs/api/generated

# guru_form <-> movement, OpenSim and Pose2Sim alone (they are part of pytest-py313).
test-movement:
	$(MAKE) --no-print-directory pytest-py313 PY313_TESTS=tests/io

clean: docs-clean
	rm -rf $(VENV) $(VENV313) .mypy_cache .ruff_cache .pytest_cache
