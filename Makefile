# panelpaper: every task a user or CI runs, in one place.  `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
# The CLI targets (new, check, figures, followup, returns, run, verify) pass these on:
#   QUARTER=2019-20-Q1  the quarter (check, figures, run, verify: default as each target says)
#   ALL=1               every quarter (run, verify; check does every one unless QUARTER=)
#   DATA_DIR, REPORTS_DIR, FOLLOWUP_DIR  the folders (--data-dir, --reports-dir, --followup-dir)
#   RETURNS=folder      the returned workbooks (returns)
#   ARGS=...            further options, e.g. ARGS=--force (run), ARGS=--allow-gap (new)
DATA_DIR ?= data
REPORTS_DIR ?= reports
FOLLOWUP_DIR ?= followup
QUARTER ?=
ALL ?=
RETURNS ?=
ARGS ?=
PYTEST_ARGS ?=
LAB_ARGS ?=

.PHONY: help venv lock report test test-fast mutation quarto-dev new check figures followup returns run verify notebooks lab lint format sample-data benchmark benchmark-verify benchmark-renderers benchmark-explore clean

# `make help`: every line `target: ... ## what it does`, the names padded to the longest.
help: ## List the targets
	@echo "Usage: make <target> [QUARTER=2019-20-Q1] [ALL=1] [DATA_DIR=data] [REPORTS_DIR=reports] [ARGS=...]"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {name[++n] = $$1; text[n] = $$2; \
	        if (length($$1) > width) width = length($$1)} \
	      END {format = "  %-" width "s  %s\n"; for (i = 1; i <= n; i++) printf format, name[i], text[i]}' $(MAKEFILE_LIST)

# Compiled bytecode kept in the venv, never beside the sources, even where PYTHONDONTWRITEBYTECODE
# is set (CI machines often set it): otherwise every test worker, CLI run and Jupyter kernel
# compiles the package again (a twentieth of a second per process, three per run) and pytest
# rewrites every test module again (about a sixth of the fast tests' CPU time).
PY_ENV := env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache

CHECK_PYTHON := import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else "panelpaper needs Python 3.11 to 3.13, found " + sys.version.split()[0])

# The environment is rebuilt whenever pyproject.toml or the lock is newer than the last install.
# Versions come from $(LOCK) (pip constraints), so a fresh clone gets what the record was built with.
$(STAMP): pyproject.toml $(LOCK)
	@test -n "$(PYTHON)" || { echo "Python 3.11 to 3.13 is needed (python3.11 or python3 on PATH)"; exit 1; }
	@$(PYTHON) -c '$(CHECK_PYTHON)'
	@echo "Creating $(VENV) from pyproject.toml and $(LOCK) ..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev,lab]'
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

venv: $(STAMP) ## Create or refresh .venv from pyproject.toml, at the versions in requirements.lock
	@echo "$(VENV) is up to date with pyproject.toml and $(LOCK): $(BIN)/panelpaper, $(BIN)/python"

lock: ## Re-resolve every dependency to its newest allowed version and rewrite requirements.lock
	@test -n "$(PYTHON)" && $(PYTHON) -c '$(CHECK_PYTHON)'
	@rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	@.venv-lock/bin/python -m pip install --quiet --upgrade pip
	@# soupsieve 3 and later need Python 3.11.5; Debian 12's python3.11 is 3.11.2 (nbconvert's only).
	@.venv-lock/bin/python -m pip install --quiet -e '.[dev,lab]' 'soupsieve<3'
	@{ echo "# Exact versions \`make venv\` installs (pip constraints).  Refresh with \`make lock\`; see docs/layout.md."; \
	   echo "# Tested on CPython 3.11 (Linux); pyproject.toml states the supported range and lower bounds."; \
	   .venv-lock/bin/python -m pip freeze --exclude-editable | sort -f; } > $(LOCK)
	@rm -rf .venv-lock
	@echo "$(LOCK) rewritten: review 'git diff $(LOCK)', run 'make venv test', then commit it."

# The CLI's commands.  $(PANELPAPER) is the venv's console script under $(PY_ENV); a quarter and
# the folders are quoted, so 'Q1 19/20' and paths with spaces pass through whole.
PANELPAPER := $(PY_ENV) $(BIN)/panelpaper
Q_ARG = $(if $(QUARTER),"$(QUARTER)")
ALL_ARG = $(if $(filter 1 yes true,$(ALL)),--all)
DATA_ARG = --data-dir "$(DATA_DIR)"
REPORTS_ARG = --reports-dir "$(REPORTS_DIR)"
# `$(call need,VAR,example)`: stop with a usage line when a target's required VAR is empty.
need = @test -n "$($(1))" || { echo "make $@ needs $(1)=, e.g. make $@ $(2)" >&2; exit 2; }

