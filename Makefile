# The portal's two commands are `make run` and `make test`; both start with `make install`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/celac_ppt
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist).
TEST_WORKERS ?= auto

.PHONY: install run test lint check-migrations check-messages messages js-deps map test-sqlite test-postgres clean audit security-figures serve-prod lighthouse

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is needed: found " + sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

messages: install
	$(PY) manage.py compilemessages --ignore=.venv -v0

# Re-extract the interface strings into locale/: a string added without its four
# translations then fails tests/test_translations.py.
check-messages: install
	$(PY) manage.py makemessages -l es -l en -l pt -l fr --no-location --no-obsolete -v0 \
		-i .venv -i node_modules -i var -i docs -i bench -i tests

# The development server and the task worker (imports, e-mails) side by side; Ctrl-C stops
# both, and the worker stops too if the server exits on its own.
run: install messages
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py ensure_plan
	@echo
	@echo "  Portal: http://$(HOST):$(PORT)/  (another port: make run PORT=8001; e-mails link to the same address)"
	@echo "  Demo accounts: load them from a second terminal with"
	@echo "      $(PY) manage.py seed_demo"
	@echo "  then log in at http://$(HOST):$(PORT)/es/accounts/login/ as"
	@echo "      curadora-demo     Tlatelolco-demo-2020    curator: review queue, admin"
	@echo "      oficial-mx-demo   Zocalo-Reforma-2020     official of Mexico: my state"
	@echo "      oficial-ar-demo   Obelisco-Palermo-2020   official of Argentina: my state"
	@echo "  Your own curator account (SRE staff):"
	@echo "      $(PY) manage.py createcurator USERNAME --email you@example.org"
	@echo
	@export SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}; \
	$(PY) manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# axe-core for the accessibility tests and the Nu HTML Checker (vnu-jar, run with the
# machine's Java), at the exact versions package-lock.json pins. vnu-jar's install script
# would fetch a Java runtime of its own: scripts are not run.
JS_STAMP := node_modules/.installed
js-deps: $(JS_STAMP)

$(JS_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The map's shapes, from Natural Earth through npm's world-atlas (committed; see README).
map: js-deps
	node tools/build_map.mjs

test-sqlite: install messages js-deps
	env -u DATABASE_URL $(BIN)/pytest -q -n $(TEST_WORKERS)

# PostgreSQL must answer: an unreachable server fails this pass, it is never skipped.
test-postgres: install messages js-deps
	@$(PY) -c 'import psycopg, sys; psycopg.connect("$(PG_URL)".rsplit("/", 1)[0] + "/postgres", connect_timeout=5).close()' \
		|| { echo "PostgreSQL does not answer at $(PG_URL): the PostgreSQL test pass cannot run." >&2; exit 1; }
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n $(TEST_WORKERS)

test: install lint check-migrations check-messages messages audit security-figures test-sqlite test-postgres

# Supply chain: known vulnerabilities in the pinned packages (pip-audit, from PyPI) and
# high-severity findings in the portal's own code (bandit).
audit: install
	$(PY) manage.py audit_dependencies
	$(BIN)/bandit -q -r . -x ./.venv,./tests,./node_modules,./var --severity-level high
	@echo "bandit: 0 high-severity findings"

# The hardening figures, printed: Django's deployment checklist in production mode, the
# Mozilla HTTP Observatory score and the backup drill (the same tests run in the suite).
security-figures: install messages
	env -u DATABASE_URL -u DJANGO_ALLOW_ASYNC_UNSAFE DJANGO_DEBUG=0 ALLOWED_HOSTS=portal.example.org \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(PY) manage.py check --deploy --fail-level WARNING
	env -u DATABASE_URL $(BIN)/pytest -q -s --no-header -p no:warnings \
		tests/test_observatory.py::test_observatory_grades_every_page_a_plus \
		tests/test_backup.py::test_backup_wipe_restore_brings_every_row_back

# Production: gunicorn on $(HOST):$(PORT) with DJANGO_DEBUG=0, and next to it the task worker
# (deploy/celac-ppt-worker.service runs it under systemd). SECRET_KEY and ALLOWED_HOSTS
# must be set in the environment (see the README); static files are collected for whitenoise.
# The deployment checklist's warnings are shown (a local trial over plain HTTP has one);
# tests/test_production_settings.py holds the production configuration to none.
serve-prod: install messages
	DJANGO_DEBUG=0 $(PY) manage.py check --deploy
	DJANGO_DEBUG=0 $(PY) manage.py migrate --no-input -v0
	DJANGO_DEBUG=0 $(PY) manage.py ensure_plan
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --no-input -v0
	@DJANGO_DEBUG=0 $(PY) manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	DJANGO_DEBUG=0 GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c celac_ppt/gunicorn.conf.py celac_ppt.wsgi

# Lighthouse (not part of `make test`): the four scores of the dashboard, a commitment, a
# state, the map and the search page at mobile, in production mode on demo data, written to
# docs/lighthouse.md (the JSON reports under var/lighthouse/). Lighthouse is pinned apart,
# in bench/lighthouse/, so that the tests do not install it; Debian's Chromium runs it.
LIGHTHOUSE_STAMP := bench/lighthouse/node_modules/.installed
$(LIGHTHOUSE_STAMP): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	npm ci --prefix bench/lighthouse --no-audit --no-fund
	touch $@

lighthouse: install messages $(LIGHTHOUSE_STAMP)
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(PY) bench/lighthouse.py

clean:
	rm -rf $(VENV) var/db.sqlite3 var/staticfiles
