# The two commands of the README: `make run` runs the course, `make test` tests it.
# Both make the virtual environment .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test readme clean-venv

$(BIN)/digitlab: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e ".[dev]"
	touch $@

# Build the data, then execute every lesson headless, the long (#| slow) training included.
run: $(BIN)/digitlab
	$(BIN)/digitlab data
	$(BIN)/nbdev-test --flags slow --do-print --timing

# Every lesson as a test (cells marked #| slow are skipped), then the package checks in tests/.
# pytest exits 5 when it collects no test: the notebooks are the main tests, so that alone is no failure.
test: $(BIN)/digitlab
	$(BIN)/nbdev-test --do-print --timing
	$(BIN)/python -m pytest -q tests; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; rc=0; fi; exit $$rc

readme: $(BIN)/digitlab
	$(BIN)/python docs/readme.py

clean-venv:
	rm -rf $(VENV)
