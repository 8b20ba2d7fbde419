# The two commands a fresh Debian machine needs: `make build` and `make test`.
# Both install everything first: system packages (system-packages.txt; as root,
# or they print the apt-get line to run), uv, and the locked Python dependencies.
# CI (.github/workflows/statements.yml) runs these same targets.
SHELL := /bin/bash
UV = $(if $(shell command -v uv 2>/dev/null),uv,python3 -m uv)
RUN = $(UV) run --frozen --no-sync
STAMP := .venv/.synced
NODE_STAMP := node_modules/.package-lock.json

.PHONY: build test check validate bench lint golden system setup clean constraints

# FORMAT=github turns the problems into annotations on the offending lines (CI).
FORMAT ?= text
# Folders, members, languages and the date rule come from briefing.toml, as for a
# bare `briefing build`, so the two agree. RECIPIENTS= points at another members
# file, such as the real list outside this public repository
# (`make build RECIPIENTS=~/ipcnkr/members.yaml`).
RECIPIENTS ?=
WITH_RECIPIENTS = $(if $(RECIPIENTS),--recipients $(RECIPIENTS))

build: validate
	$(RUN) briefing build $(WITH_RECIPIENTS)
	$(RUN) briefing verify output

validate: setup
	$(RUN) briefing validate --format $(FORMAT) $(if $(RECIPIENTS),statements $(RECIPIENTS))

test: validate
	$(RUN) briefing schema --check
	$(RUN) briefing i18n status
	$(RUN) ruff check pipeline tests bench scripts
	$(RUN) ruff format --check pipeline tests bench scripts
	$(RUN) mypy --strict pipeline tests bench
	$(RUN) lint-imports
	$(RUN) pytest -q

# The quick tier, while you iterate (about a minute): lint, types, the stages'
# import contract, and every test that does not lay a document out with WeasyPrint
# (tests marked `typeset` or `slow` are make test's). BRIEFING_TEST_CACHE=DIR keeps
# the tests' font cache between sessions.
check: setup
	$(RUN) ruff check pipeline tests bench scripts
	$(RUN) ruff format --check pipeline tests bench scripts
	$(RUN) mypy --strict pipeline tests bench
	$(RUN) lint-imports
	BRIEFING_QUICK=1 $(RUN) pytest -q -m "not typeset and not slow"

bench: setup
	$(RUN) python -m bench

# Write tests/golden/ afresh after a deliberate change to the HTML; review the diff.
golden: setup
	$(RUN) python tests/test_golden.py

# The locked versions for `pip install -c constraints.txt .` (README, "Installing").
constraints: uv.lock
	$(UV) export --frozen --no-dev --no-emit-project --no-hashes --output-file constraints.txt

# actionlint checks both workflows and, with ShellCheck, their `run:` scripts (it
# skips them without a word when ShellCheck is missing, hence the check).
lint: setup
	$(RUN) ruff check pipeline tests bench scripts
	$(RUN) mypy --strict pipeline tests bench
	@command -v shellcheck >/dev/null || { echo "make lint needs ShellCheck to check the workflows' scripts: install shellcheck (system-packages.txt)" >&2; exit 1; }
	$(RUN) actionlint .github/workflows/*.yml

setup: system $(STAMP) $(NODE_STAMP)

# axe-core (tests of the web edition in Chromium) comes from npm, pinned by package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

system:
	@scripts/system-packages.sh

$(STAMP): pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode
	$(UV) run --frozen --no-sync python -m compileall -q pipeline
	@touch $@

clean:
	rm -rf output .cache node_modules
