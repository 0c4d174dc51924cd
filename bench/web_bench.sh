#!/usr/bin/env bash
# bench/web_bench.sh — etenderd's serving speed against nginx on the same
# machine, in the same run, on 127.0.0.1 only, measured with wrk:
#   1. a 100 MiB tender document, 64 connections: etenderd's authorised
#      download URL (bearer token of a registered bidder) against nginx serving
#      the same bytes as a static file. Every etenderd download is a recorded,
#      confidential `document.downloaded` event made durable (a ledger append,
#      group commit with fsync) before the first byte: reported as raw MiB/s and
#      per request (downloads/s, mean time of one download);
#   2. the same for a 1 KiB document, where that append is most of the cost
#      (requests/s against nginx's 1 KiB static file; no target);
#   3. the public GET /log/checkpoint against nginx's static 1 KiB file (requests/s);
#   4. a small JSON API request (GET /api/tenders/ID, public) against the same.
# Targets (issue 3, point 11): downloads >= 90% of nginx's throughput; the
# checkpoint >= 50% of nginx's requests/s for the 1 KiB file. Figures and
# their discussion: docs/BENCHMARKS.md. This script asserts no speed: it prints
# each pair, the ratio and whether the target is met, and fails only if a run
# goes wrong (a refused request, a server that does not start).
#
# Usage: bench/web_bench.sh BUILD_DIR [SECONDS=10] [ROUNDS=2] [SIZE_MIB=100]
#   BUILD_DIR holds web/etenderd and bench/web_bench_setup (any buildtype; a
#   release build has no test hooks and needs none). Each pair runs ROUNDS
#   times, etenderd and nginx alternating; the best run of each side counts.
# Needs nginx and wrk (Debian packages; `bash scripts/bench-deps.sh` installs
# them); installs nothing itself. Exit 77 when either is missing.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [SECONDS=10] [ROUNDS=2] [SIZE_MIB=100]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BUILD="$(realpath "$1")"
SECS="${2:-10}"
ROUNDS="${3:-2}"
MIB="${4:-100}"
CONNS=64
ETENDERD="$BUILD/web/etenderd"
SETUP="$BUILD/bench/web_bench_setup"
for v in "$SECS" "$ROUNDS" "$MIB"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || usage; done
[ -x "$ETENDERD" ] && [ -x "$SETUP" ] || {
  echo "web_bench: $ETENDERD or $SETUP missing: build first (ninja -C $1)" >&2; exit 2; }

NGINX="$(command -v nginx || true)"
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
WRK="$(command -v wrk || true)"
if [ -z "$NGINX" ] || [ -z "$WRK" ]; then
  echo "web_bench: needs nginx and wrk; missing:${NGINX:- nginx}${WRK:- wrk}" | sed 's|/[^ ]*||g' >&2
  echo "  Debian: bash scripts/bench-deps.sh   (apt-get install nginx wrk)" >&2
  exit 77
fi

T="$(mktemp -d /var/tmp/etwbench.XXXXXX)"
ET_PID="" NG_PID=""

