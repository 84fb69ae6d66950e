# gridmargin: every target sets itself up first; only python3 (3.11+), node/npm and make are needed.
# Setup is idempotent: the Python and npm installs re-run only when their manifests change.

VENV := .venv
PY := $(VENV)/bin/python
SOLCX_DIR := $(or $(SOLCX_BINARY_PATH),$(HOME)/.solcx)
SOLC_LINK := $(SOLCX_DIR)/solc-v0.8.28
N ?= 1000000

# anvil, forge and cast from npm (@foundry-rs/*) for every recipe and the tools they start.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: setup solc-link build vectors test lint fmt-check demo fuzz fuzz-margin bench

setup: $(VENV)/.stamp-python node_modules/.package-lock.json solc-link

$(PY):
	python3 -m venv $(VENV)

$(VENV)/.stamp-python: pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,ape]'
	touch $@

# npm ci rewrites node_modules/.package-lock.json, so this also re-runs if node_modules is deleted.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# py-solc-x (and ape-solidity) treat solc 0.8.28 as installed when this link exists.
solc-link:
	@mkdir -p $(SOLCX_DIR)
	@[ "$$(readlink '$(SOLC_LINK)')" = "$(CURDIR)/scripts/solc" ] || ln -sfn "$(CURDIR)/scripts/solc" "$(SOLC_LINK)"

# Always a full compile; also records the digest of the compiler inputs that lets the staleness test
# (tests/test_artifacts.py) skip its compile while contracts/ and the settings are unchanged.
build: setup
	$(PY) scripts/build_artifacts.py

# The plain suite runs without ape's pytest plugin (faster; its ape tests would skip), then the ape
# tests under it (as `ape test` runs them), then the import layering contracts (pyproject.toml).
# Lint first (seconds): ruff, ruff format and forge fmt; the layering contracts run as a test.
test: setup lint
	$(PY) -m pytest -q -p no:ape_test -m 'not ape'
	$(PY) -m pytest -q -p ape_test -m ape

lint: setup fmt-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# forge from node_modules/.bin (PATH above), with the [fmt] settings in foundry.toml.
fmt-check: node_modules/.package-lock.json
	forge fmt --check contracts

demo: setup
	$(VENV)/bin/gridmargin demo

# Golden vectors, regenerated after an intentional change (each script refuses to write if the
# Python and EVM sides disagree).
vectors: build
	$(PY) scripts/gen_math_vectors.py
	$(PY) scripts/gen_black76_vectors.py
	$(PY) scripts/gen_feed_vectors.py
	$(PY) scripts/gen_margin_vectors.py

fuzz: setup
	$(PY) scripts/fuzz_math.py --n $(N)

fuzz-margin: setup
	$(PY) scripts/fuzz_margin.py --n $(N)

bench: setup
	$(PY) scripts/bench_math.py
	$(PY) scripts/bench_black76.py
	$(PY) scripts/bench_margin.py
	$(PY) scripts/bench_engine.py
	$(PY) scripts/bench_feeds.py
	$(PY) scripts/bench_screening.py
