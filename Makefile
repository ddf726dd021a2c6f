# geozone: two commands for a new user.
#   make run   set everything up, serve the shipped layers at http://127.0.0.1:8000
#   make test  set everything up (incl. Debian packages for browser/GDAL tests), run every test
# Set-up is idempotent: stamp files make a second run take about a second.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.geozone-installed
NPM_STAMP := static/node_modules/.geozone-installed
SYS_STAMP := $(VENV)/.system-deps-installed

.PHONY: setup setup-system run test lint typecheck pytest bench demo-layers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

$(NPM_STAMP): static/package.json static/package-lock.json
	cd static && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SYS_STAMP): scripts/install-system-deps.sh | $(BIN)/python
	bash scripts/install-system-deps.sh
	touch $@

setup: $(STAMP) $(NPM_STAMP)

setup-system: $(SYS_STAMP)

run: setup
	$(BIN)/geozone serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup setup-system
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: setup setup-system
	command -v wrk >/dev/null 2>&1 || bash scripts/install-system-deps.sh wrk
	$(BIN)/python benchmarks/run_all.py

demo-layers: setup
	$(BIN)/python layers/generate_demo.py

clean:
	rm -rf $(VENV) static/node_modules .pytest_cache .mypy_cache .ruff_cache
