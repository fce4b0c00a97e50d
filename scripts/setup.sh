#!/usr/bin/env bash
# Set up everything nngraph needs on a fresh machine: a venv with the project, the CPU torch
# wheel, the test tools, and (with --test) Chromium, Graphviz and the front-end packages.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
# torch==2.13.0 first: it takes the local CPU wheel instead of a multi-GB CUDA build.
.venv/bin/python -m pip install -q torch==2.13.0
# The front-end is built by the npm step below, not by the editable install's build hook.
HATCH_JUPYTER_BUILDER_SKIP_NPM=1 .venv/bin/python -m pip install -q -e ".[widgets,lightning,demos,dev]"

if [ "${1:-}" = "--test" ]; then
    if ! command -v chromium >/dev/null || ! command -v dot >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium graphviz >/dev/null
    fi
fi

if [ -f js/package.json ]; then
    # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: the JS tests use Debian's Chromium, never a download.
    (cd js && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && npm run build)
fi
