# MetSkin: `make run` serves the API on embedded defaults; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run migrate seed serve test test-fast lint schema messages bench clean graphiql

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

# `make run` is development mode (METSKIN_ENV=development): the embedded, public default secret
# is allowed and GraphiQL is on. Anywhere else the server refuses to start without its own keys.
run: export METSKIN_ENV ?= development
run: install migrate seed graphiql serve

migrate: install
	$(BIN)/metskin migrate

# --story: the demo patient gets six weeks of use (two photos measured, one shared with the
# demo dermatologist, a consultation booked), so the first visit shows the product in use.
seed: install
	$(BIN)/metskin seed --story

serve: install
	$(BIN)/metskin serve

lint: install
	$(BIN)/ruff check src tests migrations $(wildcard bench)
	$(BIN)/ruff format --check src tests migrations $(wildcard bench)
	$(BIN)/mypy src
	$(BIN)/mypy tests/fakes tests/unit/test_fakes_conform.py  # the fakes match the ports

# GraphiQL's bundles for development mode, from the npm registry (the server never uses a CDN).
graphiql:
	-scripts/fetch-graphiql.sh

schema: install
	$(BIN)/metskin export-schema

# The fr and de catalogs (read at runtime from the .po files: nothing to compile) after a text
# changed: new texts are added untranslated, and a test fails until each is translated.
messages: install
	$(BIN)/metskin messages

# Everything, against a throwaway MariaDB and Redis that the script starts and stops. The 30
# slowest tests are listed at the end: CI has 90 minutes, and the suite is kept lean by them.
test: install lint
	METSKIN_ENV=development METSKIN_REQUIRE_SERVICES=1 scripts/with-services.sh $(BIN)/pytest -q --durations=30

# Quick loop: SQLite and in-memory adapters only.
test-fast: install
	METSKIN_ENV=development $(BIN)/pytest -q -m "not mariadb and not redis"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
