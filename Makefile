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

.PHONY: run test eval setup llm clean browser-deps

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# ----- The `llm` extra (README, "Answer backends"): local GGUF models --------------
# llama-cpp-python has no binary wheel here: it compiles from source, once per machine
# (README, "Local model build"). It is compiled for x86-64-v3, never for the CPU it is
# built on: a native build of this machine (AMD EPYC, AVX2) or of an AVX-512/AMX Xeon
# segfaults or dies of SIGILL on the next machine, and CI runs on whichever it gets.
# - GGML_NATIVE=OFF and every instruction set pinned: SSE4.2, AVX, AVX2, FMA, F16C and
#   BMI2 on (all x86-64-v3), every AVX-512, AVX-VNNI and AMX variant off.
# - GGML_CPU_ALL_VARIANTS (with GGML_BACKEND_DL) stays off: its runtime dispatch would
#   pick the AVX-512/AMX kernels on exactly the kind of machine where the build crashed.
# - LLAVA_BUILD=OFF: the multimodal library is not used and only adds compile time.
# tests/test_llm_build.py disassembles the installed libraries to prove the result.
LLAMA_VERSION := $(shell sed -n 's/^llama-cpp-python\[server\]==//p' requirements-llm.txt)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_BACKEND_DL=OFF \
	-DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
	-DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF \
	-DGGML_AVX512_BF16=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
	-DLLAVA_BUILD=OFF
# The wheel (py3-none: ctypes, any Python) lives outside the checkout, so a fresh clone
# on the same machine reuses it, in a directory named by version and a hash of the
# flags. pip's own wheel cache is never used (--no-cache-dir): it is keyed by the sdist
# alone and would hand back a wheel built with other flags. New flags, new wheel.
LLAMA_FLAGS_HASH := $(shell printf '%s' '$(LLAMA_VERSION) $(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-10)
LLAMA_WHEELS ?= $(HOME)/.cache/newspaper-assistant/wheels/llama-cpp-python-$(LLAMA_VERSION)-$(LLAMA_FLAGS_HASH)

$(LLAMA_WHEELS): | $(STAMP)
	rm -rf $@.partial
	@echo "Compiling llama-cpp-python $(LLAMA_VERSION) for x86-64-v3, once per machine (README, Local model build)..."
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --disable-pip-version-check --no-cache-dir \
		--no-deps --no-binary llama-cpp-python --wheel-dir $@.partial "llama-cpp-python==$(LLAMA_VERSION)"
	echo "$(LLAMA_CMAKE_ARGS)" > $@.partial/CMAKE_ARGS
	mv $@.partial $@

# That exact wheel file (never an index), forced over any build already in the venv
# (also one installed by an older Makefile: hence the Makefile prerequisite); then the
# rest of requirements-llm.txt, which finds llama-cpp-python satisfied.
$(LLM_STAMP): $(STAMP) requirements-llm.txt $(LLAMA_WHEELS) Makefile
	$(BIN)/pip install --quiet --disable-pip-version-check --no-index --no-deps --force-reinstall \
		$(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-llm.txt
	touch $(LLM_STAMP)

llm: $(LLM_STAMP)

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
