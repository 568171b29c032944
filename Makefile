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

.PHONY: install run test lint check-migrations messages test-sqlite test-postgres browser-deps clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is needed: found " + sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

messages: install
	$(PY) manage.py compilemessages --ignore=.venv -v0

run: install messages
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py ensure_plan
	@echo
	@echo "  Portal: http://$(HOST):$(PORT)/"
	@echo "  Create a curator account (SRE staff) with:"
	@echo "      $(PY) manage.py createcurator USERNAME --email you@example.org"
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: install messages
	env -u DATABASE_URL $(BIN)/pytest -q

# PostgreSQL must answer: an unreachable server fails this pass, it is never skipped.
test-postgres: install messages
	@$(PY) -c 'import psycopg, sys; psycopg.connect("$(PG_URL)".rsplit("/", 1)[0] + "/postgres", connect_timeout=5).close()' \
		|| { echo "PostgreSQL does not answer at $(PG_URL): the PostgreSQL test pass cannot run." >&2; exit 1; }
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

test: install lint check-migrations messages test-sqlite test-postgres

clean:
	rm -rf $(VENV) var/db.sqlite3 var/staticfiles
