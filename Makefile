# Quick start: `make demo` parses the reference trial, checks it against its gold and writes
# its review page (build/demo/NKX019-102.html); `make test` runs the test suite. Both create
# .venv and install Eligo on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The development corpora (a folder holding lct/ and chia/) for the whole-corpus tests and the
# benchmark: ELIGO_CORPORA if set, else ../shared/corpora when it sits beside the checkout.
ELIGO_CORPORA ?= $(abspath $(wildcard ../shared/corpora))
export ELIGO_CORPORA
# Registry records for the review pages' browser sweep: ELIGO_RECORDS, else ../shared/records.
ELIGO_RECORDS ?= $(abspath $(wildcard ../shared/records))
export ELIGO_RECORDS
DEMO := build/demo

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p $(DEMO)
	$(BIN)/eligo parse -o $(DEMO)/NKX019-102.yaml
	$(BIN)/eligo check
	$(BIN)/eligo review -o $(DEMO)/NKX019-102.html
	@echo "Open the review page of NKX019-102: file://$(abspath $(DEMO))/NKX019-102.html"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf $(VENV) build *.egg-info
