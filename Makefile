# Sidebar: `make demo` serves the demo agency; `make test` runs the whole suite.
# Both start from nothing but python3 and make: the virtualenv and pinned packages come first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py

.PHONY: demo test lint bench install clean serve

$(STAMP): requirements-dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv
	@$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements-dev.lock
	@touch $(STAMP)

install: $(STAMP)

# Links in the demo's e-mails and calendar files point at the port it serves on, unless
# SIDEBAR_BASE_URL is set.
DEMO_BASE_URL := $(or $(SIDEBAR_BASE_URL),http://127.0.0.1:$(PORT))

demo: export SIDEBAR_MODE = demo
demo: export SIDEBAR_BASE_URL := $(DEMO_BASE_URL)
demo: $(STAMP)
	@mkdir -p staticfiles
	@$(MANAGE) migrate --no-input -v0
	@$(MANAGE) load_demo
	@echo "Serving Sidebar on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo "E-mails Sidebar sends are printed here by the background worker (a second after each), not delivered."
	@trap 'kill 0' EXIT INT TERM; \
	( while true; do $(MANAGE) run_schedules -v0 >/dev/null; sleep 60; done ) & \
	$(MANAGE) db_worker --no-reload --interval 1 -v0 & \
	$(MANAGE) runserver 127.0.0.1:$(PORT) --skip-checks

lint: $(STAMP)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@SIDEBAR_MODE=test $(VENV)/bin/mypy sidebar/policy.py sidebar/lib

test: export SIDEBAR_MODE = test
test: $(STAMP) lint
	@$(MANAGE) makemigrations --check --dry-run -v0 || (echo "Models and migrations differ: run manage.py makemigrations" && exit 1)
	@$(VENV)/bin/pytest -q; code=$$?; if [ $$code -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$code

bench: export SIDEBAR_MODE = demo
bench: $(STAMP)
	@mkdir -p staticfiles
	@$(PY) bench/run.py

clean:
	rm -rf $(VENV) var staticfiles
