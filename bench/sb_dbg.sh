#!/usr/bin/env bash
# bench/surge_bench.sh — the deadline surge (issue 4, point 8): BIDDERS bidders
# upload sealed bids (bid.xml and one SIZE_MIB MiB attachment, sealed with the
# tender's threshold stanzas, manifest signed) to the real etenderd at once, on
# 127.0.0.1, one connection each; against nginx taking the same bytes with the
# dav module (PUT, client_body_temp_path on the same disk) at the same
# concurrency, in the same run. Reports aggregate MiB/s, failures, and the
# median / p99 / worst time of one bidder's whole upload (first byte of its
# first part to its receipt; for nginx to the answer of its last PUT).
# Target: etenderd >= 80% of nginx's throughput, zero failures. It asserts no
# speed: it prints the figures and the verdict, and fails only if a run goes
# wrong (a failed upload, a server that does not start, `etenderd verify`).
#
# Usage: bench/surge_bench.sh BUILD_DIR [BIDDERS=200] [SIZE_MIB=20]
#   BUILD_DIR holds web/etenderd and bench/surge_load (release build for
#   figures; any build works). Data in $SB_TMP (default /var/tmp: the local
#   disk; etenderd's data folder, nginx's store and the sealed bids all on it).
#   If the disk has too little room for three copies of the bids, BIDDERS is
#   scaled down and the script says so. Order of runs: nginx, etenderd, nginx
#   (the better nginx run is the reference); `sync` before each run, and the
#   time until a `sync` after each run returns is reported too (nginx's PUT
#   answers before the bytes are on disk; etenderd's receipt after fsync).
# Needs nginx (bash scripts/bench-deps.sh); exit 77 without it.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [BIDDERS=200] [SIZE_MIB=20]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BUILD="$(realpath "$1")"
N="${2:-200}"
MIB="${3:-20}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] && [[ "$MIB" =~ ^[0-9]+$ ]] || usage
ETENDERD="$BUILD/web/etenderd"
LOAD="$BUILD/bench/surge_load"
[ -x "$ETENDERD" ] && [ -x "$LOAD" ] ||
  { echo "surge_bench: $ETENDERD or $LOAD missing: build first" >&2; exit 2; }
NGINX="$(command -v nginx || true)"
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
if [ -z "$NGINX" ] || ! command -v curl >/dev/null; then
  echo "surge_bench: needs nginx and curl (bash scripts/bench-deps.sh)" >&2
  exit 77
fi

