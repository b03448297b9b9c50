#!/usr/bin/env bash
# One command from a fresh clone: install, create the schema, load the demo county, serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
export APP_ENV=${APP_ENV:-development}
# The demo county is made up: say so in the header rather than name a real council.
export COUNCIL_NAME=${COUNCIL_NAME:-"Wyvernshire Council (demo)"}
# ...and its own made-up front door (01632 960xxx is Ofcom's range for drama: no real line).
export COUNCIL_FRONT_DOOR=${COUNCIL_FRONT_DOOR:-"Wyvernshire Children's Services front door (made up for the demo): 01632 960000"}
# Links the app sends (invitations, QR codes, PDFs) are built on this address.
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-"http://127.0.0.1:${PORT:-5000}"}
.venv/bin/flask --app wsgi db upgrade
.venv/bin/flask --app wsgi demo --if-empty
# The national page's map of small areas (vector tiles, docs/TILES.md), once.
[ -f instance/tiles/lsoa.pmtiles ] || .venv/bin/flask --app wsgi tiles build
echo "Serving Youth Voice Map on http://127.0.0.1:${PORT:-5000}  (Ctrl-C to stop)"
exec .venv/bin/flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