report: $(STAMP) ## Run and publish the latest quarter (QUARTER= another), render the paper
	@$(PANELPAPER) run $(Q_ARG) $(DATA_ARG) $(REPORTS_ARG) $(ARGS)

new: $(STAMP) ## Start QUARTER's snapshot folder from the latest (ARGS=--allow-gap to skip quarters)
	$(call need,QUARTER,QUARTER=2020-21-Q2)
	@$(PANELPAPER) new $(Q_ARG) $(DATA_ARG) $(ARGS)

check: $(STAMP) ## Validate QUARTER's snapshot, or every snapshot without QUARTER=, and print the report
	@$(PANELPAPER) check $(or $(Q_ARG),--all) $(DATA_ARG) $(ARGS)

figures: $(STAMP) ## Print figures.json for QUARTER (default: latest)
	@$(PANELPAPER) figures $(Q_ARG) $(DATA_ARG) $(ARGS)

followup: $(STAMP) ## Write QUARTER's follow-up lists for the business group leads (FOLLOWUP_DIR=followup)
	$(call need,QUARTER,QUARTER=2019-20-Q1)
	@$(PANELPAPER) followup $(Q_ARG) $(DATA_ARG) --followup-dir "$(FOLLOWUP_DIR)" $(ARGS)

returns: $(STAMP) ## Read QUARTER's returned follow-up lists from the folder RETURNS=
	$(call need,QUARTER,QUARTER=2019-20-Q1 RETURNS=returned/)
	$(call need,RETURNS,QUARTER=$(or $(QUARTER),2019-20-Q1) RETURNS=returned/)
	@$(PANELPAPER) returns $(Q_ARG) "$(RETURNS)" $(DATA_ARG) $(ARGS)

run: $(STAMP) ## Run and publish QUARTER (default: latest; ALL=1 every quarter; ARGS=--force)
	@$(PANELPAPER) run $(or $(Q_ARG),$(ALL_ARG)) $(DATA_ARG) $(REPORTS_ARG) $(ARGS)

verify: $(STAMP) ## Prove published QUARTER reruns to the same paper (default: latest published; ALL=1 every one)
	@$(PANELPAPER) verify $(or $(Q_ARG),$(ALL_ARG)) $(DATA_ARG) $(REPORTS_ARG) $(ARGS)

COVERAGE := --cov=analysis --cov-report=term-missing:skip-covered

# --dist loadgroup: every test reading one publication runs on the worker that builds it
# (tests/helpers/scheduling.py).
# -p no:nbval: no test runs nbval as a pytest plugin in the suite's own processes (the one that
# does starts its own pytest), and loading it imports nbformat, hence jsonschema, whose IRI
# grammar build costs every pytest process 1.5 to 2 s of CPU at start (analysis/engine/lazy.py
# says why the package's own imports skip it).
PYTEST_SUITE := -p no:nbval
test: $(STAMP) ## Run the whole test suite (unit, data, notebooks, render) with coverage of analysis/
	@$(PY_ENV) $(BIN)/python -m pytest $(PYTEST_SUITE) -n auto --dist loadgroup $(COVERAGE) $(PYTEST_ARGS)

test-fast: $(STAMP) ## The tests that start no Jupyter kernel and render no paper (marked `slow` otherwise)
	@$(PY_ENV) $(BIN)/python -m pytest $(PYTEST_SUITE) -n auto -m "not slow" $(PYTEST_ARGS)


# mutmut redraws a spinner line with carriage returns and has no switch to stop it: the sed
# keeps what follows the last one, so the log holds each line as it ended, not every frame.
# PANELPAPER_PROPERTY_EXAMPLES: each hypothesis property tries at most this many derandomized
# examples per mutant; PANELPAPER_NO_CACHE: no mutant reads a verdict another mutant, or an
# earlier run, left in the disk cache (see [tool.mutmut] in pyproject.toml).
MUTATION_CHILDREN ?= 2
MUTATION_EXAMPLES ?= 10
mutation: $(STAMP) ## Mutation testing of the rule modules with mutmut (slow; not part of `make test`)
	@rm -rf mutants
	@export PANELPAPER_NO_CACHE=1 PANELPAPER_PROPERTY_EXAMPLES=$(MUTATION_EXAMPLES); \
	$(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) 2>&1 | sed -u 's/^.*\r//; s/ *$$//'; \
	status=$${PIPESTATUS[0]}; $(BIN)/mutmut results 2>&1 | sed -u 's/^.*\r//'; exit $$status

