# Two commands for a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON_FOR_VENV = $(shell scripts/find-python)

.PHONY: run test lint messages messages-update screenshots clean

$(BIN)/python:
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

messages: | $(BIN)/python
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv' --verbosity 0

## Collect new strings into the Chinese catalogue (no source locations: merges stay small).
messages-update: | $(BIN)/python
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans --no-location --no-obsolete --ignore .venv --ignore var --ignore bench --verbosity 0

## Run the product on the embedded default: SQLite, a file-based Celery broker, worker
## and beat, demo data. Prints the URL and the demo logins.
run: $(VENV)/.installed-run messages
	scripts/run-embedded

# The tests' own OpenID Connect provider (node's oidc-provider); skipped where npm is missing.
OIDC_PROVIDER := accounts/tests/oidc_provider
$(OIDC_PROVIDER)/node_modules/.package-lock.json: $(OIDC_PROVIDER)/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --silent; \
	else echo "npm not found: the OpenID Connect tests will be skipped"; fi

## Run the whole test suite (SQLite unless DATABASE_URL is set; Redis when REDIS_URL is).
test: $(VENV)/.installed-dev messages $(OIDC_PROVIDER)/node_modules/.package-lock.json
	$(BIN)/pytest $(PYTEST_ARGS)

## Refresh docs/screenshots/ from the browser tests (a plain test run writes to var/).
screenshots: $(VENV)/.installed-dev messages
	HELPDESK_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings helpdesk.settings.test

clean:
	rm -rf $(VENV) var staticfiles
