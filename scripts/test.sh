#!/usr/bin/env bash
# Set up (scripts/setup.sh --test) and run every check: ruff, mypy, JS units, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
if [ -f js/package.json ]; then
    (cd js && npm test)
fi
.venv/bin/python -m pytest -q "$@"
