# Quick start: `make demo` parses the reference trial and checks it against its gold;
# `make test` runs the test suite. Both create .venv and install Eligo on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The development corpora (a folder holding lct/ and chia/) for the whole-corpus tests and the
# benchmark: ELIGO_CORPORA if set, else ../shared/corpora when it sits beside the checkout.
ELIGO_CORPORA ?= $(abspath $(wildcard ../shared/corpora))
export ELIGO_CORPORA
# The shared real records (tests/test_export_fhir.py validates the FHIR export of each).
ELIGO_RECORDS ?= $(abspath $(wildcard ../shared/records))
export ELIGO_RECORDS

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/eligo parse --no-text
	$(BIN)/eligo check

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf $(VENV) build *.egg-info
