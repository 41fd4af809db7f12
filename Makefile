# copsite: `make run` for the site with demo data and a worker, `make test` for the suite.
SHELL := /bin/bash
# Let Python keep its compiled modules (some machines set PYTHONDONTWRITEBYTECODE=1): each
# test process, test subprocess and Celery worker otherwise compiles Django and every other
# package from source at start, several seconds of CPU each.
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install run test test-fast lint format messages bench load backup restore clean

# uv from PATH, else this Python's, else one installed with pip. A system Python that
# refuses `pip install` (PEP 668, as Debian's does) gets uv in a venv of its own, .uv/.
$(VENV)/.installed: pyproject.toml uv.lock
	@uv="$$(command -v uv || true)"; \
	if [ -z "$$uv" ] && python3 -m uv --version >/dev/null 2>&1; then uv="python3 -m uv"; fi; \
	if [ -z "$$uv" ] && [ -x .uv/bin/uv ]; then uv=.uv/bin/uv; fi; \
	if [ -z "$$uv" ]; then \
		if python3 -m pip install --quiet uv 2>/dev/null; then uv="python3 -m uv"; \
		else python3 -m venv .uv && .uv/bin/pip install --quiet uv && uv=.uv/bin/uv; fi; \
	fi; \
	echo "$$uv sync --locked"; $$uv sync --locked
	@touch $@

# The translation catalogs' .mo files are built in pure Python (tools/i18n.py), so a
# machine without GNU gettext runs the site in every language.
install: $(VENV)/.installed
	@$(PY) -m tools.i18n compile

# `make run PORT=8001` serves on another port; links in emails follow it unless SITE_URL
# is set. honcho hands the web process $$PORT (Procfile.dev).
PORT ?= 8000

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Starting web (http://127.0.0.1:$(PORT)), Celery worker and beat. Ctrl-C stops all three."
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(VENV)/bin/honcho -f Procfile.dev start --port $(PORT)

# The suite runs in one process per core (pytest-xdist; WORKERS=0 runs it in this one).
# --dist loadgroup keeps the tests marked with the same xdist_group in one process.
# pytest-cov measures every process and combines their data into .coverage, which
# `coverage report` prints and holds to fail_under (pyproject.toml).
WORKERS ?= auto
XDIST := -n $(WORKERS) --dist loadgroup

test: install
	$(VENV)/bin/coverage erase
	$(VENV)/bin/pytest $(XDIST) --cov --cov-report= $(PYTEST_ARGS)
	$(VENV)/bin/coverage report

# The everyday loop: the suite without the browser, the real Celery worker and the walks
# over the whole site and migration replays (marked slow, tests/walks.py), and without
# coverage. `make test` (and CI) runs them all.
test-fast: install
	$(VENV)/bin/pytest $(XDIST) -m "not browser and not worker and not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(PY) -m tools.i18n check

# After adding or changing a translatable string: extract it into every language's
# catalog (needs GNU gettext's xgettext), translate the new entries, commit the .po files.
messages: install
	$(PY) -m tools.i18n update

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/ .coverage htmlcov

bench: install
	$(PY) -m tools.bench $(BENCH_ARGS)

load: install
	$(PY) -m tools.load $(LOAD_ARGS)

# `make backup` writes var/backups/<UTC time>/ (the database dump, the media folder and a
# manifest); `make restore FROM=var/backups/…` puts them back into DATABASE_URL's database
# (refusing one with tables unless RESTORE_ARGS=--force). tools/backup.py; README "Backups".
backup: install
	$(PY) -m tools.backup backup $(if $(TO),--to $(TO))

restore: install
	$(PY) -m tools.backup restore --from $(FROM) $(RESTORE_ARGS)
