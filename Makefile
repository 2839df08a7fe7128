# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install assets migrate lint format check messages clean bench bench-short bench-report schemathesis \
	backup restore memtest loadtest loadtest-short bench-tenants bench-tenants-short
CHART_JS := static/vendor/chart.umd.min.js
CHROMIUM ?= $(shell command -v chromium 2>/dev/null)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

# Chart.js from the npm registry, served by the app itself (no CDN). Needs Node.js; without
# it the pages still work and show their figures as tables. The source map goes along: the
# script names it, and collectstatic's manifest refuses a reference to a missing file.
$(CHART_JS): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && mkdir -p static/vendor && \
		cp node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/ && \
		cp node_modules/chart.js/dist/chart.umd.min.js $@; \
	else \
		echo "Node.js (npm) not found: charts are off; the pages show their tables."; \
	fi

assets: $(CHART_JS)

migrate: install
	$(BIN)/python manage.py migrate --noinput

## Set up everything and serve on http://127.0.0.1:$(PORT); on the embedded default database
## also load the sample data (source 「デモデータ」; python manage.py clear_demo_data removes it).
## The plan is the one in the folder PLAN_DATA_DIR names (README "Another municipality"; the
## shipped plan unless set): `PLAN_DATA_DIR=path make run` or `make run PLAN_DATA_DIR=path`,
## which make hands to every command below, load_plan (without a folder) and the server alike.
run: migrate assets
	$(BIN)/python manage.py load_plan
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/python manage.py load_demo_data; fi
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Run the whole test suite (SQLite by default; DATABASE_URL / REDIS_URL for the real services).
## The browser tests need Debian's chromium and the chart asset (Node.js); without them they
## are left out with a notice, except where REQUIRE_BROWSER=1 (CI), where that is an error.
## The peak-memory tests of hostile imports (minutes; GNU time) run on their own: make memtest.
## MARKERS narrows the run further (CI: MARKERS="not browser" on PostgreSQL).
## XDIST: how many pytest-xdist workers (default 2, one per core of the reference machine;
## `auto` for one per core here); XDIST=0 runs in one process, e.g. to debug a failure.
## Each worker has its own test database and, with REDIS_URL, its own Redis database (the
## URL's number plus the worker's; docs/performance.md).
## The suite tests the shipped plan and names the fixtures' folders itself: PLAN_DATA_DIR,
## set for a deployment, is blanked here (tests/conftest.py pins it too).
MARKERS ?=
XDIST ?= 2
XDIST_ARGS := $(if $(filter-out 0,$(XDIST)),-n $(XDIST) --dist loadgroup)
test: install assets
	@if [ -n "$(CHROMIUM)" ] && [ -f $(CHART_JS) ]; then \
		PLAN_DATA_DIR= $(BIN)/python -m pytest -m "not memory $(if $(MARKERS),and $(MARKERS))" $(XDIST_ARGS) $(PYTEST_ARGS); \
	elif [ "$$REQUIRE_BROWSER" = "1" ]; then \
		echo "REQUIRE_BROWSER=1 but chromium or $(CHART_JS) is missing"; exit 1; \
	else \
		echo "NOTE: browser tests left out (install Debian's chromium and Node.js to run them)"; \
		PLAN_DATA_DIR= $(BIN)/python -m pytest -m "not memory and not browser $(if $(MARKERS),and $(MARKERS))" $(XDIST_ARGS) $(PYTEST_ARGS); \
	fi

## Peak memory of importing hostile files and the largest accepted ones, under /usr/bin/time -v
## (Debian's `time`): every one stays under 300 MB. A few minutes.
memtest: install
	PLAN_DATA_DIR= $(BIN)/python -m pytest -m memory $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## The measurements below are of the shipped plan, as the test suite is: PLAN_DATA_DIR is blanked.

## Latency of dashboard/ and indicators/ against a hand-written floor, on synthetic data in a
## throwaway database (BENCH_DATABASE_URL for PostgreSQL); see docs/performance.md
bench: install assets
	PLAN_DATA_DIR= $(BIN)/python scripts/bench.py --scale full
	PLAN_DATA_DIR= $(BIN)/python scripts/bench_pages.py
	PLAN_DATA_DIR= $(BIN)/python scripts/bench_report.py

