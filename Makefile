# Two commands on a fresh Debian machine with Python 3.11, make and git:
#   make run   the app with an embedded PostgreSQL and the demo consortium
#   make test  lint, type-check and the whole test suite (installs what the tests need)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the browser journeys need: the browser, and fonts for Bengali and Devanagari.
SYSTEM_PACKAGES := chromium fonts-lohit-beng-bengali fonts-lohit-deva

.PHONY: run test lint typecheck pytest system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/tafteesh db upgrade
	$(BIN)/tafteesh demo
	$(BIN)/tafteesh serve

system-deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing$$missing from Debian"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "The browser tests need Debian packages that are missing. Run:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests migrations bench
	$(BIN)/ruff format --check src tests migrations bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev system-deps
	$(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

# The benchmark (bench/README.md): the app against a plain asyncpg + Jinja2 baseline at 1,000 and
# 100,000 synthetic cases, results in bench/results/. Not part of `make test`. Needs wrk (Debian).
# Options go through BENCH_ARGS, e.g. make bench BENCH_ARGS="--sizes 1000 --tcp-nodelay"; the
# evidence benchmark (appends, verifying 1M events, a 1 GiB upload) takes EVIDENCE_BENCH_ARGS.
.PHONY: bench
bench: $(VENV)/.installed-run
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing wrk from Debian"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "make bench needs wrk. Run:"; \
	    echo "  sudo apt-get install -y wrk"; \
	    exit 1; \
	  fi; \
	}
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/evidence.py $(EVIDENCE_BENCH_ARGS)