# Stop a child: SIGTERM, at most 10 s, then SIGKILL.
stop_pid() {
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  stop_pid "$NG_PID"
  stop_pid "$ET_PID"
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "web_bench: $*" >&2
  for f in "$T/etenderd.log" "$T/nginx/error.log"; do
    [ -s "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

# ---- the bytes ----------------------------------------------------------------
mkdir -p "$T/www" "$T/nginx"
head -c "${MIB}M" /dev/urandom >"$T/www/doc.bin"
head -c 1024 /dev/urandom >"$T/www/1k.bin"

# ---- etenderd: init, serve on an ephemeral loopback port, set up through the API
"$ETENDERD" init --data "$T/data" >"$T/init.out" 2>"$T/etenderd.log" || fail "etenderd init failed"
ADMIN_PW="$(sed -n 's/.*one-time password: //p' "$T/init.out")"
[ -n "$ADMIN_PW" ] || fail "etenderd init printed no administrator password"
"$ETENDERD" serve --data "$T/data" --listen 127.0.0.1:0 --ready-file "$T/ready" \
  2>>"$T/etenderd.log" &
ET_PID=$!
for ((i = 0; i < 200; i++)); do
  [ -s "$T/ready" ] && break
  kill -0 "$ET_PID" 2>/dev/null || fail "etenderd exited at start"
  sleep 0.05
done
[ -s "$T/ready" ] || fail "etenderd did not become ready"
ET="http://$(head -n 1 "$T/ready")"
"$SETUP" "$ET" "$ADMIN_PW" "$T/env" "$T/www/doc.bin" "$T/www/1k.bin" 2>>"$T/setup.log" ||
  { cat "$T/setup.log" >&2; fail "setup through the API failed"; }
TENDER="$(sed -n 's/^TENDER=//p' "$T/env")"
DOC_BIG="$(sed -n 's/^DOC1=//p' "$T/env")"
DOC_1K="$(sed -n 's/^DOC2=//p' "$T/env")"
(umask 077; sed -n 's/^TOKEN=//p' "$T/env" >"$T/token")

# ---- nginx: our own config, a free loopback port --------------------------------
# Workers drop to nobody when started as root: the served files must be readable.
chmod 0755 "$T" "$T/www"
chmod 0644 "$T/www/doc.bin" "$T/www/1k.bin"
USER_LINE=""
[ "$(id -u)" -ne 0 ] || USER_LINE="user nobody nogroup;"
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for ((try = 0; try < 10; try++)); do
  NG_PORT=$((20000 + RANDOM % 40000))
  port_free "$NG_PORT" || continue
  cat >"$T/nginx/nginx.conf" <<EOF
# bench/web_bench.sh: static files on loopback, as a reference.
$USER_LINE
worker_processes 2;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=64 inactive=60s;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    default_type application/octet-stream;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    server {
        listen 127.0.0.1:$NG_PORT;
        root $T/www;
    }
}
EOF
  "$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx/error.log" &
  NG_PID=$!
  for ((i = 0; i < 100; i++)); do
    curl -sf --noproxy '*' -o /dev/null "http://127.0.0.1:$NG_PORT/1k.bin" && break
    kill -0 "$NG_PID" 2>/dev/null || break
    sleep 0.05
  done
  curl -sf --noproxy '*' -o /dev/null "http://127.0.0.1:$NG_PORT/1k.bin" && break
  stop_pid "$NG_PID"
  NG_PID=""
done
[ -n "$NG_PID" ] || fail "nginx did not start"
NG="http://127.0.0.1:$NG_PORT"

# Same bytes on both sides (one download each; etenderd's is one more recorded event).
printf 'Authorization: Bearer %s\n' "$(cat "$T/token")" >"$T/authhdr"
H_ET="$(curl -sf --noproxy '*' -H "@$T/authhdr" "$ET/api/tenders/$TENDER/documents/$DOC_BIG" | sha256sum)"
H_NG="$(curl -sf --noproxy '*' "$NG/doc.bin" | sha256sum)"
[ "$H_ET" = "$H_NG" ] || fail "etenderd and nginx serve different bytes"
curl -sf --noproxy '*' -o /dev/null "$ET/log/checkpoint" || fail "no checkpoint"
curl -sf --noproxy '*' -o /dev/null "$ET/api/tenders/$TENDER" || fail "no public tender"

# ---- wrk --------------------------------------------------------------------------
# The Lua script adds the bearer token (read from a 0600 file, never on a command
# line) when WB_TOKEN is set, and prints the raw summary on one line.
cat >"$T/report.lua" <<'EOF'
local tf = os.getenv("WB_TOKEN")
if tf and tf ~= "" then
  local f = assert(io.open(tf, "r"))
  wrk.headers["Authorization"] = "Bearer " .. f:read("*l")
  f:close()
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WBRESULT %d %d %d %d %d %d %d %d %.0f\n", summary.duration,
    summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean))
end
EOF

# run NAME URL [token]: one wrk run; prints "requests/s MiB/s mean_latency_us".
run() {
  local name="$1" url="$2" tok="${3:-}" out line
  out="$(WB_TOKEN="$tok" timeout $((SECS + 60)) "$WRK" -t2 -c"$CONNS" -d"${SECS}s" \
           --timeout 120s -s "$T/report.lua" "$url" 2>&1)" || fail "wrk failed on $name: $out"
  line="$(grep '^WBRESULT' <<<"$out")" || fail "wrk printed no result for $name: $out"
  read -r _ dur req bytes ec er ew es et lat <<<"$line"
  ((es == 0)) || fail "$name: $es answers were not 2xx/3xx"
  ((ec + er + ew + et == 0)) ||
    echo "  (warning: $name had socket errors: connect $ec, read $er, write $ew, timeout $et)" >&2
  awk -v d="$dur" -v r="$req" -v b="$bytes" -v l="$lat" \
    'BEGIN { printf "%.1f %.1f %.0f\n", r / (d / 1e6), b / 1048576 / (d / 1e6), l }'
}
# best A B: the larger of two "rps mibps lat" lines by field $2 (1 = rps, 2 = MiB/s).
best() { awk -v k="$3" 'BEGIN { split(ARGV[1], a, " "); split(ARGV[2], b, " ");
  if (b[k] > a[k]) print ARGV[2]; else print ARGV[1]; exit }' "$1" "$2"; }

