# Công khai: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export HOST PORT
export FLASK_APP := app

.PHONY: install run test lint format translations messages browser-deps clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

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
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'app:create_app()'

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

test: install translations browser-deps lint
	$(BIN)/python -m pytest -n auto

clean:
	rm -rf $(VENV) instance/*.db* search_index/* .pytest_cache
