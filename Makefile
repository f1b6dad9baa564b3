# Developer commands for Accord. Every target but clean-data installs what is
# missing first (a .venv, node_modules, and the PostgreSQL and Redis servers
# via apt-get), so `make run` and `make test` work on a fresh Debian machine.

PYTHON ?= python3
VENV := .venv
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
ARGS ?=
# The settings require a SECRET_KEY without DEBUG; collectstatic and
# makemigrations sign nothing, so any key will do for them.
TOOL_KEY := SECRET_KEY="$${SECRET_KEY:-only-for-make-commands-that-serve-nothing}"

.PHONY: install system-packages run shell test lint messages clean-data benchmark benchmark-dashboards benchmark-imports loadtest

install: $(VENV_STAMP) $(NODE_STAMP) system-packages

# PostgreSQL and Redis server binaries, from apt-get when missing (a check
# otherwise; run.py and the pytest plugin repeat it for direct use).
system-packages:
	@$(PYTHON) -m tooling.servers ensure-binaries

# Re-run pip only when the dependencies change.
$(VENV_STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# npm ci starts from an empty node_modules, so the stamp goes in afterwards.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Starts PostgreSQL, Redis, gunicorn, a Celery worker and beat; Ctrl-C stops all.
run: install
	$(VENV)/bin/python -m tooling.run

# A Django shell on the servers of a running `make run` (settings read its var/run.env).
shell: install
	$(VENV)/bin/python manage.py shell

# Throwaway PostgreSQL and Redis come from tooling/pytest_servers.py.
# The pages are tested with the production static storage, whose manifest
# collectstatic writes: a template naming a missing file fails the tests.
test: install
	@$(PYTHON) -m tooling.servers ensure-browser
	$(TOOL_KEY) $(VENV)/bin/python manage.py collectstatic --noinput -v0
	$(TOOL_KEY) $(VENV)/bin/python manage.py compile_translations -v0
	$(VENV)/bin/pytest $(ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@# No database is running here; makemigrations only warns that it cannot check the history.
	$(TOOL_KEY) $(VENV)/bin/python -W "ignore:Got an error checking a consistent migration history:RuntimeWarning" \
		manage.py makemigrations --check --dry-run

# Gathers the strings marked for translation into each catalogue (.po), keeping
# the translations; needs GNU gettext (apt-get install gettext).
messages: install
	$(VENV)/bin/python -m tooling.messages

# Removes the data `make run` keeps (var/ and, if used, /var/lib/accord/<hash>).
clean-data:
	$(PYTHON) -m tooling.run clean-data

# Builds 1,000-, 10,000- and 100,000-partnership portfolios in a throwaway
# PostgreSQL and prints the time of a full assessment against its lower bound
# (the 100,000 tier alone takes most of an hour; ARGS="--partnerships 1000 10000").
benchmark: install
	$(VENV)/bin/python -m tooling.benchmarks.runner assessment $(ARGS)

# Builds 1,000- and 10,000-partnership portfolios with a year of scorecards in a
# throwaway PostgreSQL and Redis and prints each dashboard's server time against
# its SQL alone and the bare frame (base.html). Pages: ARGS="--pages partnerships:partnership_list";
# the 100,000 tier: ARGS="--partnerships 1000 10000 100000 --no-history".
benchmark-dashboards: install
	$(VENV)/bin/python -m tooling.benchmarks.runner dashboards $(ARGS)

# Imports 10,000 partners and 100,000 measurements through the worker's path in
# a throwaway PostgreSQL and prints rows per second next to a plain COPY.
benchmark-imports: install
	$(VENV)/bin/python -m tooling.benchmarks.runner imports $(ARGS)

# A bounded headless Locust run (127.0.0.1 only) of executives, managers and
# reviewers against gunicorn at 10,000 partnerships in throwaway servers;
# prints per page the median, p95, throughput and failures.
loadtest: install
	$(VENV)/bin/python -m tooling.loadtest $(ARGS)
