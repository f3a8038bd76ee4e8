# The commands people and CI run. `make run` serves Prévex on http://127.0.0.1:8000,
# `make test` runs the whole suite (SQLite by default, DATABASE_URL/REDIS_URL when set).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: install system browser run test quality worker beat bench bench-national

# The virtual environment, created once; dependencies reinstalled only when pyproject.toml changes.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed system

# Debian's packages Prévex needs beyond Python: WeasyPrint's Pango (system), Chromium for the
# browser tests (browser). Installed when missing if we are root (as in CI), otherwise named so that
# an administrator installs them.
define apt_ensure
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "Paquets Debian manquants : "$$missing" — sudo apt-get install "$$missing; exit 1; \
		fi; \
	fi
endef

system:
	$(call apt_ensure,libpango-1.0-0 libpangoft2-1.0-0)

browser:
	$(call apt_ensure,chromium)

run: install
	$(MANAGE) migrate
	$(MANAGE) setup_departement 21
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

test: install browser
	$(BIN)/pytest

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

worker: install
	$(BIN)/celery -A config worker -l info

beat: install
	$(BIN)/celery -A config beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

# The benchmark (bench/): a département-size then a nation-size data set on PostgreSQL; the
# secretariat's pages and a year's indicators, then the letters and the weekly lists.
bench: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevex_bench} $(BIN)/python -m bench
	$(MAKE) bench-letters
	$(MAKE) bench-reading
	$(MAKE) bench-api
	$(MAKE) bench-national

# The country (issue 16): 100 départements and 2,500,000 procedures in <name>_national, the Côte-d'Or
# alone at its national size in <name>_single_21; the 21's secretariat pages side by side (p95 ≤ 1.2 ×)
# and the national indicators (≤ 2 s). BENCH_NATIONAL_PROCEDURES, BENCH_DEPARTEMENTS, BENCH_DEPARTEMENT
# change the sizes and the département (bench/national.py).
bench-national: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevex_bench} $(BIN)/python -m bench.national

# Letters per second (500 questionnaires) against WeasyPrint alone, and a week's lists (bench/letters.py).
.PHONY: bench-letters
bench-letters: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevex_bench} $(BIN)/python -m bench.letters

# Acts read from their PDF: per-field accuracy on BENCH_READING generated acts (300 by default)
# and acts read per second, by the reader and through the service (bench/reading.py).
.PHONY: bench-reading
bench-reading: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevex_bench} $(BIN)/python -m bench.reading

# Acts accepted per second through the partner API (2000 acts in batches of 500, bench/api.py).
.PHONY: bench-api
bench-api: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevex_bench} $(BIN)/python -m bench.api
