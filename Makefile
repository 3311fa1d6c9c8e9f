# Run `make help` for the list of targets.
#
# Shell safety: the values people pass (QUARTER, COUNCIL, REVIEWS, MEETING_DATE, INTERIM, ...) are
# never pasted into a recipe line. They reach Python as environment variables
# (`export` below) and the commands have a fixed argument vector
# (`python -m helpers.publishing.report --from-env`), so a quote, `;` or `$(...)` in a
# value is just text. tests/test_project.py fails if a recipe mentions one of them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LOCK   := requirements/lock.txt
# nbstripout keeps the outputs and execution counts (nbval compares the outputs
# and refuses a cell with outputs but no count) and the cell ids, and strips the
# per-run noise: execution timings and papermill's metadata.
# .pre-commit-config.yaml uses the same options (tests/test_project.py checks).
NBSTRIPOUT_ARGS := --keep-output --keep-count --keep-id --extra-keys "metadata.papermill cell.metadata.papermill"

# Take the values verbatim (`$(value ...)`: make does not expand a `$(shell ...)`
# inside them) and hand them to Python as environment variables.
override QUARTER      := $(value QUARTER)
override COUNCIL      := $(value COUNCIL)
override REVIEWS      := $(value REVIEWS)
override MEETING_DATE := $(value MEETING_DATE)
override REPLACE      := $(value REPLACE)
override ARGS         := $(value ARGS)
override ALLOW_ROOT   := $(value ALLOW_ROOT)
override MODULES      := $(value MODULES)
override FILE         := $(value FILE)
override REVIEW       := $(value REVIEW)
override TABLE        := $(value TABLE)
override KIND         := $(value KIND)
override SEND         := $(value SEND)
override EMAIL_DATE   := $(value EMAIL_DATE)
override FORMS_DATE   := $(value FORMS_DATE)
override COLLECT_DATE := $(value COLLECT_DATE)
override INTERIM      := $(value INTERIM)
override REPORT_DATE  := $(value REPORT_DATE)
override REQUIRE_PDF  := $(value REQUIRE_PDF)
export QUARTER COUNCIL REVIEWS MEETING_DATE REPLACE ARGS ALLOW_ROOT MODULES
export FILE REVIEW TABLE KIND SEND EMAIL_DATE FORMS_DATE COLLECT_DATE
export INTERIM REPORT_DATE REQUIRE_PDF

.DEFAULT_GOAL := help
.PHONY: FORCE help venv lock lock-upgrade import-plan extract report report-all report-scheduled index issue forms collect decisions record-decisions emails send-emails notebooks test check lint lab bench bench-reliability mutants clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# The stamp records the folder .venv was made for and its Python. A venv names its folder in absolute paths
# (the editable install of src/, each script's first line), so a copied or moved project would run, and write
# into, the original's: when the stamp names another folder (or none), .venv is made afresh.
VENV_FOR   := project: $(CURDIR) python: $(abspath $(PY))
ifneq ($(strip $(file <$(STAMP))),$(strip $(VENV_FOR)))
VENV_STALE := 1
endif

# The lock is for Python 3.11 on Linux; another Python may still work, so warn only.
$(STAMP): $(LOCK) pyproject.toml $(if $(VENV_STALE),FORCE)
	@$(PYTHON) -c 'import sys; sys.version_info[:2] == (3, 11) or print("warning: requirements/lock.txt is for Python 3.11, this is " + sys.version.split()[0], file=sys.stderr)'
	$(if $(VENV_STALE),rm -rf $(VENV))
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -c 'import os, sys; print("project:", os.getcwd()); print("python:", sys.executable)' > $(STAMP)

FORCE:

venv: $(STAMP) ## Create .venv and install the locked versions (requirements/lock.txt) and the project

lock: $(STAMP) ## Update requirements/lock.txt after editing pyproject.toml (keeps existing pins)
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11) and sys.platform == "linux", "make lock needs Python 3.11 on Linux"'
	$(PY) -m piptools compile pyproject.toml

lock-upgrade: $(STAMP) ## Regenerate requirements/lock.txt with the newest versions the ranges allow
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11) and sys.platform == "linux", "make lock needs Python 3.11 on Linux"'
	$(PY) -m piptools compile --upgrade pyproject.toml

import-plan: $(STAMP) ## Import a plan from the published .docx/.pdf/.xlsx/.ods/.html (FILE=plan.pdf REVIEW=2025-example-cpc; TABLE=n of several)
	$(PY) -m helpers.plans.import_plan --from-env

extract: $(STAMP) ## Read the raw documents into data/processed tables
	$(PY) -m helpers.plans.extract

