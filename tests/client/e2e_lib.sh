# tests/client/e2e_lib.sh — what the end-to-end scripts share. Sourced by each
# script after it set ED and EC (paths to etenderd and etender):
#   T            a fresh temporary folder, removed at exit with every process in PIDS
#   ok/bad/check NAME CMD…   count and print "ok   - …" / "FAIL - …"
#   as WHO CMD…  run `etender CMD…` as WHO (own ETENDER_HOME and working folder under
#                $T/home/WHO); stdout in $T/out, stderr in $T/err; a sanitizer report fails
#   works NAME WHO CMD…      as, expecting success
#   refused NAME PATTERN WHO CMD…   as, expecting exit 1 with PATTERN and a bilingual error
#   out_has PATTERN, jq_out FILTER   on $T/out
#   e2e_serve DIR [ARGS…]    start etenderd on 127.0.0.1 (the same port on a restart);
#                sets PID, PORT, URL; its stderr goes to $T/serve.log
#   log_size, clock US, utc US       the log's size; the test clock; RFC 3339 of US
#   e2e_end NAME prints "NAME: P passed, F failed" and exits 1 on a failure.
# A script may define e2e_before_cleanup (run first at exit).
set -u
ED=$(realpath "$ED")
EC=$(realpath "$EC")
T=$(mktemp -d)
PIDS=()
cleanup() {
  if declare -F e2e_before_cleanup >/dev/null; then e2e_before_cleanup; fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
export no_proxy='*' NO_PROXY='*'
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ETENDER_SERVER
pass=0 fail=0
ok()   { pass=$((pass+1)); echo "ok   - $1"; }
bad()  { fail=$((fail+1)); echo "FAIL - $1"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
as() { local who="$1" rc; shift; mkdir -p -m 700 "$T/home/$who"
       # in the user's folder: bid submit keeps a refused bid's work folder there
       (cd "$T/home/$who" && ETENDER_HOME="$T/home/$who" "$EC" "$@" >"$T/out" 2>"$T/err"); rc=$?
       if grep -q 'Sanitizer\|runtime error:' "$T/err"; then bad "sanitizer: etender $*"; cat "$T/err"; fi
       return $rc; }
works() { local name="$1"; shift
          if as "$@"; then ok "$name"; else bad "$name: $(cat "$T/err")"; fi; }
refused() { local name="$1" pat="$2"; shift 2; as "$@"; local rc=$?
            if [ $rc -eq 1 ] && grep -q -- "$pat" "$T/err" && grep -q ' / ' "$T/err"; then ok "$name"
              tail -n 1 "$T/err" | sed 's/^/       /'
            else bad "$name (rc $rc): $(cat "$T/err")"; fi; }
out_has() { grep -q -- "$1" "$T/out"; }
jq_out()  { jq -r "$1" "$T/out"; }
e2e_serve() { local dir="$1"; shift
  rm -f "$T/ready"
  "$ED" serve --data "$dir" --listen "127.0.0.1:${PORT:-0}" --ready-file "$T/ready" "$@" \
    2>>"$T/serve.log" &
  PID=$!; PIDS+=("$PID")
  for _ in $(seq 500); do [ -s "$T/ready" ] && break; sleep 0.01; done
  PORT=$(cut -d: -f2 "$T/ready"); URL="http://127.0.0.1:$PORT"; }
log_size() { curl -sf "$URL/log/checkpoint" | sed -n 2p; }
clock() { curl -sf -X POST "$URL/api/test/clock" -d "{\"now_us\":$1}" >/dev/null; }
utc() { date -u -d "@$(( $1 / 1000000 ))" +%Y-%m-%dT%H:%M:%SZ; }
e2e_end() { echo "$1: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }
