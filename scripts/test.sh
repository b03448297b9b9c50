#!/usr/bin/env bash
# Run the whole test suite.  TEST_DATABASE_URL=postgresql+psycopg://... runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  echo "Debian's chromium is not installed; browser tests need it: apt-get install chromium" >&2
fi
export APP_ENV=testing
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
