# Two commands for a fresh clone: `make run` serves the app, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 2

# The street base map (55 MB, not committed) from the raw data, when it is there
BASEMAP_RAW ?= ../shared/data/basemap/niedersachsen_openmaptiles_2021.pmtiles
BASEMAP ?= instance/basemap/niedersachsen.pmtiles

.PHONY: run test datasets basemap store clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed basemap store
	$(BIN)/gunicorn --preload --workers $(WORKERS) --bind 127.0.0.1:$(PORT) 'app:create_app()'

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

basemap:
	@if [ -f "$(BASEMAP_RAW)" ]; then mkdir -p $(dir $(BASEMAP)) && cp -u "$(BASEMAP_RAW)" $(BASEMAP); \
	else echo "no base map at $(BASEMAP_RAW): the maps show Gemeinde outlines only"; fi

# The store (municipal changes) at the newest schema before the workers start
store: $(VENV)/.installed
	$(BIN)/python -m geo.store

datasets: $(VENV)/.installed
	$(BIN)/python scripts/build_datasets.py
	$(BIN)/python scripts/build_facilities.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
