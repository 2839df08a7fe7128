# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install migrate lint format check messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

## Set up everything and serve on http://127.0.0.1:$(PORT)
run: migrate
	$(BIN)/python manage.py load_plan
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Run the whole test suite (SQLite by default; DATABASE_URL / REDIS_URL for the real services)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## Regenerate the English catalogue after changing Japanese texts, then edit locale/en/…/django.po
messages: install
	$(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale en --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .hypothesis
