#!/usr/bin/env bash
# Set up (as the tests do), install the anchors (torchviz, torchlens, livelossplot) and run every
# benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test # the browser benchmarks need Chromium, as the tests do
.venv/bin/python -m pip install -q -e ".[bench]"
for bench in benchmarks/bench_*.py; do
    echo "== $bench"
    .venv/bin/python "$bench"
done
