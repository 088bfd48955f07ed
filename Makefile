# `make` sets everything up from nothing and builds every document into out/;
# `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
JOBS   ?=

.PHONY: all build check lint test bench approve clean

all: build

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

build: $(VENV)/.installed
	-@scripts/ensure-tools runtime
	$(PY) build.py $(if $(JOBS),-j $(JOBS))

check: $(VENV)/.installed
	$(PY) build.py --check

# Lint, format and types (configuration in pyproject.toml); part of `make test`, so CI runs it.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: $(VENV)/.installed lint
	scripts/ensure-tools
	$(PY) -m pytest

bench: $(VENV)/.installed
	-@scripts/ensure-tools runtime
	$(PY) bench/bench.py

# After looking at tests/_output/*.new.png and *.diff.png: make the current renders the approved ones.
approve: $(VENV)/.installed
	APPROVE_PICTURES=1 $(PY) -m pytest -q tests/test_pictures.py -k looks_as_approved

clean:
	rm -rf out
