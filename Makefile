# Run `make help` for the list of targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
QUARTER ?=
REVIEWS ?=

.DEFAULT_GOAL := help
.PHONY: help venv extract report report-all test lab bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the project into it

extract: $(STAMP) ## Read the raw documents into data/processed tables
	$(PY) -m helpers.extract

report: $(STAMP) ## Write the quarterly HTML report (QUARTER="2023/24 Q4", default: latest completed quarter)
	$(PY) -m helpers.report $(if $(QUARTER),--quarter "$(QUARTER)") $(if $(REVIEWS),--reviews $(REVIEWS))

report-all: $(STAMP) ## Backfill the report for every quarter since the first action plan
	$(PY) -m helpers.report --all

test: $(STAMP) ## Run the unit tests, back-tests, nbval over the notebooks and the browser test
	$(PY) -m pytest --nbval-lax --nbval-current-env

lab: $(STAMP) ## Start JupyterLab in notebooks/ from the project's environment
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: $(STAMP) ## Run the benchmarks and write benchmarks/results.json
	$(PY) -m helpers.bench

clean: ## Remove the virtual environment and caches (keeps data and reports)
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
