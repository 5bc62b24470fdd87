# Sidebar: `make demo` serves the demo agency; `make test` runs the whole suite.
# Both start from nothing but python3 and make: the virtualenv and pinned packages come first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
MANAGE := $(PY) manage.py
UV_VERSION := 0.13.9
# Two lock files, both with a hash for every file (uv refuses a download that does not match):
# requirements.lock is what runs Sidebar (`make install`, for servers); requirements-dev.lock adds
# the test, lint and SBOM tools (`make test`, `make demo`). Syncing one removes what the other
# added, so each has its own stamp and syncing one forgets the other's.
STAMP := $(VENV)/.installed-dev
PRODUCTION_STAMP := $(VENV)/.installed-production

.PHONY: demo test lint bench install install-dev sbom clean serve

define sync_venv
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(VENV)/bin/uv pip sync --quiet --require-hashes --python $(PY) $(1)
endef

$(STAMP): requirements-dev.lock
	$(call sync_venv,requirements-dev.lock)
	@rm -f $(PRODUCTION_STAMP)
	@touch $(STAMP)

$(PRODUCTION_STAMP): requirements.lock
	$(call sync_venv,requirements.lock)
	@rm -f $(STAMP)
	@touch $(PRODUCTION_STAMP)

# A server: what Sidebar needs to run, nothing that runs tests or drives a browser.
install: $(PRODUCTION_STAMP)

install-dev: $(STAMP)

# A CycloneDX software bill of materials of what `make install` puts on a server (every pinned
# package of requirements.lock with its version, purl and hashes), for the agency's inventory.
sbom: $(STAMP)
	@PYTHONWARNINGS=ignore $(VENV)/bin/cyclonedx-py requirements requirements.lock --pyproject pyproject.toml --mc-type application --of JSON --output-reproducible -o sbom.cdx.json
	@echo "sbom.cdx.json written (CycloneDX 1.6, from requirements.lock)"

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
