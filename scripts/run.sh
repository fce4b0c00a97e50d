#!/usr/bin/env bash
# Set up (scripts/setup.sh) and open JupyterLab on the lecture demos. Extra arguments go to
# JupyterLab, e.g. `bash scripts/run.sh --no-browser --port 8899`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
extra=()
if [ "$(id -u)" = 0 ]; then extra+=(--allow-root); fi
exec .venv/bin/jupyter lab demos/ "${extra[@]}" "$@"
