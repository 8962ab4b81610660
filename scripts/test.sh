#!/usr/bin/env bash
# Install the project and its test dependencies into .venv, lint, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check journal tests bench
.venv/bin/lint-imports  # the layer rules in pyproject.toml ([tool.importlinter])
.venv/bin/python -m pytest -n 2 "$@"
