# TDS Core — `make serve` runs the service, `make test` runs every test. Both bootstrap .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help serve test lint typecheck importlint check migrate-check bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)  ## create the virtual environment

serve: $(STAMP)  ## run the service (API + worker pool + monitor); embedded PostgreSQL unless TDS_DB__URL is set
	$(BIN)/tds serve

test: $(STAMP)  ## run the whole test suite (lint, types, import contracts, tests)
	$(MAKE) --no-print-directory check

lint: $(STAMP)  ## ruff format check + ruff lint
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)  ## mypy --strict on src/
	$(BIN)/mypy

importlint: $(STAMP)  ## import-linter boundary contracts
	$(BIN)/lint-imports

pytest: $(STAMP)  ## the pytest suite only
	$(BIN)/pytest

check: lint typecheck importlint pytest  ## everything CI runs

bench: $(STAMP)  ## run the benchmarks under bench/
	$(BIN)/python bench/run_all.py

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
