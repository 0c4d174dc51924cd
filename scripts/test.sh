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
meson test -C "$dir" --print-errorlogs --num-processes 2
