# The two commands of the README: `make run` reproduces the course's results, `make test` tests it.
# Both make the virtual environment .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run lessons test docs readme clean-venv

$(BIN)/digitlab: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e ".[dev]"
	touch $@

# Build the data, then train every model of the course and print the results table beside the book's
# figures (`digitlab reproduce`; the table, as JSON, Markdown and a plot, goes to digitlab-results/).
run: $(BIN)/digitlab
	$(BIN)/digitlab data
	$(BIN)/digitlab reproduce

# Execute every lesson headless, the long (#| slow) training included.
lessons: $(BIN)/digitlab
	$(BIN)/digitlab data
	$(BIN)/nbdev-test --flags slow --do-print --timing

# Every lesson as a test (cells marked #| slow are skipped), the docs site, then the checks in tests/
# (package, site pages and links, and the site in a real browser).
# pytest exits 5 when it collects no test: the notebooks are the main tests, so that alone is no failure.
test: $(BIN)/digitlab
	$(BIN)/nbdev-test --do-print --timing
	$(MAKE) docs
	$(BIN)/python -m pytest -q tests; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; rc=0; fi; exit $$rc

# The docs site, from the notebooks' stored outputs (nothing is re-run): docs/_build/html/index.html.
# Warnings are errors.
docs: $(BIN)/digitlab
	$(BIN)/python docs/make_site.py
	$(BIN)/sphinx-build -W --keep-going -q -b html -d docs/_build/doctrees -c docs docs/_build/src docs/_build/html

readme: $(BIN)/digitlab
	$(BIN)/python docs/readme.py

clean-venv:
	rm -rf $(VENV)
