#!/usr/bin/env bash
# Install the project and its test dependencies into .venv, lint, run the whole test suite, then
# build the sdist and wheel and smoke-test the wheel installed on its own (scripts/smoke_wheel.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check journal tests bench
.venv/bin/lint-imports  # the layer rules in pyproject.toml ([tool.importlinter])
.venv/bin/python -m pytest -n 2 "$@"
bash scripts/smoke_wheel.sh
