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
# Usage: bench/web_bench.sh BUILD_DIR [SECONDS=10] [ROUNDS=3] [SIZE_MIB=100]
#   (WB_RAW=1 also prints every run)
#   BUILD_DIR holds web/etenderd and bench/web_bench_setup (any buildtype; a
#   release build has no test hooks and needs none). Each pair runs ROUNDS
#   times, etenderd and nginx alternating; the best run of each side counts.
# Needs nginx and wrk (Debian packages; `bash scripts/bench-deps.sh` installs
# them); installs nothing itself. Exit 77 when either is missing.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [SECONDS=10] [ROUNDS=3] [SIZE_MIB=100]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BUILD="$(realpath "$1")"
SECS="${2:-10}"
ROUNDS="${3:-3}"
MIB="${4:-100}"
CONNS=64
ETENDERD="$BUILD/web/etenderd"
SETUP="$BUILD/bench/web_bench_setup"
for v in "$SECS" "$ROUNDS" "$MIB"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || usage; done
if [ ! -x "$ETENDERD" ] || [ ! -x "$SETUP" ]; then
  echo "web_bench: $ETENDERD or $SETUP missing: build first (ninja -C $1)" >&2
  exit 2
fi

NGINX="$(command -v nginx || true)"
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
WRK="$(command -v wrk || true)"
command -v curl >/dev/null || { echo "web_bench: needs curl (bash scripts/bench-deps.sh)" >&2; exit 77; }
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
(umask 077; printf 'Authorization: Bearer %s\n' "$(cat "$T/token")" >"$T/authhdr")
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
  io.write(string.format("WBRESULT %.0f %.0f %.0f %d %d %d %d %d %.0f\n", summary.duration,
    summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean))
end
EOF

# CPU time (clock ticks, user + system) of processes, for the server's cost per
# byte or per request: less disturbed than wall-clock rates by other work on
# the machine.
TICK="$(getconf CLK_TCK)"
ticks() { local p t=0 v; for p in "$@"; do
  v="$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)"; t=$((t + v)); done
  echo "$t"; }
ng_pids() { echo "$NG_PID"; pgrep -P "$NG_PID" || true; }

# run KEY SERVER URL [token]: one wrk run; appends to $T/runs.KEY the line
# "requests/s MiB/s mean_latency_us server_cpu_s requests bytes".
run() {
  local key="$1" server="$2" url="$3" tok="${4:-}" out line c0 c1 pids=()
  if [ "$server" = etenderd ]; then pids=("$ET_PID"); else mapfile -t pids < <(ng_pids); fi
  c0="$(ticks "${pids[@]}")"
  out="$(WB_TOKEN="$tok" timeout $((SECS + 60)) "$WRK" -t2 -c"$CONNS" -d"${SECS}s" \
           --timeout 120s -s "$T/report.lua" "$url" 2>&1)" || fail "wrk failed on $key: $out"
  c1="$(ticks "${pids[@]}")"
  line="$(grep '^WBRESULT' <<<"$out")" || fail "wrk printed no result for $key: $out"
  read -r _ dur req bytes ec er ew es et lat <<<"$line"
  ((es == 0)) || fail "$key: $es answers were not 2xx/3xx"
  ((ec + er + ew + et == 0)) ||
    echo "  (warning: $key had socket errors: connect $ec, read $er, write $ew, timeout $et)" >&2
  awk -v d="$dur" -v r="$req" -v b="$bytes" -v l="$lat" -v c=$((c1 - c0)) -v hz="$TICK" \
    'BEGIN { printf "%.1f %.1f %.0f %.2f %.0f %.0f\n", r / (d / 1e6), b / 1048576 / (d / 1e6), l,
             c / hz, r, b }' >>"$T/runs.$key"
}

LOAD_BEFORE="$(uptime)"
EVENTS_BEFORE="$(curl -sf --noproxy '*' "$ET/log/checkpoint" | sed -n 2p)"
echo "etenderd vs nginx on 127.0.0.1: wrk -t2 -c$CONNS -d${SECS}s, $ROUNDS alternating rounds"
echo "machine: $(nproc) CPUs; $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); $("$WRK" -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "load before: $LOAD_BEFORE"
for ((round = 1; round <= ROUNDS; round++)); do
  echo "round $round of $ROUNDS ..."
  run et_dl etenderd "$ET/api/tenders/$TENDER/documents/$DOC_BIG" "$T/token"
  run ng_dl nginx "$NG/doc.bin"
  run et_1k etenderd "$ET/api/tenders/$TENDER/documents/$DOC_1K" "$T/token"
  run ng_1k nginx "$NG/1k.bin"
  run et_cp etenderd "$ET/log/checkpoint"
  run et_js etenderd "$ET/api/tenders/$TENDER"
