# "EM, one coin at a time": every command sets up what it needs in .venv.
#   make book    build and execute the course website into _build/html
#   make test    run every test (unit, property, doctest, strict nbval, browser)
#   make lab     open the course in JupyterLab
#   make bench   the speed benchmark (bench/em_speed.py)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: all test lab bench clean

all: test

# (Re)install when the dependency list changes; creating .venv only when missing.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,course,book,scale]"
	@touch $@

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python bench/em_speed.py

clean:
	rm -rf _build .pytest_cache .hypothesis
