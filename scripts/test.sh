#!/usr/bin/env bash
# Builds the platform and runs the whole test suite (unit, vectors, fuzz
# corpora, end-to-end). Usage: scripts/test.sh [BUILD_DIR] [extra meson setup args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
dir="${1:-build}"
shift || true
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "$@"
fi
ninja -C "$dir"
rc=0
meson test -C "$dir" --print-errorlogs --num-processes 2 || rc=$?
# One closing line for the whole run (each meson test is a Check suite, a
# vector suite, a fuzz corpus replay or an end-to-end script).
python3 - "$dir/meson-logs/testlog.json" <<'PY' || true
import json, sys
ok = bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("result") in ("OK", "EXPECTEDFAIL", "SKIP"):
        ok += 1
    else:
        bad += 1
print(f"tests: {ok} passed, {bad} failed")
PY
exit "$rc"
