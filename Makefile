# Huanxin (换新). `make help` lists the targets.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HUANXIN_SECRET_KEY_FILE ?= var/secret.key

.PHONY: help demo test lint typecheck pytest bench serve clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $(STAMP)

demo: $(STAMP) ## create .venv, migrate, load the demo, serve http://127.0.0.1:8000
	$(BIN)/huanxin keygen
	$(BIN)/huanxin migrate
	$(BIN)/huanxin demo
	HUANXIN_COOKIE_SECURE=false $(BIN)/huanxin serve --host 127.0.0.1 --port 8000

lint: $(STAMP) ## ruff lint and format check, import boundaries (import-linter), dead code (vulture)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/lint-imports
	$(BIN)/vulture

typecheck: $(STAMP) ## mypy strict on src
	$(BIN)/mypy

pytest: $(STAMP) ## run the test suite
	$(BIN)/pytest -q -n 2 --dist loadgroup --durations=25

test: lint typecheck pytest ## ruff, mypy (strict), pytest

bench: $(STAMP) ## run every benchmark (prints JSON)
	$(BIN)/huanxin bench all --json

serve: $(STAMP) ## serve without loading the demo
	$(BIN)/huanxin serve

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var
