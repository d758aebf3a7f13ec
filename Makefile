# The README's commands. Each one sets up what it needs in .venv first (Python >= 3.11).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PRISM := bench/.prism/node_modules/.bin/prism

.PHONY: run test lint format bench clean

run: $(VENV)/.run
	$(BIN)/meetd serve

# The whole suite on SQLite and, when MEETD_TEST_POSTGRES_URL names a server, on PostgreSQL
# at the same time (each test gets a database of its own there, dropped afterwards): the two
# passes share nothing, and together they take little longer than the slower one. The
# PostgreSQL pass's report follows the SQLite pass's.
test: $(VENV)/.dev lint
ifdef MEETD_TEST_POSTGRES_URL
	@log=$$(mktemp); \
	$(BIN)/pytest -p no:cacheprovider --database postgresql >$$log 2>&1 & postgres=$$!; \
	trap 'kill $$postgres 2>/dev/null; wait $$postgres; rm -f $$log; exit 130' INT TERM; \
	$(BIN)/pytest -p no:cacheprovider; sqlite=$$?; \
	wait $$postgres; pg=$$?; \
	echo; echo "meetd: the same suite on PostgreSQL ($$MEETD_TEST_POSTGRES_URL):"; \
	cat $$log; rm -f $$log; \
	test $$sqlite -eq 0 -a $$pg -eq 0
else
	$(BIN)/pytest
	@echo "meetd: PostgreSQL pass SKIPPED: set MEETD_TEST_POSTGRES_URL (for example" \
		"postgresql://127.0.0.1:5432/test) to run the suite against PostgreSQL too"
endif

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The benchmark (bench/README.md): about 25 minutes. Installs wrk from Debian and Prism (the
# mock server it measures meetd against) from npm when missing.
bench: $(VENV)/.dev $(PRISM)
	@command -v wrk >/dev/null || (apt-get install -y wrk || (apt-get update && apt-get install -y wrk))
	$(BIN)/python bench/run.py

$(PRISM):
	npm install --prefix bench/.prism --no-audit --no-fund --ignore-scripts @stoplight/prism-cli@5.14.2

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "meetd needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.dev: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache bench/.prism
