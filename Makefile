# geozone: two commands for a new user.
#   make run   set everything up, serve the shipped layers at http://127.0.0.1:8000
#   make test  set everything up (incl. Debian packages for browser/GDAL tests), run every test
# Set-up is idempotent: stamp files make a second run take about a second.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.geozone-installed
SYS_STAMP := $(VENV)/.system-deps-installed

.PHONY: setup setup-system run postgis run-postgis test lint typecheck pytest bench demo-layers vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

$(SYS_STAMP): scripts/install-system-deps.sh | $(BIN)/python
	bash scripts/install-system-deps.sh
	touch $@

# the web map's npm assets are committed in static/vendor: no npm to run or serve
setup: $(STAMP)

setup-system: $(SYS_STAMP)

run: setup
	$(BIN)/geozone serve

# a local PostgreSQL 15 + PostGIS 3 database (Debian packages) holding the shipped layers
postgis: setup
	bash scripts/postgis-local.sh

# the same database, then the service on it (GEOZONE_DATABASE_URL; no layer folder read)
run-postgis: setup
	bash scripts/postgis-local.sh --serve

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

# developers only, after changing static/package.json or a page's /static/vendor references
vendor: setup
	cd static && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor_web_assets.py

demo-layers: setup
	$(BIN)/python layers/generate_demo.py

clean:
	rm -rf $(VENV) static/node_modules .pytest_cache .mypy_cache .ruff_cache
