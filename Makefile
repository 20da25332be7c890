# stratflow — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test setup venv dev-venv translations messages lint test-sqlite test-postgres browser assets benchmark clean

run: venv translations assets setup  ## install, migrate, load demo data, serve with the scheduler
	$(FLASK) stratflow serve --host 127.0.0.1 --port 5000

test: dev-venv translations browser assets lint test-sqlite test-postgres  ## every test, on SQLite and PostgreSQL

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
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg -k _l -o /tmp/stratflow-messages.pot stratflow templates workflows
	$(BIN)/pybabel update -i /tmp/stratflow-messages.pot -d stratflow/translations -l en --no-fuzzy-matching

# bpmn-js (the diagram viewer) from the npm registry at the version package-lock.json pins, copied
# into static/vendor/ (gitignored) so the app serves it itself. The stamp keeps a second run quiet.
BPMN_JS := static/vendor/bpmn-js
BPMN_JS_DIST := node_modules/bpmn-js/dist

assets: $(BPMN_JS)/.installed

$(BPMN_JS)/.installed: package.json package-lock.json
	@command -v npm >/dev/null || (echo "npm is needed for the diagram viewer (apt-get install npm)" >&2; exit 1)
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(BPMN_JS) && mkdir -p $(BPMN_JS)
	cp $(BPMN_JS_DIST)/bpmn-navigated-viewer.production.min.js $(BPMN_JS_DIST)/assets/diagram-js.css \
	  $(BPMN_JS_DIST)/assets/bpmn-js.css node_modules/bpmn-js/LICENSE $(BPMN_JS)/
	touch $@

setup: venv translations
	$(FLASK) stratflow setup

browser:  ## Debian's Chromium (Playwright tests), LibreOffice (PDF documents) and poppler (PDF pages)
	@command -v chromium >/dev/null && command -v soffice >/dev/null && command -v pdftoppm >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium libreoffice-writer-nogui poppler-utils >/dev/null)

lint: dev-venv
	$(BIN)/ruff check .

# Two workers (pytest-xdist). The browser tests drive the same server code on either database: they
# run once, on SQLite; so do the tests that use no database (tests/conftest.py deselects them on
# PostgreSQL). Everything else runs on both.
test-sqlite: dev-venv
	$(BIN)/pytest -n 2

test-postgres: dev-venv
	STRATFLOW_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n 2 -m "not browser"

benchmark: dev-venv
	$(BIN)/python benchmarks/complete_task.py

clean:
	rm -rf $(VENV) instance
