# "EM, one coin at a time": every command sets up what it needs in .venv.
#   make book    build and execute the course website into _build/html (works offline)
#   make slides  one reveal.js slide deck per lesson, into _build/slides (works offline)
#   make workbooks  student workbooks (no solutions) and the instructor's autograder, into _build/workbooks
#   make test    run every test (unit, property, doctest, strict nbval, browser)
#   make lab     open the course in JupyterLab
#   make bench   the speed benchmark (bench/em_speed.py)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
COURSE_STAMP := $(VENV)/.course-stamp
# JupyterLab's settings for everyone using this venv: .md lessons open as notebooks (jupytext).
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# Containers and classroom images often run as root, which JupyterLab refuses without this flag.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: all book slides workbooks test lab bench clean

all: test

# (Re)install when the dependency list changes; creating .venv only when missing.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,course,book,scale]"
	@touch $@

# What a student needs and nothing more: the helpers, JupyterLab, jupytext, ipykernel.
$(COURSE_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[course]"
	@touch $@

$(LAB_OVERRIDES): tools/jupyterlab-overrides.json $(COURSE_STAMP)
	@mkdir -p $(@D)
	cp tools/jupyterlab-overrides.json $@

# MathJax, the widget manager and reveal.js are fetched from the npm registry at build time
# (tools/fetch_offline_assets.py); without npm the build says so and falls back to CDNs.
book: $(STAMP)
	$(BIN)/python tools/build_book.py

slides: $(STAMP)
	$(BIN)/python tools/build_slides.py

# From the lesson notebooks: _build/workbooks/student (to hand out) and _build/workbooks/autograder
# (otter-grader configurations and grade.py, to grade a folder of submissions without Docker).
workbooks: $(STAMP)
	$(BIN)/python tools/build_workbooks.py

# The browser tests check the built site, so the tests build it first (a cached rebuild is seconds).
# Test files run on TEST_WORKERS processes (pytest-xdist), each file whole on one of them; the
# browser tests mostly wait on Chromium, so 2 workers halve the time on a 2-core machine.
TEST_WORKERS ?= 2
test: book
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Open the student notebooks (.ipynb); a lesson's .md (the source) also opens as a notebook.
lab: $(COURSE_STAMP) $(LAB_OVERRIDES)
	$(BIN)/jupyter lab $(ALLOW_ROOT) notebooks/

# EM against the original notebook's loop, then each lesson's and the book build's run time.
bench: $(STAMP)
	$(BIN)/python bench/em_speed.py
	$(BIN)/python bench/time_notebooks.py

clean:
	rm -rf _build .pytest_cache .hypothesis
