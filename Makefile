# Two commands for a newcomer: `make run` (the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

## Build the demo workspace (SQLite in ./data) and serve it on http://127.0.0.1:8000/
run: $(VENV)/.installed
	$(BIN)/detente demo --host $(HOST) --port $(PORT)

## Install the test dependencies and run the whole suite (DATABASE_URL selects PostgreSQL)
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

## Fuzz the JSON API with schemathesis on the demo (docs/security.md, "API fuzzing")
fuzz: $(VENV)/.installed-test
	$(BIN)/python tests/fuzz/api_fuzz.py

## Ruff (lint and format) and mypy (types of src/, configured in pyproject.toml)
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
