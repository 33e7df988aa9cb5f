# peersupport: the two commands are `make run` and `make test`.
# Everything else the project needs, these targets install.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMPS := .stamps
# `make run` is a local demo: debug on, embedded SQLite unless DATABASE_URL says otherwise.
DEV_ENV := DJANGO_DEBUG=true
# Where `make run` and `make serve` listen: `make run PORT=8001`, or
# `make serve BIND=0.0.0.0:8000` (the environment works too).
PORT ?= 8000
BIND ?= 127.0.0.1:$(PORT)

.PHONY: run test lint audit-deps smoke loadtest bench serve install install-dev browser axe messages makemessages lock clean backup restore

run: install
	$(DEV_ENV) $(MANAGE) migrate --no-input
	$(DEV_ENV) $(MANAGE) seed_demo
	$(DEV_ENV) $(MANAGE) runserver $(BIND)

test: install-dev browser axe
	$(BIN)/pytest $(PYTEST_ARGS)

# mypy checks what [tool.mypy] in pyproject.toml lists; its Django plugin loads
# the settings, hence the development environment.
lint: install-dev audit-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/mypy
	$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run

# The pinned requirements against advisory data installed on this machine
# (safety-db, from 2021), or a newer copy: `make audit-deps ADVISORIES=all.zip`
# (osv.dev's PyPI export). Where the network allows, `pip-audit` is better.
audit-deps: install-dev
	$(BIN)/python scripts/check_advisories.py $(if $(ADVISORIES),--advisories $(ADVISORIES))

# The app as a user installs it: a virtual environment built from
# requirements/base.txt alone (rebuilt from scratch when it changes, so nothing
# from the development requirements lingers), then scripts/smoke_check.py
# serves the demo with gunicorn and requests every page and export as each
# demo account, failing on any server error.
SMOKE_VENV := .smoke/venv

smoke: .smoke/installed
	$(SMOKE_VENV)/bin/python scripts/smoke_check.py $(SMOKE_ARGS)

.smoke/installed: requirements/base.txt | $(BIN)/python
	rm -rf $(SMOKE_VENV) $@
	$(PYTHON) -m venv $(SMOKE_VENV)
	$(SMOKE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SMOKE_VENV)/bin/pip install --quiet -r requirements/base.txt
	@touch $@

# Fifty simulated users (locust) for five minutes on a fresh PostgreSQL database
# (LOADTEST_DATABASE_URL, peersupport_loadtest on the local server by default),
# against gunicorn with production settings on loopback; then each write they
# saw accepted is looked up in the database, exactly once. A quick run:
# `make loadtest LOADTEST_USERS=5 LOADTEST_TIME=30s`. Results in loadtest-results/.
loadtest: install-dev
	$(BIN)/python scripts/loadtest/run.py

# Every main page, export and write at two sizes of generated data on PostgreSQL
# (10,000 and 1,000,000 encounters; BENCH_DATABASE_URL names the server, the
# local one by default), interleaved, against its budgets (README, "Benchmarks"): the
# report in docs/benchmarks.md, the figures in bench-results/; exits non-zero
# when a budget fails. The databases bench_10k and bench_1m are built once and
# reused while their stamp matches. A quicker run: `make bench BENCH_SIZES=10k,20k`.
# Not part of `make test` (scripts/bench/run.py says what it measures and how).
bench: install-dev
	$(BIN)/python -m scripts.bench.run

# Production-like: gunicorn with whitenoise serving the collected static files.
# Needs the production variables (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL...).
# Sync workers behind a buffering proxy (README, "Deployment"). A worker busy
# past GUNICORN_TIMEOUT seconds is killed and restarted: 60, twice gunicorn's
# default: `make bench` checks that the longest request anyone can make (the
# research export at a million encounters) finishes well inside it, and a
# request still running after a minute is stuck, not working.
GUNICORN_TIMEOUT ?= 60
serve: install
	$(MANAGE) collectstatic --no-input
	$(MANAGE) migrate --no-input
	$(BIN)/gunicorn peersupport.wsgi --bind $(BIND) --workers $${WORKERS:-3} --timeout $(GUNICORN_TIMEOUT) --graceful-timeout 30 --access-logfile -

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "Python 3.11 is needed (found $$($(PYTHON) --version)); set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMPS)/base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/dev: requirements/dev.txt $(STAMPS)/base
	$(BIN)/pip install --quiet -r requirements/dev.txt
	@touch $@

install: $(STAMPS)/base messages
install-dev: $(STAMPS)/dev messages

# The compiled catalogues are committed, so a machine without GNU gettext
# still serves French; where msgfmt exists they are rebuilt from the .po files.
messages: $(STAMPS)/base
	@if command -v msgfmt >/dev/null; then $(DEV_ENV) $(MANAGE) compilemessages --verbosity 0 --ignore=.venv; \
	else echo "msgfmt not found: using the committed .mo catalogues"; fi

# Browser journeys drive Debian's Chromium, never a test tool's own download.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; fi; }

# axe-core, which the browser journeys inject into every page, comes from the
# npm registry at the version package-lock.json pins. The stamp lives inside
# node_modules so that deleting node_modules reinstalls it too.
axe: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
	  else echo "npm is needed for the browser accessibility checks (axe-core): sudo apt-get install npm" >&2; exit 1; fi; }
	npm ci --no-audit --no-fund --loglevel=error
	@test -f node_modules/axe-core/axe.min.js || { echo "npm ci did not install axe-core" >&2; exit 1; }
	@touch $@

# Backups (scripts/backup.py): `make backup` writes backups/peersupport-<date>.dump
# (PostgreSQL) or .sqlite3 from the database DATABASE_URL names (BACKUP_DIR=...
# for another folder); `make restore FILE=backups/...` puts one back, refusing a
# database that has tables unless FORCE=1. The encryption keys never go in a
# backup: keep them apart (README, "Backups").
backup: $(STAMPS)/base
	$(BIN)/python scripts/backup.py backup $(if $(BACKUP_DIR),--to $(BACKUP_DIR))

restore: $(STAMPS)/base
	@test -n "$(FILE)" || { echo "Which backup? make restore FILE=backups/peersupport-....dump" >&2; exit 2; }
	$(BIN)/python scripts/backup.py restore $(FILE) $(if $(filter 1 true yes,$(FORCE)),--force)

# Refresh the French catalogue after adding strings, then translate the new entries.
makemessages: $(STAMPS)/dev
	$(DEV_ENV) $(MANAGE) makemessages -l fr --ignore=.venv --ignore=staticfiles --no-obsolete

# Re-pin after editing the ranges in pyproject.toml.
lock: $(STAMPS)/dev
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -c requirements/base.txt -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) $(STAMPS) staticfiles .pytest_cache .ruff_cache .mypy_cache node_modules .smoke
