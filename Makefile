# Two commands do everything on a fresh Debian/Ubuntu machine with Python 3.11:
#   make run    venv, install, migrate, demo data, serve on http://127.0.0.1:8000
#   make test   venv, install, lint, the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
# Test processes (pytest-xdist): one per core; 0 runs the suite in this process.
PYTEST_WORKERS ?= auto
PORT ?= 8000

.PHONY: install run test lint format migrate worker beat messages bench bench-rush clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# The Chinese font PDFs embed, cut from a PyPI package's variable font (common/pdf.py), once.
PDF_FONT := var/fonts/NotoSansSC-Bold.ttf
$(PDF_FONT): $(VENV)/.installed
	$(PY) manage.py install_pdf_fonts
	touch $@

install: $(VENV)/.installed $(PDF_FONT)

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py start_workers_if_broker
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Rebuild the English catalogue (needs GNU gettext: apt-get install gettext); the .mo is committed.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=static/vendor
	$(PY) manage.py compilemessages -l en -l zh_Hans

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

bench: install
	$(PY) bench/run.py

# The deadline rush and its faults (bench/rush.py, a few minutes; restarts PostgreSQL and Redis).
bench-rush: install
	$(PY) bench/rush.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
