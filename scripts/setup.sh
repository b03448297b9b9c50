#!/usr/bin/env bash
# Create .venv and install the pinned requirements (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
REQ=${1:-requirements.txt}
STAMP=.venv/.installed-$(basename "$REQ")
if [ ! -f "$STAMP" ] || [ "$REQ" -nt "$STAMP" ] || [ requirements.txt -nt "$STAMP" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQ"
  touch "$STAMP"
fi
# Compile the translations (app/translations/*/LC_MESSAGES/messages.po -> .mo; the .mo
# files are not in the repository).  The app also compiles a stale one when it starts.
.venv/bin/pybabel compile -d app/translations -D messages >/dev/null
# The national map's front-end packages (MapLibre GL JS, pmtiles) from package-lock.json
# into node_modules/, served by the app itself (app/vendor.py); never a CDN.
if command -v npm >/dev/null 2>&1; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --omit=dev --no-audit --no-fund --loglevel=error
    touch node_modules
  fi
else
  echo "npm not found: the national map needs it (apt-get install npm), then run this again." >&2
fi