LOAD_BEFORE="$(uptime)"
EVENTS_BEFORE="$(curl -sf --noproxy '*' "$ET/log/checkpoint" | sed -n 2p)"
echo "etenderd vs nginx on 127.0.0.1: wrk -t2 -c$CONNS -d${SECS}s, best of $ROUNDS alternating rounds"
echo "machine: $(nproc) CPUs; $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); $("$WRK" -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "load before: $LOAD_BEFORE"

R_ET_DL="0 0 0" R_NG_DL="0 0 0" R_ET_1K="0 0 0" R_NG_1K="0 0 0" R_CP="0 0 0" R_JS="0 0 0"
for ((round = 1; round <= ROUNDS; round++)); do
  R_ET_DL="$(best "$R_ET_DL" "$(run download "$ET/api/tenders/$TENDER/documents/$DOC_BIG" "$T/token")" 2)"
  R_NG_DL="$(best "$R_NG_DL" "$(run nginx-download "$NG/doc.bin")" 2)"
  R_ET_1K="$(best "$R_ET_1K" "$(run download-1k "$ET/api/tenders/$TENDER/documents/$DOC_1K" "$T/token")" 1)"
  R_NG_1K="$(best "$R_NG_1K" "$(run nginx-1k "$NG/1k.bin")" 1)"
  R_CP="$(best "$R_CP" "$(run checkpoint "$ET/log/checkpoint")" 1)"
  R_JS="$(best "$R_JS" "$(run json "$ET/api/tenders/$TENDER")" 1)"
done
LOAD_AFTER="$(uptime)"
EVENTS_AFTER="$(curl -sf --noproxy '*' "$ET/log/checkpoint" | sed -n 2p)"

# ---- report -------------------------------------------------------------------------
# row LABEL ET NG FIELD UNIT TARGET
row() {
  awk -v lab="$1" -v e="$2" -v n="$3" -v k="$4" -v u="$5" -v t="$6" 'BEGIN {
    split(e, a, " "); split(n, b, " "); r = b[k] > 0 ? a[k] / b[k] : 0
    if (t == "") verdict = "(no target)"
    else verdict = sprintf(">= %.2f %s", t, r >= t ? "met" : "MISSED")
    printf "%-44s %12.1f %12.1f %-6s %6.2f  %s\n", lab, a[k], b[k], u, r, verdict }'
}
echo
printf '%-44s %12s %12s %-6s %6s  %s\n' "" etenderd nginx unit ratio target
row "document ${MIB} MiB, $CONNS conn: throughput" "$R_ET_DL" "$R_NG_DL" 2 MiB/s 0.90
row "  same runs: completed downloads/s" "$R_ET_DL" "$R_NG_DL" 1 req/s ""
awk -v e="$R_ET_DL" -v n="$R_NG_DL" 'BEGIN { split(e, a, " "); split(n, b, " ");
  printf "%-44s %12.3f %12.3f %-6s\n", "  same runs: mean time of one download", a[3] / 1e6, b[3] / 1e6, "s" }'
row "document 1 KiB (recorded) vs static 1 KiB" "$R_ET_1K" "$R_NG_1K" 1 req/s ""
row "GET /log/checkpoint vs static 1 KiB" "$R_CP" "$R_NG_1K" 1 req/s 0.50
row "GET /api/tenders/ID (JSON) vs static 1 KiB" "$R_JS" "$R_NG_1K" 1 req/s ""
echo
echo "Every etenderd document download above is a recorded confidential event, durable"
echo "(ledger append, group commit with fsync) before its first byte: the raw figures"
echo "include that cost; the 1 KiB document row shows it per request."
echo "log size: $EVENTS_BEFORE before the runs, $EVENTS_AFTER after"
echo "load after:  $LOAD_AFTER"
