#!/usr/bin/env bash
# Run the whole suite N times in a row (issue 17's proof that it passes every time) and
# print one line per run: its number, the database, pass/fail, the summary line and the time.
# Usage: bash scripts/repeat-suite.sh [N]   (TEST_DATABASE_URL=... for PostgreSQL)
# Every run goes on after a failure, so one loop finds every flaky test; the exit status
# is the number of failed runs.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
db=${TEST_DATABASE_URL:+postgresql}
db=${db:-sqlite}
mkdir -p instance/repeat
failed=0
for i in $(seq 1 "$runs"); do
  log="instance/repeat/$db-$i.log"
  start=$(date +%s)
  if bash scripts/test.sh -q -p no:cacheprovider >"$log" 2>&1; then status=pass; else status=FAIL; failed=$((failed + 1)); fi
  end=$(date +%s)
  summary=$(grep -E "^(=+ )?[0-9]+ (passed|failed)" "$log" | tail -1 | sed 's/=//g')
  printf '%s run %2d %-10s %-5s %4d s  load %s  %s\n' "$(date -u +%H:%M)" "$i" "$db" "$status" \
    $((end - start)) "$(cut -d' ' -f1 /proc/loadavg)" "$summary"
done
exit "$failed"
