# panelpaper: every task a user or CI runs, in one place.  `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA_DIR ?= data
REPORTS_DIR ?= reports
QUARTER ?=
PYTEST_ARGS ?=

.PHONY: help venv report test check figures run verify notebooks lab lint format sample-data benchmark clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The environment is rebuilt whenever pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "panelpaper needs Python 3.11, found " + sys.version.split()[0])'
	@echo "Creating $(VENV) from pyproject.toml ..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

venv: $(STAMP) ## Create or refresh .venv from pyproject.toml

report: $(STAMP) ## Run the latest sample quarter and render the paper
	@$(BIN)/panelpaper run $(QUARTER) --data-dir $(DATA_DIR) --reports-dir $(REPORTS_DIR)

test: $(STAMP) ## Run the whole test suite (unit, data, notebooks, render)
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

check: $(STAMP) ## Validate every snapshot under DATA_DIR and print the report
	@$(BIN)/panelpaper check --all --data-dir $(DATA_DIR)

figures: $(STAMP) ## Print figures.json for QUARTER (default: latest)
	@$(BIN)/panelpaper figures $(QUARTER) --data-dir $(DATA_DIR)

lab: $(STAMP) ## Open JupyterLab in the project environment
	@$(BIN)/jupyter lab notebooks/

lint: $(STAMP) ## ruff over the code and notebooks
	@$(BIN)/ruff check analysis tests scripts benchmarks notebooks
	@$(BIN)/ruff format --check analysis tests scripts benchmarks

format: $(STAMP) ## Apply ruff's fixes and formatting
	@$(BIN)/ruff check --fix analysis tests scripts benchmarks notebooks
	@$(BIN)/ruff format analysis tests scripts benchmarks

sample-data: $(STAMP) ## Regenerate the sample snapshots in data/snapshots (deterministic)
	@$(BIN)/python scripts/generate_sample_data.py --out data/snapshots

clean: ## Remove caches (keeps .venv and reports)
	@rm -rf .pytest_cache .ruff_cache .hypothesis **/__pycache__
