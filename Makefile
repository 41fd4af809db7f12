# copsite: `make run` for the site with demo data and a worker, `make test` for the suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# uv from PATH, else the one pip installs for this Python.
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)

.PHONY: install run test lint format bench load clean

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv
	$(UV) sync --locked
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Starting web (http://127.0.0.1:8000), Celery worker and beat. Ctrl-C stops all three."
	$(VENV)/bin/honcho -f Procfile.dev start

test: install
	$(VENV)/bin/coverage erase
	$(VENV)/bin/coverage run -m pytest $(PYTEST_ARGS)
	$(VENV)/bin/coverage report

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/ .coverage htmlcov

bench: install
	$(PY) -m copsite.bench $(BENCH_ARGS)

load: install
	$(PY) -m copsite.load $(LOAD_ARGS)
