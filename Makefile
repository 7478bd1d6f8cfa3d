# News Search: `make run` indexes the seed corpus and runs the product; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= index
CORPUS ?= seeds

.PHONY: run test lint format bench bench-matching bench-robust clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench,cluster]'
	touch $@

# Index the seed corpus if the index is missing or stale (an incremental run is a no-op when
# nothing changed; an index built by another analyzer version is rebuilt), run a demo query, then
# serve the search pages and API on http://$(HOST):$(PORT) until Ctrl-C.
HOST ?= 127.0.0.1
PORT ?= 8000
run: $(BIN)/.installed
	$(BIN)/news-search index --index $(INDEX) $(CORPUS) --quiet \
		|| $(BIN)/news-search index --index $(INDEX) $(CORPUS) --rebuild
	$(BIN)/news-search query --index $(INDEX) --limit 2 Sayirun
	$(BIN)/news-search serve --index $(INDEX) --host $(HOST) --port $(PORT)

# axe-core (npm, test-only): the accessibility checks the browser tests run in chromium,
# installed again whenever its lock file changes.
AXE := tests/web/axe
$(AXE)/node_modules/.installed: $(AXE)/package.json $(AXE)/package-lock.json
	npm ci --prefix $(AXE) --no-audit --no-fund
	touch $@

test: $(BIN)/.installed-dev $(AXE)/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Matching quality (spelling groups, common words, real text and Arabic script), index build of the five shared corpora (1 and 2 writer processes), then
# query latency over an index of them kept in bench/out/.
bench: $(BIN)/.installed-dev
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/index_corpora.py --procs 1 2
	$(BIN)/news-search index --index bench/out/index --procs 2 --quiet ../shared/corpora
	$(BIN)/python bench/common_words.py --index bench/out/index
	$(BIN)/python bench/real_text.py --index bench/out/index
	$(BIN)/python bench/query_latency.py --index bench/out/index
	$(BIN)/python bench/api_latency.py --index bench/out/index
	$(BIN)/python bench/research.py --index bench/out/index
	$(BIN)/python bench/load.py --index bench/out/index --json bench/out/load.json
	$(BIN)/python bench/peers.py --json bench/out/peers.json
	$(BIN)/python bench/baseline.py --json bench/out/baseline.json
	$(BIN)/python bench/targets.py
	$(BIN)/python bench/growth.py --json bench/out/growth.json

# Matching quality and cost in one run (issue 4, points 1 to 3 and 5): quality on the evaluation
# set, common words, real text and Arabic script, then query latency with every tier on against
# exact words only and index builds with and without the key fields (bench/quality.py); then
# matching through the product on every spelling set, synthetic and realistic articles
# (bench/matching_e2e.py; the held-out set in aggregate figures only).
bench-matching: $(BIN)/.installed-dev
	$(BIN)/news-search index --index bench/out/index --procs 2 --quiet ../shared/corpora
	$(BIN)/python bench/quality.py --index bench/out/index
	$(BIN)/python bench/matching_e2e.py --both --json bench/out/matching_e2e.json

# Reliability (issue 14): hostile queries through the engine, the CLI and a server
# (bench/fuzz.py, with schemathesis on the API description), every costly request
# within the time budget (bench/costly.py), indexing killed at random and rerun (bench/crash.py),
# broken corpora (bench/bad_corpus.py), searches while a server indexes (bench/load.py --live),
# and generated searches against the reference evaluator (bench/oracle.py).
bench-robust: $(BIN)/.installed-dev
	$(BIN)/news-search index --index bench/out/index --procs 2 --quiet ../shared/corpora
	$(BIN)/python bench/fuzz.py --json bench/out/fuzz.json
	$(BIN)/python bench/costly.py --index bench/out/index --json bench/out/costly.json
	$(BIN)/python bench/crash.py --json bench/out/crash.json
	$(BIN)/python bench/bad_corpus.py --json bench/out/bad_corpus.json
	$(BIN)/python bench/load.py --index bench/out/index --live --json bench/out/load_live.json
	$(BIN)/python bench/oracle.py --index bench/out/index --queries 3000 --procs 2 --json bench/out/oracle.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts $(AXE)/node_modules
