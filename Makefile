# stratflow — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test setup venv dev-venv translations messages lint test-sqlite test-postgres browser benchmark clean

run: venv translations setup  ## install, migrate, load demo data, serve with the scheduler
	$(FLASK) stratflow serve --host 127.0.0.1 --port 5000

test: dev-venv translations browser lint test-sqlite test-postgres  ## every test, on SQLite and PostgreSQL

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.requirements

venv: $(VENV)/.requirements
dev-venv: $(VENV)/.requirements-dev

translations: venv
	$(BIN)/pybabel compile -d stratflow/translations

messages: dev-venv  ## refresh the English catalog after changing UI strings
	$(BIN)/pybabel extract -F babel.cfg -k _l -o /tmp/stratflow-messages.pot stratflow templates
	$(BIN)/pybabel update -i /tmp/stratflow-messages.pot -d stratflow/translations -l en --no-fuzzy-matching

setup: venv translations
	$(FLASK) stratflow setup

browser:  ## Debian's Chromium for the Playwright tests (no browser downloads)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

lint: dev-venv
	$(BIN)/ruff check .

test-sqlite: dev-venv
	$(BIN)/pytest

test-postgres: dev-venv
	STRATFLOW_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

benchmark: dev-venv
	$(BIN)/python benchmarks/complete_task.py

clean:
	rm -rf $(VENV) instance
