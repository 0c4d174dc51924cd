#!/usr/bin/env bash
# Builds the platform, creates a demonstration history on its embedded SQLite
# database (once, in demo-data/), shows sealing and threshold opening with the
# client, and starts etenderd on http://127.0.0.1:8080 (ETENDER_LISTEN to
# change). Ctrl-C stops it; run again to serve the same data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
DATA="${ETENDER_DATA:-demo-data}"
LISTEN="${ETENDER_LISTEN:-127.0.0.1:8080}"
if [ ! -d "$DATA" ]; then
  build/web/etenderd demo --data "$DATA"
  bash client/demo.sh build/client/etender "$DATA/sealing-demo"
  build/web/etenderd verify --data "$DATA"
fi
echo
echo "演示账户 / demo accounts: $DATA/demo-accounts.txt"
echo "公开日志 / public log:    http://$LISTEN/log/checkpoint"
echo "接口文档 / API:           docs/api.md   (Ctrl-C 停止 / to stop)"
exec build/web/etenderd serve --data "$DATA" --listen "$LISTEN"
