# Công khai: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# The worker's links in mails and SMS point at the site (honcho gives each process its own PORT).
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
export HOST PORT WORKERS PUBLIC_BASE_URL
export FLASK_APP := app

# The tools that refresh and audit the lock file live apart from the app's venv, so the venv holds only
# what requirements.lock pins.
TOOLS := .venv-tools/bin

.PHONY: install lock audit run test lint format translations messages browser-deps clean

install: $(VENV)/.installed

# Every package, test tools included, at the version and sha256 the lock file pins; then the project
# itself, with no dependencies of its own to resolve and no build downloads (setuptools is pinned too).
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(TOOLS)/.installed:
	$(PYTHON) -m venv .venv-tools
	$(TOOLS)/python -m pip install --quiet uv pip-audit
	touch $@

# Re-resolve pyproject.toml's ranges (and the build backend) to the newest releases, with the hashes of
# every file PyPI has for them, for every platform. Review the diff, run `make test`, commit the lock.
lock: $(TOOLS)/.installed
	printf 'setuptools>=68\n' | $(TOOLS)/uv pip compile pyproject.toml - --extra test --universal \
		--python-version 3.11 --generate-hashes --quiet --custom-compile-command 'make lock' -o requirements.lock

# Known vulnerabilities in what the lock file pins (needs a vulnerability service: PyPI's or OSV's).
audit: $(TOOLS)/.installed
	$(TOOLS)/pip-audit --requirement requirements.lock --require-hashes --disable-pip --progress-spinner off

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d translations >/dev/null

# Re-extract UI strings (Vietnamese msgids) and merge them into the English catalogue.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot app templates
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching --ignore-obsolete

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask search sync
	$(BIN)/honcho --procfile Procfile start --port $(PORT)

# Debian's Chromium for the browser tests (never a downloaded browser build).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
		else \
			echo "chromium is missing: run 'sudo apt-get install chromium fonts-noto-core'" >&2; exit 1; \
		fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Twice as many test processes as cores: much of a test's time is spent waiting (PostgreSQL, a browser, a
# served app, a subprocess), and each process has its own databases.
TEST_PROCESSES ?= $(shell echo $$(( $$(nproc) * 2 )))

test: install translations browser-deps lint
	$(BIN)/python -m pytest -n $(TEST_PROCESSES)

clean:
	rm -rf $(VENV) .venv-tools instance/*.db* search_index/* .pytest_cache
