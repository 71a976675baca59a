# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app run

.PHONY: run test install install-test translations extract-messages update-messages setup demo lint mutation clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# axe-core for the accessibility tests (tests/e2e/test_accessibility.py), pinned by
# package-lock.json. Without npm the step says so and those tests skip with the reason.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "!! npm is missing: axe-core not installed, accessibility tests will be skipped"; fi

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test node_modules/.installed

translations: install
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | grep -v '^$$' || true
	@test -f translations/fr/LC_MESSAGES/messages.mo

# Developers: refresh the catalogs after adding strings, then translate both .po files.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext -o translations/messages.pot .
update-messages: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

setup: translations
	$(FLASK) setup

run: setup
	@if [ "$(DEMO)" = "1" ]; then $(FLASK) demo load --if-empty; fi
	@echo "Réclamations on http://$(HOST):$(PORT)/"
	EMBEDDED_SCHEDULER=1 exec $(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) \
		--workers 1 --threads 8 --timeout 120 --access-logfile - run:app

test: install-test translations
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check app tests bench config.py run.py
	$(BIN)/lint-imports

# Mutation testing of app/domain against tests/unit (minutes of CPU; not part of `make test`
# or CI). MUTATION_JOBS workers; the score is killed / total (docs/mutation.md).
MUTATION_JOBS ?= 2
mutation: install-test translations
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS) > /dev/null
	$(BIN)/python scripts/mutation_score.py --min 90

clean:
	rm -rf $(VENV) .pytest_cache mutants node_modules