## The council report's PDF with a long unbroken paragraph (1,000 to 4,000 characters)
bench-report: install
	PLAN_DATA_DIR= $(BIN)/python scripts/bench_report.py

## The same, 10x less data and 5 rounds: a smoke test for CI
bench-short: install assets
	PLAN_DATA_DIR= $(BIN)/python scripts/bench.py --scale small --repeat 5
	PLAN_DATA_DIR= $(BIN)/python scripts/bench_pages.py --repeat 5

## One municipality among 200 in one PostgreSQL database against the same one alone (issue 22):
## its pages and API cold (ms, queries), migrate, the prefecture's view. DATABASE_URL names the
## PostgreSQL server; the script makes and drops bench_tenants_one and bench_tenants_many there.
## About three minutes here; docs/performance.md, "Many municipalities in one database".
bench-tenants: install assets
	@if [ -z "$$DATABASE_URL" ]; then \
		echo "make bench-tenants needs PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-tenants"; \
		exit 2; \
	fi
	PLAN_DATA_DIR= $(BIN)/python scripts/bench_tenants.py

## The same for CI: 60 municipalities, 5 rounds (under a minute here)
bench-tenants-short: install assets
	@if [ -z "$$DATABASE_URL" ]; then \
		echo "make bench-tenants-short needs PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-tenants-short"; \
		exit 2; \
	fi
	PLAN_DATA_DIR= $(BIN)/python scripts/bench_tenants.py --short

## Requests per second and p99 through gunicorn with production settings, on loopback, in a
## throwaway database: a static file (the floor), /, the indicator list and the dashboard.
## Bounded (at most LOADTEST_REQUESTS per URL and LOADTEST_SECONDS each); fails on any error.
LOADTEST_REQUESTS ?= 3000
LOADTEST_SECONDS ?= 20
loadtest: install assets
	PLAN_DATA_DIR= $(BIN)/python scripts/loadtest.py --requests $(LOADTEST_REQUESTS) --seconds $(LOADTEST_SECONDS)

## The same for CI: 2 workers, 1.5 s per URL (under a minute with the set-up)
loadtest-short: install assets
	PLAN_DATA_DIR= $(BIN)/python scripts/loadtest.py --requests 400 --seconds 1.5 --warmup 40 --workers 2

## The API against its OpenAPI schema: spectacular --validate, then schemathesis (anonymous and
## as a planner) on a throwaway server and database; SCHEMATHESIS_MAX_EXAMPLES, _TIMEOUT, _SEED
schemathesis: install
	PLAN_DATA_DIR= VENV=$(VENV) bash scripts/schemathesis.sh

## Back up the database and the media files into BACKUP_DIR (default backups/), compressed,
## mode 600, without sessions or tokens, encrypted to BACKUP_GPG_RECIPIENT's key when set;
## keeps the newest BACKUP_KEEP (30) of each. How often and where to: docs/operations.md
backup: install
	$(BIN)/python manage.py dbbackup --compress --clean
	$(BIN)/python manage.py mediabackup --compress --clean

## Put the newest backup back (the database is replaced; media files in the backup are written
## over). BACKUP=path and MEDIA_BACKUP=path for other files; YES=1 asks no question. A .gpg file
## is decrypted (the passphrase is asked, or BACKUP_GPG_PASSPHRASE).
restore: install
	$(BIN)/python manage.py dbrestore --uncompress $(if $(YES),--noinput) \
		$(if $(BACKUP),--input-path=$(BACKUP))
	$(BIN)/python manage.py mediarestore --uncompress --replace $(if $(YES),--noinput) \
		$(if $(MEDIA_BACKUP),--input-path=$(MEDIA_BACKUP))

## Regenerate the English catalogue after changing Japanese texts, then edit locale/en/…/django.po
messages: install
	$(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale en --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .hypothesis node_modules static/vendor \
		test-artifacts
