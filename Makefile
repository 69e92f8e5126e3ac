# `make run` and `make test` set up .venv on first use, then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-long lint typecheck cassettes clean

# uv installs what pyproject.toml asks for, byte-compiled as pip would, in 11 s where pip
# took 19 s (measured in bench/README.md); where uv cannot be had, pip does it.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	( $(BIN)/python -m pip install --quiet --disable-pip-version-check uv \
	  && $(BIN)/python -m uv pip install --quiet --python $(BIN)/python --compile-bytecode \
	     -e '.[test]' ) \
	|| $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/harness run

# Bytecode (and pytest's rewritten-assertion cache) is kept even where the environment turns
# it off: every xdist worker would otherwise re-rewrite the harness plugin and hypothesis.
# The longest tests are collected first (tests/longest_first.py); a worker that runs out of
# tests takes some of another's (worksteal), so none ends alone on a long tail. `-n auto`
# starts a worker more than there are CPUs (tests/conftest.py): much of the suite waits on
# processes its tests start.
test: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto --dist worksteal -q

# The same suite with every property test's full example count (tests/hypothesis_budget.py).
test-long: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto --dist worksteal -q \
		--hypothesis-profile=ci-long

# Re-record cassettes/ from the embedded sandbox served over HTTP (see cassettes/README.md).
cassettes: $(STAMP)
	$(BIN)/python -m harness.commands.record_cassettes cassettes

lint: $(STAMP)
	$(BIN)/ruff check harness tests scenarios bench
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info