# The offline Quarto bundle beside the repository (what CI uses, see .ci/run); override with
# QUARTO_SHARED=/path/to/shared/quarto and QUARTO_PREFIX=/where/to/install.
QUARTO_SHARED ?= ../shared/quarto
export QUARTO_SHARED

quarto-dev: $(STAMP) ## Install Quarto from ../shared/quarto (outside the repo) and run the Quarto tests
	@bin="$$(scripts/install_quarto.sh)" || { echo "Quarto not installed: see the messages above"; exit 1; }; \
	echo "Put it on PATH for other commands:  export PATH=\"$$bin:\$$PATH\""; \
	PATH="$$bin:$$PATH" $(PY_ENV) $(BIN)/python -m pytest -m quarto -n 0 $(PYTEST_ARGS)

notebooks: $(STAMP) ## Refresh the paper notebooks from their .py pairs and store new reference outputs
	@$(BIN)/python -m analysis.publishing.notebooks
	@echo "Reference outputs refreshed: review 'git diff notebooks/' before committing."

# Jupyter refuses to start as root without --allow-root (containers, CI machines): given then.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# Each notebook's jupytext twin (*.py) is what a review reads, not what an analyst opens: Lab
# lists only the notebooks (JupyterLab's own hidden names, plus *.py).
LAB_HIDE := --ContentsManager.hide_globs="['__pycache__','*.pyc','*.pyo','.DS_Store','*.so','*.dylib','*~','*.py']"

lab: $(STAMP) ## Open JupyterLab on notebooks/ (LAB_ARGS="--port 8890 --no-browser")
	@$(PY_ENV) $(BIN)/jupyter lab notebooks/ $(LAB_ROOT) $(LAB_HIDE) $(LAB_ARGS)

# The exploration as a web page (Voila), bound to 127.0.0.1; PORT= picks the port (default: a
# free one), and the address is printed.  Works as root.  Ctrl-C stops it.
PORT ?=
.PHONY: explore
explore: $(STAMP) ## Serve the exploration page with its controls on 127.0.0.1 (PORT=8866 to choose the port)
	@$(PY_ENV) $(BIN)/panelpaper explore $(if $(PORT),--port $(PORT)) --data-dir $(DATA_DIR) --reports-dir $(REPORTS_DIR)

# Notebooks are linted through their paired py:percent scripts (see [tool.jupytext] in
# pyproject.toml), so the .ipynb copies are left out rather than checked twice.
LINT_PATHS := analysis tests scripts benchmarks notebooks
RUFF_SKIP := --extend-exclude '*.ipynb'

# lint-imports checks the layers contract in pyproject.toml ([tool.importlinter]); no cache
# folder, since the whole graph takes a third of a second.  tests/architecture runs it in CI too.
lint: $(STAMP) ## ruff check and format check over the code and the notebooks' .py scripts, and the layers contract
	@$(BIN)/ruff check $(RUFF_SKIP) $(LINT_PATHS)
	@$(BIN)/ruff format --check $(RUFF_SKIP) $(LINT_PATHS)
	@$(BIN)/lint-imports --no-cache --no-logo

format: $(STAMP) ## Apply ruff's fixes and formatting, then re-pair the notebooks
	@$(BIN)/ruff check --fix $(RUFF_SKIP) $(LINT_PATHS)
	@$(BIN)/ruff format $(RUFF_SKIP) $(LINT_PATHS)
	@$(BIN)/jupytext --sync --quiet notebooks/*.py

sample-data: $(STAMP) ## Regenerate the sample snapshots in data/snapshots (deterministic)
	@$(BIN)/python scripts/generate_sample_data.py --out data/snapshots

benchmark: $(STAMP) ## Time `panelpaper run` against its floor (writes benchmarks/RESULTS.md)
	@$(PY_ENV) $(BIN)/python benchmarks/bench_run.py

benchmark-verify: $(STAMP) ## Time `panelpaper verify` against the cold run of the same quarter (benchmarks/VERIFY_RESULTS.md)
	@$(PY_ENV) $(BIN)/python benchmarks/bench_run.py --verify-only

benchmark-renderers: $(STAMP) ## Time both renderers' cold runs against their floors (benchmarks/RENDERERS_RESULTS.md)
	@bin="$$(scripts/install_quarto.sh 2>/dev/null)" && export PATH="$$bin:$$PATH"; \
	$(PY_ENV) $(BIN)/python benchmarks/bench_renderers.py

benchmark-explore: $(STAMP) ## Time the exploration's redraws on the sample data (benchmarks/EXPLORE_RESULTS.md)
	@$(PY_ENV) $(BIN)/python benchmarks/bench_explore.py

clean: ## Remove caches (keeps .venv and reports)
	@rm -rf .pytest_cache .ruff_cache .hypothesis **/__pycache__
