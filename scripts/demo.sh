#!/usr/bin/env bash
# Builds the platform and runs the demonstration on sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
exec bash client/demo.sh build/client/etender
