# Thin wrappers over the real tools. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test test-sqlite test-postgresql lint format clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: setup
	$(BIN)/kanbo serve --host 127.0.0.1 --port 8000

test: test-sqlite test-postgresql

test-sqlite: setup
	KANBO_TEST_DB=sqlite $(BIN)/pytest

test-postgresql: setup
	KANBO_TEST_DB=postgresql $(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
