# Thin wrappers over the real tools. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# `make run PORT=8080 HOST=0.0.0.0`. Plain assignments: only the command line overrides them, not a
# HOST or PORT that happens to be in the environment (zsh's HOST is the machine's name).
HOST   := 127.0.0.1
PORT   := 8000

# The web UI (web/): built into the package when Node.js and npm are here. Without them `make setup` says so
# and goes on (the API works without the UI), except under CI (CI set), where the UI and its checks are required.
NODE_OK := $(shell command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && \
             node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null && echo yes)
NO_NODE := kanbo: Node.js 20+ and npm not found: the web UI is not built (the API works; install Node.js, then make setup)
WEB_DEPS := web/node_modules/.kanbo-installed
UI_STAMP := src/kanbo/web/static/app/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts \
               web/tsconfig.json web/package.json

.PHONY: setup ui chromium web-check api-client run test test-sqlite test-postgresql lint format clean screenshots

setup: $(STAMP) ui

# The browser tests (tests/browser) drive Debian's chromium: installed before the tests when missing (see the
# script). Only the tests need it: `make run` never installs a browser.
chromium:
	@sh tools/setup-chromium.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

ifeq ($(NODE_OK),yes)
ui: $(UI_STAMP)

web-check: $(WEB_DEPS)
	cd web && npm test && npm run typecheck && npm run check:api

$(WEB_DEPS): web/package-lock.json web/package.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

$(UI_STAMP): $(WEB_DEPS) $(WEB_SOURCES)
	cd web && npm run build
else
ui web-check:
	@echo "$(NO_NODE)"; if [ -n "$$CI" ]; then echo "kanbo: CI needs the web UI: failing"; exit 1; fi
endif

# After an API change: the OpenAPI document, then the UI's TypeScript types from it (commit both).
api-client: $(STAMP) $(WEB_DEPS)
	$(BIN)/kanbo openapi
	cd web && npm run gen:api

run: setup
	$(BIN)/kanbo serve --host $(HOST) --port $(PORT)

test: web-check test-sqlite test-postgresql

test-sqlite: setup chromium
	KANBO_TEST_DB=sqlite $(BIN)/pytest

test-postgresql: setup chromium
	KANBO_TEST_DB=postgresql $(BIN)/pytest

# The README's pictures are the browser tests' own screenshots (test-artifacts/screenshots): run the tests that
# take them, then copy them into docs/screenshots (commit them when the screens change).
README_SHOTS := board board-es lead-card
screenshots: setup chromium
	KANBO_TEST_DB=sqlite $(BIN)/pytest -q tests/browser/test_board.py tests/browser/test_card.py
	mkdir -p docs/screenshots
	for shot in $(README_SHOTS); do cp test-artifacts/screenshots/$$shot.png docs/screenshots/; done

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache web/node_modules \
	       src/kanbo/web/static/app test-artifacts
