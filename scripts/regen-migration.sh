#!/usr/bin/env bash
# Regenerate the single initial migration from the models on disk.
# (Nothing has been released yet, so the schema is one migration; once a release
# ships, add new revisions with `flask db migrate` instead.)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/*.py
APP_ENV=testing DATABASE_URL="sqlite:///$tmp/m.sqlite" .venv/bin/flask --app wsgi db migrate -m "initial schema" --rev-id 0001_initial >/dev/null 2>&1
rm -rf "$tmp"
echo "regenerated migrations/versions/0001_initial_initial_schema.py"
