# Zayavka: `make run` to try it, `make test` to test it. Needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test lint install install-dev translations bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Zayavka needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask serve

test: install-dev
	.ci/system-packages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

# Re-extract the strings and merge them into every catalog, then compile.
translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --project Zayavka -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d app/translations

clean:
	rm -rf $(VENV) .pytest_cache test-output

# The workspace benchmark (bench/README.md): seed a large database once, then measure.
# `make bench BENCH_DB=postgresql://postgres@127.0.0.1:5432/zayavka_bench` for PostgreSQL;
# BENCH_SEED_ARGS / BENCH_ARGS pass options on, e.g. BENCH_ARGS="--seconds 5".
BENCH_DB ?= sqlite:///bench/out/bench.sqlite
bench: install
	$(BIN)/python bench/seed.py --database-url $(BENCH_DB) --if-missing $(BENCH_SEED_ARGS)
	$(BIN)/python bench/workspace.py --database-url $(BENCH_DB) $(BENCH_ARGS)
