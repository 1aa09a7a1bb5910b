# Thin wrappers over the real tools. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# `make run PORT=8080 HOST=0.0.0.0`. Plain assignments: only the command line overrides them, not a
# HOST or PORT that happens to be in the environment (zsh's HOST is the machine's name).
HOST   := 127.0.0.1
PORT   := 8000

.PHONY: setup chromium run test test-sqlite test-postgresql lint format clean

setup: $(STAMP)

# The browser tests (tests/browser) drive Debian's chromium: installed before the tests when missing (see the
# script). Only the tests need it: `make run` never installs a browser.
chromium:
	@sh tools/setup-chromium.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: setup
	$(BIN)/kanbo serve --host $(HOST) --port $(PORT)

test: test-sqlite test-postgresql

test-sqlite: setup chromium
	KANBO_TEST_DB=sqlite $(BIN)/pytest

test-postgresql: setup chromium
	KANBO_TEST_DB=postgresql $(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache test-artifacts