done
LOAD_AFTER="$(uptime)"
EVENTS_AFTER="$(curl -sf --noproxy '*' "$ET/log/checkpoint" | sed -n 2p)"

# ---- report -------------------------------------------------------------------------
# Over the rounds of a key: the best rate (field 1 req/s, 2 MiB/s), and the
# least server CPU per unit (per GiB for downloads of the large file, else per
# request), each run's own figure.
best() { awk -v k="$2" '$k > m { m = $k } END { printf "%.1f", m }' "$T/runs.$1"; }
cpu_gib() { awk '$6 > 0 { v = $4 / ($6 / 1073741824); if (m == "" || v < m) m = v }
  END { printf "%.3f", m }' "$T/runs.$1"; }
cpu_req() { awk '$5 > 0 { v = $4 * 1e6 / $5; if (m == "" || v < m) m = v }
  END { printf "%.1f", m }' "$T/runs.$1"; }
lat_of_best() { awk '$2 > m { m = $2; l = $3 } END { printf "%.3f", l / 1e6 }' "$T/runs.$1"; }
# row LABEL ETENDERD NGINX UNIT TARGET [inverse]: ratio etenderd / nginx (for a
# cost, inverse: nginx / etenderd, so that above 1 is etenderd's advantage).
row() {
  awk -v lab="$1" -v e="$2" -v n="$3" -v u="$4" -v t="$5" -v inv="${6:-}" 'BEGIN {
    r = inv == "" ? (n > 0 ? e / n : 0) : (e > 0 ? n / e : 0)
    if (t == "") verdict = inv == "" ? "" : "(nginx / etenderd)"
    else verdict = sprintf(">= %.2f %s", t, r >= t ? "met" : "MISSED")
    printf "%-46s %11s %11s %-7s %5.2f  %s\n", lab, e, n, u, r, verdict }'
}
echo
printf '%-46s %11s %11s %-7s %5s  %s\n' "best of $ROUNDS rounds" etenderd nginx unit ratio target
row "document ${MIB} MiB, $CONNS conn: throughput" "$(best et_dl 2)" "$(best ng_dl 2)" MiB/s 0.90
row "  completed downloads" "$(best et_dl 1)" "$(best ng_dl 1)" req/s ""
row "  mean time of one download (best run)" "$(lat_of_best et_dl)" "$(lat_of_best ng_dl)" s "" inv
row "  server CPU per GiB sent" "$(cpu_gib et_dl)" "$(cpu_gib ng_dl)" s "" inv
row "document 1 KiB (recorded) vs static 1 KiB" "$(best et_1k 1)" "$(best ng_1k 1)" req/s ""
row "  server CPU per request" "$(cpu_req et_1k)" "$(cpu_req ng_1k)" us "" inv
row "GET /log/checkpoint vs static 1 KiB" "$(best et_cp 1)" "$(best ng_1k 1)" req/s 0.50
row "  server CPU per request" "$(cpu_req et_cp)" "$(cpu_req ng_1k)" us "" inv
row "GET /api/tenders/ID (JSON) vs static 1 KiB" "$(best et_js 1)" "$(best ng_1k 1)" req/s ""
row "  server CPU per request" "$(cpu_req et_js)" "$(cpu_req ng_1k)" us "" inv
echo
echo "Every etenderd document download above is a recorded confidential event, made"
echo "durable (ledger append, group commit with fsync) before its first byte: the raw"
echo "figures include that cost; the 1 KiB document row shows it per request."
echo "log size: $EVENTS_BEFORE before the runs, $EVENTS_AFTER after"
echo "load after:  $LOAD_AFTER"
if [ -n "${WB_RAW:-}" ]; then
  echo "raw runs (req/s MiB/s latency_us server_cpu_s requests bytes):"
  for k in et_dl ng_dl et_1k ng_1k et_cp et_js; do sed "s/^/  $k /" "$T/runs.$k"; done
fi
