#!/usr/bin/env bash
# Creates bench/.venv with the reference implementations used to generate indicator fixtures.
# Only needed to regenerate nodes/*/*/reference.json; the node tests read the committed JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r reference/requirements.txt