T="$(mktemp -d "${SB_TMP:-/var/tmp}/etsurge.XXXXXX")"
ET_PID="" NG_PID=""
stop_pid() {
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() { set +e; stop_pid "$NG_PID"; stop_pid "$ET_PID"; rm -rf "$T"; }
trap "" EXIT
trap 'exit 130' INT TERM
fail() {
  echo "surge_bench: $*" >&2
  for f in "$T/etenderd.log" "$T/setup.log" "$T/nginx/error.log"; do
    [ -s "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

# ---- room on the disk: the sealed bids, etenderd's store, nginx's store ----------
AVAIL_MIB=$(( $(df -Pk "$T" | awk 'NR == 2 { print $4 }') / 1024 ))
NEED_MIB=$(( N * (MIB + 1) * 3 + 1024 ))
if (( NEED_MIB > AVAIL_MIB )); then
  N2=$(( (AVAIL_MIB - 1024) / ((MIB + 1) * 3) ))
  (( N2 >= 1 )) || fail "no room on the disk for even one bid of $MIB MiB"
  echo "surge_bench: SCALED DOWN: ${AVAIL_MIB} MiB free, ${NEED_MIB} MiB needed for $N bidders; using $N2" >&2
  N=$N2
fi

# ---- etenderd: init, serve, set up through the API ------------------------------
"$ETENDERD" init --data "$T/data" >"$T/init.out" 2>"$T/etenderd.log" || fail "etenderd init failed"
(umask 077; sed -n 's/.*one-time password: //p' "$T/init.out" >"$T/admin.pw")
[ -s "$T/admin.pw" ] || fail "etenderd init printed no administrator password"
rm -f "$T/init.out"
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
mkdir -m 700 "$T/bids"
echo "surge_bench: setting up $N bidder firms and sealing $N bids of $MIB MiB (untimed)" >&2
"$LOAD" setup "$ET" "$T/admin.pw" "$N" "$MIB" "$T/bids" 2>>"$T/setup.log" ||
  fail "setup through the API failed"

# ---- nginx: PUT with the dav module, its temp files on the same disk -------------
mkdir -p "$T/nginx/body" "$T/store"
USER_LINE=""
if [ "$(id -u)" -eq 0 ]; then
  USER_LINE="user nobody nogroup;"
  chmod 0755 "$T"
  chmod 0755 "$T/nginx"
  chown nobody:nogroup "$T/nginx/body" "$T/store"
fi
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for ((try = 0; try < 10; try++)); do
  NG_PORT=$((20000 + RANDOM % 40000))
  port_free "$NG_PORT" || continue
  cat >"$T/nginx/nginx.conf" <<EOF
# bench/surge_bench.sh: uploads to disk with PUT, as a reference.
$USER_LINE
worker_processes 2;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_max_body_size 0;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    server {
        listen 127.0.0.1:$NG_PORT;
        root $T/store;
        location / {
            dav_methods PUT;
            dav_access user:rw;
        }
    }
}
EOF
  "$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx/error.log" &
  NG_PID=$!
  for ((i = 0; i < 100; i++)); do
    curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$NG_PORT/" && break
    kill -0 "$NG_PID" 2>/dev/null || break
    sleep 0.05
  done
  curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$NG_PORT/" && break
  stop_pid "$NG_PID"
  NG_PID=""
done
[ -n "$NG_PID" ] || fail "nginx did not start"
NG="http://127.0.0.1:$NG_PORT"
curl -sf --noproxy '*' -T "$T/bids/0.m" "$NG/probe" -o /dev/null || fail "nginx refuses PUT"
cmp -s "$T/bids/0.m" "$T/store/probe" || fail "nginx stored other bytes"
rm -f "$T/store/probe"

# ---- the runs ----------------------------------------------------------------------
# run KEY MODE URL: sync, one surge; appends "RESULT … sync_s load1" to $T/results.
secs() { date +%s.%N; }
run() {
  local key="$1" mode="$2" url="$3" line s e load
  sync
  load="$(cut -d' ' -f1 /proc/loadavg)"
  [ "$mode" = put ] || { echo "DBG $LOAD run $mode $url $T/bids $N" >&2; gdb -q -batch -ex run -ex bt --args "$LOAD" run "$mode" "$url" "$T/bids" "$N" 2>&1 | grep -v "New Thread|exited" >&2; }; line="$("$LOAD" run "$mode" "$url" "$T/bids" "$N")" || fail "$key: a bidder failed (exit $?)"
  s="$(secs)"; sync; e="$(secs)"
  echo "$line $(echo "$e - $s" | bc -l) $load" | sed "s/^RESULT $mode/RESULT $key/" >>"$T/results"
  [ -z "${SB_RAW:-}" ] || tail -n 1 "$T/results" >&2
}
echo "surge_bench: $N bidders, $MIB MiB each; uptime before: $(uptime)"
run nginx1 put "$NG"
rm -rf "${T:?}/store/"*
run etenderd etenderd "$ET"
rm -rf "${T:?}/store/"*
run nginx2 put "$NG"
echo "surge_bench: uptime after: $(uptime)"
"$ETENDERD" verify --data "$T/data" >"$T/verify.out" 2>&1 ||
  { cat "$T/verify.out" >&2; fail "etenderd verify failed after the surge"; }

# ---- report -----------------------------------------------------------------------
awk -v n="$N" -v mib="$MIB" '
  { k = $2; bytes[k] = $4; sec[k] = $5; rate[k] = $6; fails[k] = $7; p50[k] = $8; p99[k] = $9;
    mx[k] = $10; syncs[k] = $11; load[k] = $12
    dur[k] = (bytes[k] / 1048576) / (sec[k] + syncs[k]) }
  END {
    ref = (rate["nginx1"] >= rate["nginx2"]) ? "nginx1" : "nginx2"
    printf "%-9s %10s %8s %9s %9s %9s %16s %6s\n", "run", "MiB/s", "failures", "p50 ms",
      "p99 ms", "max ms", "MiB/s until sync", "load1"
    split("nginx1 etenderd nginx2", order, " ")
    for (i = 1; i <= 3; i++) { k = order[i]
      printf "%-9s %10.1f %8d %9.0f %9.0f %9.0f %16.1f %6s\n", k, rate[k], fails[k], p50[k],
        p99[k], mx[k], dur[k], load[k] }
    r = rate["etenderd"] / rate[ref]
    printf "throughput ratio etenderd / %s (the better nginx run): %.2f   target >= 0.80: %s\n",
      ref, r, (r >= 0.80 ? "met" : "MISSED")
    printf "until the bytes are on disk (sync after the run): %.2f\n", dur["etenderd"] / dur[ref]
    printf "failures: %d   target 0: %s\n", fails["etenderd"], (fails["etenderd"] == 0 ? "met" : "MISSED")
  }' "$T/results"
