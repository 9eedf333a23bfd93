# Quickstart: `make demo` and `make test` each set up everything they need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo demo-elcano test test-deep lint typecheck pytest docs bench clean

$(STAMP): pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "spindex needs Python >= 3.11; set PYTHON=python3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,plot,io,dask,docs]"
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(PY) -m spindex demo

# China vs Japan 1990-2021 on the soft dimension of the Elcano Global Presence Index.
demo-elcano: setup
	$(PY) -m spindex demo --elcano

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks conftest.py

typecheck: setup
	$(VENV)/bin/mypy src

# Two worker processes (the machine has 2 cores); the hypothesis ci profile is derandomised, so the
# outcome does not depend on how tests are shared out. --dist worksteal: each worker starts with
# half of the tests and a worker that runs out takes half of what the other has left. Under the
# default (--dist load) the first worker's first batch held every long test (conftest.py puts
# them first), so it ran all 67 of them alone while the other idled: 340 s wall for 477 CPU-s on
# main a0c5f74; with worksteal 217 s for 415 CPU-s (190% of the 2 cores).
pytest: setup
	$(PY) -m pytest -n 2 --dist worksteal --durations=20

# The site, then the examples of its pages (Sphinx's doctest builder); warnings are errors.
docs: setup
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html -d docs/_build/doctrees docs docs/_build/html
	$(VENV)/bin/sphinx-build -W --keep-going -q -b doctest -d docs/_build/doctrees docs docs/_build/doctest

# pytest keeps both cores busy for most of the run, while ruff, mypy and the two Sphinx builds
# each use one core: run one after another they leave the other core idle. Here pytest starts
# at once and the other four share the second job slot with it, one at a time (-j2), so that
# nothing waits for pytest's tail. -Oline keeps each tool's lines whole; on a failure make
# finishes what is running and exits non-zero.
test: setup
	@$(MAKE) --no-print-directory -j2 -Oline pytest lint typecheck docs

# The property tests with fresh random examples, 2,000 per property (hypothesis profile "deep"):
# a search for new counterexamples, to pin with @example. CI runs the fixed "ci" examples.
test-deep: setup
	HYPOTHESIS_PROFILE=deep $(PY) -m pytest tests/properties -p no:cacheprovider

bench: setup
	$(PY) benchmarks/bench_scoring.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis docs/_build docs/api
