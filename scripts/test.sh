#!/usr/bin/env bash
# Set up (scripts/setup.sh --test) and run every check: ruff, mypy, JS units, pytest.
# The browser tests (tests/e2e) run in a pytest process of their own: Playwright's sync API
# refuses to start in a process where an earlier test (nbclient, IPython) left an event loop.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
(cd js && npm test)
.venv/bin/python -m pytest -q --ignore=tests/e2e "$@"
.venv/bin/python -m pytest -q tests/e2e "$@"
