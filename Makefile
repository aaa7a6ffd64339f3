# Växel. `make run`: install and start with demo data. `make test`: the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/vaxel
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run demo test test-sqlite test-postgres lint bench messages clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# serve also starts the job worker (e-mail, reminders, digests) as a child process.
run: demo
	VAXEL_DEBUG=1 $(BIN)/vaxel serve --host $(HOST) --port $(PORT)

demo: setup
	$(BIN)/vaxel migrate
	$(BIN)/vaxel demo

test: setup lint test-sqlite test-postgres

test-sqlite: setup
	scripts/ensure-services redis
	scripts/ensure-browser
	scripts/ensure-telephony
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: setup
	scripts/ensure-services postgres redis
	scripts/ensure-browser
	scripts/ensure-telephony
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

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
	$(BIN)/python bench/calendar.py
	$(BIN)/python bench/stats.py
	scripts/ensure-telephony
	$(BIN)/python bench/sip.py

messages: setup
	cd vaxel && VAXEL_DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l sv --no-location
	cd vaxel && VAXEL_DEBUG=1 ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
