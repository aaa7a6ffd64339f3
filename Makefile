# Växel. `make run`: install and start with demo data. `make test`: the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/vaxel
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo's switchboard lives: the call simulator at SIMULATE calls a minute beside the
# server (`make run SIMULATE=0` for none); Ctrl-C stops both, hanging up its calls.
SIMULATE ?= 1.5
# The switchboard's media endpoint inside the server (`make run MEDIA=127.0.0.1:5080`,
# beside scripts/switchboard; docs/telephony.md).
MEDIA ?=
# The suite passes on any day at any hour (docs/operations.md, "Tests and the clock"):
# besides the run at the real time on SQLite, PostgreSQL runs the whole suite with the
# clock at New Year's Eve 23:59, and SQLite runs it again at the night the clocks go back,
# midsummer eve, a Monday just before opening and a weekday evening.
POSTGRES_CLOCK ?= 2026-12-31T23:59
CLOCK_INSTANTS ?= 2026-10-25T02:30+02:00 2027-06-25T15:00 2027-03-01T07:59 2027-02-10T18:42
PYTEST := $(BIN)/pytest -p no:cacheprovider -n 2 --dist loadfile

.PHONY: setup run demo test test-sqlite test-postgres test-faults test-clock lint bench messages clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# serve also starts the job worker (e-mail, reminders, digests) and, for the demo, the
# call simulator as child processes.
run: demo
	VAXEL_DEBUG=1 $(BIN)/vaxel serve --host $(HOST) --port $(PORT) $(if $(filter-out 0,$(SIMULATE)),--simulate $(SIMULATE)) $(if $(MEDIA),--media $(MEDIA))

demo: setup
	$(BIN)/vaxel migrate
	$(BIN)/vaxel demo $(if $(filter-out 0,$(SIMULATE)),--open-today)

test: setup lint test-sqlite test-postgres test-faults test-clock

test-sqlite: setup
	scripts/ensure-services redis
	scripts/ensure-browser
	scripts/ensure-telephony
	scripts/ensure-ldap
	env -u DATABASE_URL $(PYTEST) -m "not faults"

test-postgres: setup
	scripts/ensure-services postgres redis
	scripts/ensure-browser
	scripts/ensure-telephony
	scripts/ensure-ldap
	DATABASE_URL=$(POSTGRES_URL) $(PYTEST) -m "not faults and not once" $(if $(POSTGRES_CLOCK),--clock-at $(POSTGRES_CLOCK))

# Faults (tests/faults): Redis, SMTP, the worker and the server stopped or killed, and
# PostgreSQL's connections counted under load; each test runs instances of its own.
test-faults: setup
	scripts/ensure-services postgres redis
	scripts/ensure-telephony
	env -u DATABASE_URL $(PYTEST) -m faults tests/faults

test-clock: setup
	scripts/test-at-instants $(CLOCK_INSTANTS)

lint: setup
	$(BIN)/ruff check vaxel tests bench conftest.py
	$(BIN)/ruff format --check vaxel tests bench conftest.py
	VAXEL_DEBUG=1 $(BIN)/mypy vaxel
	VAXEL_DEBUG=1 $(BIN)/python manage.py check
	VAXEL_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

bench: setup
	$(BIN)/python bench/route.py
	scripts/ensure-services postgres
	$(BIN)/python bench/search.py
	scripts/ensure-services postgres redis
	$(BIN)/python bench/live.py
	$(BIN)/python bench/connections.py
	$(BIN)/python bench/calendar.py
	$(BIN)/python bench/stats.py
	$(BIN)/python bench/mobiles.py
	$(BIN)/python bench/records.py
	$(BIN)/python bench/caller_history.py
	scripts/ensure-ldap
	$(BIN)/python bench/directory_sync.py
	scripts/ensure-telephony
	$(BIN)/python bench/sip.py
	$(BIN)/python bench/calls.py

messages: setup
	cd vaxel && VAXEL_DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l sv --no-location
	cd vaxel && VAXEL_DEBUG=1 ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
