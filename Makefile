# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint clean venv

venv: $(STAMP)

# The venv, and the tests' JavaScript (axe-core, pinned by package-lock.json) in node_modules/.
$(STAMP): pyproject.toml debian-packages.txt package-lock.json
	scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/teitool build sources -o build

lint: $(STAMP)
	$(BIN)/ruff check tei tests bench
	$(BIN)/mypy  # the files and settings are in pyproject.toml's [tool.mypy]

test: $(STAMP) lint
	$(BIN)/pytest

clean:
	rm -rf build .pytest_cache
