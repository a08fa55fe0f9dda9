# The two commands of the README: `make run` reproduces the course's results, `make test` tests it.
# Both make the virtual environment .venv on first use, with the torch that CI tests (constraints.txt).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

# nbdev-test runs one notebook per worker (one per core, at most 8, as nbdev does). Each worker's torch
# gets its share of the cores: with two torch processes of 2 threads each on 2 cores, both run about
# 4x slower than one alone, so the suite would spend its time fighting over cores.
NPROC   := $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
WORKERS := $(shell n=$(NPROC); [ $$n -gt 8 ] && n=8; echo $$n)
THREADS := $(shell echo $$(( $(NPROC) / $(WORKERS) )))
SHARE   := OMP_NUM_THREADS=$(THREADS) MKL_NUM_THREADS=$(THREADS)

.PHONY: run lessons test docs readme sync lab clean-venv

$(BIN)/digitlab: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	@# --no-compile: Python compiles each module the first time it is imported; compiling all 6 GB now takes a minute
	$(BIN)/pip install --no-compile -c constraints.txt -e ".[dev]"
	touch $@
	@echo "digitlab is installed in $(VENV). To use the digitlab command: source $(VENV)/bin/activate"

# Build the data, then train every model of the course and print the results table beside the book's
# figures (`digitlab reproduce`; the table, as JSON, Markdown and a plot, goes to digitlab-results/).
run: $(BIN)/digitlab
	$(BIN)/digitlab data
	$(BIN)/digitlab reproduce

# Execute every lesson headless, the long (#| slow) training included.
lessons: $(BIN)/digitlab
	$(BIN)/digitlab data
	$(SHARE) $(BIN)/nbdev-test --n-workers $(WORKERS) --flags slow --do-print --timing

# Every lesson as a test (cells marked #| slow are skipped), the docs site, then the checks in tests/
# (package, site pages and links, and the site in a real browser).
# The browser tests need a Chromium-family browser and the book's diagrams Graphviz: tests/find_browser.py finds
# them or installs them (Playwright's download, else apt-get), first so that a missing one stops the run at once;
# pytest gets the browser as DIGITLAB_CHROMIUM.
# The draw-a-digit page's test (tests/test_app.py, mostly waiting on the browser) needs no docs site, so it runs
# beside the site's build and the other checks, its report printed after theirs; each part's failure fails the run.
# pytest exits 5 when it collects no test: the notebooks are the main tests, so that alone is no failure.
test: $(BIN)/digitlab
	@$(BIN)/python tests/find_browser.py --graphviz
	@b="$$($(BIN)/python tests/find_browser.py)" && echo "browser for the browser tests: $$b"
	@# Lessons 16-18 and the tests use the digit-or-not model, which trains for minutes on first use (a model already
	@# there is only loaded). It trains first, alone and on every core: beside the lessons' workers it would slow them,
	@# then leave them waiting for it with a core idle.
	$(BIN)/python -c 'from digitlab.verdicts import default_detector; default_detector(verbose=False)'
	$(SHARE) $(BIN)/nbdev-test --n-workers $(WORKERS) --do-print --timing
	@DIGITLAB_CHROMIUM="$$($(BIN)/python tests/find_browser.py)" || exit 1; export DIGITLAB_CHROMIUM; \
	log="$$(mktemp)"; $(BIN)/python -m pytest -q tests/test_app.py >"$$log" 2>&1 & app=$$!; \
	$(MAKE) docs && $(BIN)/python -m pytest -q tests --ignore=tests/test_app.py; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; rc=0; fi; \
	wait $$app; rc_app=$$?; echo "--- tests/test_app.py (run beside the above)"; cat "$$log"; rm -f "$$log"; \
	[ $$rc -eq 0 ] && [ $$rc_app -eq 0 ]

# The docs site, from the notebooks' stored outputs (nothing is re-run): docs/_build/html/index.html.
# Warnings are errors.
docs: $(BIN)/digitlab
	$(BIN)/python docs/make_site.py
	rm -rf docs/_build/html   # pages of lessons renamed or removed must not linger; Sphinx rewrites the rest from its cache
	$(BIN)/sphinx-build -W --keep-going -q -b html -d docs/_build/doctrees -c docs docs/_build/src docs/_build/html

readme: $(BIN)/digitlab
	$(BIN)/python docs/readme.py

# After editing a notebook: write the library and the README from the notebooks, and strip the notebooks'
# metadata. CI fails if this would change the tree, so commit what it writes.
sync: $(BIN)/digitlab
	$(BIN)/nbdev-export
	$(BIN)/nbdev-clean
	$(BIN)/python docs/readme.py

# Open the lessons in JupyterLab.
lab: $(BIN)/digitlab
	$(BIN)/jupyter lab nbs/

clean-venv:
	rm -rf $(VENV)