report: $(STAMP) ## Write the quarter's reports, one per council and committee (QUARTER="2023/24 Q4", COUNCIL="Dorset Council", REVIEWS="2021-finance 2022-progress", MEETING_DATE=2024-05-14; default: latest completed quarter, every council; INTERIM=1 for a quarter not yet ended; REQUIRE_PDF=0 without Chromium)
	$(PY) -m helpers.publishing.report --from-env

issue: $(STAMP) ## Keep the report issued to a committee in reports/issued/, never overwritten (QUARTER=... COUNCIL=... MEETING_DATE=...; INTERIM=1 REPORT_DATE=<the day it was made> for an interim report)
	$(PY) -m helpers.publishing.issue --from-env

report-all: $(STAMP) ## Backfill every council's reports for every quarter since the first action plan
	$(PY) -m helpers.publishing.report --all

index: $(STAMP) ## Write reports/index.html again: every report by council, marking those whose data has changed
	$(PY) -m helpers.publishing.index

report-scheduled: $(STAMP) ## The scheduled run (cron, CI): latest quarter once its returns are due; warns if not collected
	$(PY) -m helpers.publishing.report --scheduled

forms: $(STAMP) ## Write the lead officers' xlsx update forms for a quarter (QUARTER="2024/25 Q1")
	$(PY) -m helpers.cycle.forms --from-env

collect: $(STAMP) ## Read the returned xlsx forms into data/updates (QUARTER="2024/25 Q1"; REPLACE=1 takes a changed return)
	$(PY) -m helpers.cycle.collect --from-env

decisions: $(STAMP) ## Write the committee's decision sheet for a quarter's report (QUARTER="2024/25 Q1")
	$(PY) -m helpers.cycle.decision_sheets --from-env

record-decisions: $(STAMP) ## Read the filled decision sheets into data/decisions (QUARTER="2024/25 Q1"; REPLACE=1 to take changes)
	$(PY) -m helpers.cycle.decision_sheets --from-env --record

emails: $(STAMP) ## Write an e-mail draft (.eml) per lead (QUARTER="2024/25 Q1", KIND=forms|reminder|decisions, EMAIL_DATE=2024-07-15)
	$(PY) -m helpers.cycle.emails --from-env

send-emails: $(STAMP) ## Send the drafts through the council's relay (QUARTER=..., KIND=...; a dry run unless SEND=1)
	$(PY) -m helpers.cycle.emails --from-env --send

notebooks: $(STAMP) ## Re-execute notebooks/*.ipynb in place so their stored outputs match the data
	$(PY) -m helpers.publishing.notebooks
	$(VENV)/bin/nbstripout $(NBSTRIPOUT_ARGS) notebooks/*.ipynb

# In parallel, one worker per core (pytest-xdist). --dist loadfile keeps a file's tests in one worker: a notebook's
# cells run in order in one kernel, and a module's shared fixtures are made once.
test: $(STAMP) ## Run the whole suite in parallel: unit tests, back-tests, nbval over the notebooks, browser, PDF, slow ones
	$(PY) -m pytest -n auto --dist loadfile --nbval-lax --nbval-current-env

check: $(STAMP) ## Run the tests not marked slow, in parallel (a couple of minutes; `make test` runs them all)
	$(PY) -m pytest -n auto --dist loadfile --nbval-lax --nbval-current-env -m "not slow"

# Runs all three checks, then fails if any of them did.
lint: $(STAMP) ## Check code style (ruff check, ruff format --check) and notebook metadata (nbstripout --verify)
	@status=0; \
	$(VENV)/bin/ruff check src tests notebooks || status=1; \
	$(VENV)/bin/ruff format --check --output-format concise src tests || status=1; \
	$(VENV)/bin/nbstripout --verify $(NBSTRIPOUT_ARGS) notebooks/*.ipynb || { status=1; \
	  echo "notebooks carry execution timings or papermill metadata: 'make notebooks' re-executes and strips them"; }; \
	exit $$status

lab: $(STAMP) ## Start JupyterLab on the project root at notebooks/, on 127.0.0.1 (ARGS="--port 8890"; ALLOW_ROOT=1 as root)
	$(PY) -m helpers.publishing.lab

bench: $(STAMP) ## Run the benchmarks and write benchmarks/results.json
	$(PY) -m benchmarks.bench

bench-reliability: $(STAMP) ## Run the report 30 times from a cold import cache and 100 warm, counting failures
	$(PY) -m benchmarks.reliability

# Hours on 2 cores, so never part of `make test` or CI; MODULES picks some rule modules.
mutants: $(STAMP) ## Mutation testing of the rule modules, share of mutants killed per module (MODULES="quarters readers")
	$(PY) -m tools.mutation --from-env

clean: ## Remove the virtual environment and caches (keeps data and reports)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis mutants build src/*.egg-info
