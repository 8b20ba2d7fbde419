# The two commands a fresh Debian machine needs: `make build` and `make test`.
# Both install everything first: system packages (as root, or they print the
# apt-get line to run), uv, and the locked Python dependencies.
SHELL := /bin/bash
UV = $(if $(shell command -v uv 2>/dev/null),uv,python3 -m uv)
RUN = $(UV) run --frozen --no-sync
STAMP := .venv/.synced

.PHONY: build test bench lint system setup clean

# Dates in the PDFs come from the last commit, so a build is reproducible.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)

build: setup
	$(RUN) briefing validate statements examples/recipients.yaml
	$(RUN) briefing build --recipients examples/recipients.yaml
	$(RUN) briefing verify output

test: setup
	$(RUN) briefing schema --check
	$(RUN) briefing validate statements examples/recipients.yaml
	$(RUN) briefing i18n status
	$(RUN) pytest -q

bench: setup
	$(RUN) python -m bench

lint: setup
	$(RUN) ruff check pipeline tests bench
	$(RUN) mypy pipeline

setup: system $(STAMP)

system:
	@scripts/system-packages.sh

$(STAMP): pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode
	$(UV) run --frozen --no-sync python -m compileall -q pipeline
	@touch $@

clean:
	rm -rf output .cache
