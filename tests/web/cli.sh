#!/usr/bin/env bash
# tests/web/cli.sh — etenderd from the command line with curl: init (modes,
# never over an existing folder), serve on 127.0.0.1 with an ephemeral port,
# HTTPS with a certificate, clean shutdown on SIGTERM and SIGINT, and
# `etenderd verify` on a good data folder and after tampering behind the
# server's back (a leaf changed or deleted with the triggers dropped, a
# checkpoint changed, a blob replaced); `etenderd demo`: verified, served,
# and every stage of its history checked over the API (the opening record,
# the failed tender, the evaluated and awarded one, a stats report, the
# closer an hour later on the test clock).
# Usage: cli.sh PATH/TO/etenderd
set -u
ED="$1"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy   # loopback only
T=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
pass=0 fail=0
ok()   { pass=$((pass+1)); echo "ok   - $1"; }
bad()  { fail=$((fail+1)); echo "FAIL - $1"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

# start DIR [ARGS...]: serve DIR on 127.0.0.1:0, sets PID and URL (http unless --tls-cert)
start() {
  local dir="$1"; shift
  rm -f "$T/ready"
  "$ED" serve --data "$dir" --listen 127.0.0.1:0 --ready-file "$T/ready" "$@" 2>>"$T/serve.log" &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 3000); do [ -s "$T/ready" ] && break; sleep 0.01; done
  [ -s "$T/ready" ] || { bad "etenderd did not become ready in 30 s"; cat "$T/serve.log"; }
  local scheme=http
  for a in "$@"; do [ "$a" = --tls-cert ] && scheme=https; done
  URL="$scheme://$(cat "$T/ready")"
}
# stop SIG: send SIG, wait, return the exit status
stop() { kill -s "$1" "$PID"; wait "$PID"; }
event() { curl -sf -X POST "$URL/api/test/event" -d "{\"text\":\"$1\"}" >/dev/null; }
verify_ok()  { "$ED" verify --data "$1" >"$T/v.out" 2>&1; }
verify_bad() { "$ED" verify --data "$1" >"$T/v.out" 2>&1; local rc=$?
               [ $rc -eq 1 ] && grep -q 'divergence' "$T/v.out"; }

# --- init
D="$T/data"
check "init" "$ED" init --data "$D" >"$T/init.out"
check "init prints the verifier key" grep -q '^etenderd.local/log+[0-9a-f]\{8\}+' "$T/init.out"
check "data folder is 0700" [ "$(stat -c %a "$D")" = 700 ]
check "log key is 0600" [ "$(stat -c %a "$D/log.key")" = 600 ]
check "log key is a 32-byte seed" [ "$(stat -c %s "$D/log.key")" = 32 ]
check "blob store exists" [ -d "$D/blobs" ]
check "database is WAL" [ "$(sqlite3 "$D/etender.db" 'PRAGMA journal_mode')" = wal ]
if "$ED" init --data "$D" >/dev/null 2>&1; then bad "init refuses an existing data folder"
else ok "init refuses an existing data folder"; fi
check "init key unchanged" cmp -s "$D/log.key" "$D/log.key"
if "$ED" init --data "$T/x" --origin 'bad origin' >/dev/null 2>&1; then bad "init refuses a bad origin"
else ok "init refuses a bad origin"; fi
if "$ED" serve --data "$T/none" --listen 127.0.0.1:0 >/dev/null 2>&1; then bad "serve needs a data folder"
else ok "serve needs a data folder"; fi
if "$ED" verify --data "$T/none" >/dev/null 2>&1; then bad "verify needs a data folder"
else ok "verify needs a data folder"; fi
if "$ED" frobnicate --data "$D" >/dev/null 2>&1; then bad "unknown command"; else ok "unknown command"; fi

# --- serve, SIGTERM
start "$D"
check "serve: key over HTTP" bash -c "curl -sf '$URL/log/key' | grep -q '^etenderd.local/log+'"
check "verify: a new platform is fine" verify_ok "$D"
# init bootstrapped the platform: BASE leaves (the first administrator)
BASE=$(curl -sf "$URL/log/checkpoint" | sed -n 2p)
check "init logged the bootstrap" [ "${BASE:-0}" -ge 1 ]
for i in $(seq 1 12); do event "e$i"; done
check "12 events" bash -c "curl -sf '$URL/log/checkpoint' | sed -n 2p | grep -qx $((BASE + 12))"
check "verify while serving" verify_ok "$D"
check "verify reports the leaves" grep -q "$((BASE + 12)) leaves" "$T/v.out"
stop TERM; rc=$?
check "SIGTERM: clean exit" [ $rc -eq 0 ]
printf 'half an upload' >"$D/blobs/.upload-0123456789abcdef01234567"
start "$D"
check "serve sweeps unfinished uploads" [ ! -e "$D/blobs/.upload-0123456789abcdef01234567" ]
event "after restart"
check "restart keeps the log" bash -c "curl -sf '$URL/log/checkpoint' | sed -n 2p | grep -qx $((BASE + 13))"
stop INT; rc=$?
check "SIGINT: clean exit" [ $rc -eq 0 ]
check "verify after restart" verify_ok "$D"

# --- a blob store by hash
printf 'tender documents' >"$T/doc"
H=$(sha256sum "$T/doc" | cut -d' ' -f1)
cp "$T/doc" "$D/blobs/$H"
check "verify: good blob" verify_ok "$D"

# --- tampering behind the server's back (the server runs meanwhile)
tamper() { # NAME SQL-or-command: copy the folder, tamper, expect verify to fail
  local name="$1" dir; shift
  TAMPER_N=$((${TAMPER_N:-0} + 1)); dir="$T/t-$TAMPER_N"   # a fresh folder each time
  cp -a "$D" "$dir"
  start "$dir"
  event "live"
  "$@" "$dir"
  check "tamper: $name is caught" verify_bad "$dir"
  stop TERM >/dev/null
  check "tamper: $name, server still stops cleanly" [ $? -eq 0 ]
}
drop_leaf_triggers='DROP TRIGGER log_leaf_no_update; DROP TRIGGER log_leaf_no_delete; DROP TRIGGER log_leaf_next;'
# A careful forger puts the triggers back after tampering: replay must still catch it.
restore_triggers() { sqlite3 "$1/etender.db" "$(sqlite3 "$D/etender.db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('log_leaf', 'ledger_checkpoint')")"; }
t_delete_mid()  { sqlite3 "$1/etender.db" "$drop_leaf_triggers DELETE FROM log_leaf WHERE idx = 5;"; }
t_delete_last() { sqlite3 "$1/etender.db" "$drop_leaf_triggers DELETE FROM log_leaf WHERE idx = (SELECT max(idx) FROM log_leaf);"; }
t_change_leaf() { sqlite3 "$1/etender.db" "$drop_leaf_triggers UPDATE log_leaf SET leaf = CAST(replace(CAST(leaf AS TEXT), 'e3', 'e4') AS BLOB) WHERE idx = $((BASE + 2));"; }
t_reorder()     { sqlite3 "$1/etender.db" "$drop_leaf_triggers UPDATE log_leaf SET idx = -1 WHERE idx = 3; UPDATE log_leaf SET idx = 3 WHERE idx = 4; UPDATE log_leaf SET idx = 4 WHERE idx = -1;"; }
t_checkpoint()  { sqlite3 "$1/etender.db" "DROP TRIGGER ledger_checkpoint_no_update; UPDATE ledger_checkpoint SET note = replace(note, char(10) || '4' || char(10), char(10) || '5' || char(10)) WHERE size = 4;"; }
t_blob()        { printf 'forged documents' >"$1/blobs/$H"; }
t_projection()  { sqlite3 "$1/etender.db" "UPDATE td_user SET roles = 127;"; }
t_projection_del() { sqlite3 "$1/etender.db" "DELETE FROM td_org;"; }
t_delete_mid_r()  { t_delete_mid "$1"; restore_triggers "$1"; }
t_delete_last_r() { t_delete_last "$1"; restore_triggers "$1"; }
t_change_leaf_r() { t_change_leaf "$1"; restore_triggers "$1"; }
t_reorder_r()     { t_reorder "$1"; restore_triggers "$1"; }
t_checkpoint_r()  { t_checkpoint "$1"; restore_triggers "$1"; }
tamper "a leaf deleted from the middle, triggers put back" t_delete_mid_r
tamper "the last leaf deleted, triggers put back" t_delete_last_r
tamper "a leaf changed, triggers put back" t_change_leaf_r
tamper "two leaves swapped, triggers put back" t_reorder_r
tamper "a checkpoint changed, triggers put back" t_checkpoint_r
tamper "a leaf deleted from the middle" t_delete_mid
tamper "the last leaf deleted" t_delete_last
tamper "a leaf changed" t_change_leaf
tamper "two leaves swapped" t_reorder
tamper "a checkpoint changed" t_checkpoint
tamper "a blob replaced" t_blob
tamper "a projection row changed (roles)" t_projection
tamper "projection rows deleted" t_projection_del
check "the original still verifies" verify_ok "$D"

# --- HTTPS with a certificate (libmicrohttpd with GnuTLS)
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
     -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
     -keyout "$T/tls.key" -out "$T/tls.crt" >/dev/null 2>&1; then
  start "$D" --tls-cert "$T/tls.crt" --tls-key "$T/tls.key"
  check "https: URL" bash -c "[[ '$URL' == https://* ]]"
  check "https: key with the pinned certificate" \
    bash -c "curl -sf --cacert '$T/tls.crt' '$URL/log/key' | grep -q '^etenderd.local/log+'"
  check "https: checkpoint" bash -c "curl -sf --cacert '$T/tls.crt' '$URL/log/checkpoint' | sed -n 2p | grep -qx $((BASE + 13))"
  if curl -sf "$URL/log/key" >/dev/null 2>&1; then bad "https: unknown certificate refused by curl"
  else ok "https: unknown certificate refused by curl"; fi
  if curl -sf "${URL/https/http}/log/key" >/dev/null 2>&1; then bad "https: no plain HTTP"
  else ok "https: no plain HTTP"; fi
  stop TERM; check "https: clean exit" [ $? -eq 0 ]
else
  bad "openssl could not make a test certificate"
fi
if "$ED" serve --data "$D" --listen 127.0.0.1:0 --tls-cert "$T/tls.crt" >/dev/null 2>&1; then
  bad "--tls-cert needs --tls-key"; else ok "--tls-cert needs --tls-key"; fi

# --- demo: a history through the domain commands, served and verified
if "$ED" demo --data "$T/demo" >"$T/demo.out" 2>&1; then
  ok "demo"
  check "demo: verify" verify_ok "$T/demo"
  # JC-DEMO-002's tender document (web/demo.c), by its SHA-256
  b=$(printf '城东供水管网改造工程招标文件（演示）\n' | sha256sum | cut -d' ' -f1)
  check "demo: the document blob exists" [ -f "$T/demo/blobs/$b" ]
  cp -a "$T/demo" "$T/demo-gone"; rm -f "$T/demo-gone/blobs/$b"
  check "demo: a missing document blob is caught" verify_bad "$T/demo-gone"
  # a sealed bid part of JC-DEMO-005: verify names the tender and the bid
  p=$(sqlite3 "$T/demo/etender.db" "SELECT p.sha256 FROM bd_part p JOIN bd_bid b USING (bid) WHERE b.tender = 'JC-DEMO-005' AND b.status = 'opened' LIMIT 1")
  cp -a "$T/demo" "$T/demo-part"; rm -f "$T/demo-part/blobs/$p"
  check "demo: a missing sealed bid part is caught" verify_bad "$T/demo-part"
  check "demo: … naming the tender and the bid" grep -q 'JC-DEMO-005, bid .*part 1' "$T/v.out"
  check "demo: accounts file is 0600" [ "$(stat -c %a "$T/demo/demo-accounts.txt")" = 600 ]
  check "demo: the imported outcomes are kept" [ "$(grep -c '^JC-HIST-' "$T/demo/demo-outcomes.csv")" = 24 ]
  start "$T/demo"
  check "demo: six public tenders" bash -c "curl -sf '$URL/api/tenders' | grep -o '\"id\":\"JC-DEMO-00[0-9]\"' | sort -u | wc -l | grep -qx 6"
  curl -sf "$URL/api/tenders/JC-DEMO-005/bidding" >"$T/b5.json"
  check "demo: JC-DEMO-005 opened, 3 bids counted, 2 keys released" \
    jq -e '.phase == "opened" and .counted == 3 and .received == 3 and .released == 2 and .k == 2' "$T/b5.json"
  curl -sf "$URL/api/tenders/JC-DEMO-005/opening" >"$T/o5.json"
  check "demo: the opening record (唱标) has three opened bids with prices, keys 1 and 3" \
    jq -e '([.bids[] | select(.status == "opened" and .deposit and .offers[0].price > 0)] | length) == 3 and .keys == [1,3]' "$T/o5.json"
  X=$(jq -r '.bids[0].bid' "$T/o5.json")
  check "demo: an opened bid.xml is served" bash -c "curl -sf '$URL/api/tenders/JC-DEMO-005/bids/$X/xml' | grep -q '<bid'"
  check "demo: JC-DEMO-006 failed (流标) with two bids" \
    bash -c "curl -sf '$URL/api/tenders/JC-DEMO-006/bidding' | jq -e '.phase == \"failed\" and .received == 2' >/dev/null"
  check "demo: JC-DEMO-001 still takes bids (the closer left it alone)" \
    bash -c "curl -sf '$URL/api/tenders/JC-DEMO-001/bidding' | jq -e '.phase == \"open\"' >/dev/null"
  check "demo: JC-DEMO-005 has a withdrawn and a replaced bid (bidding projection)" \
    [ "$(sqlite3 "$T/demo/etender.db" "SELECT group_concat(status || ':' || n) FROM (SELECT status, count(*) AS n FROM bd_bid WHERE tender = 'JC-DEMO-005' GROUP BY status ORDER BY status)")" = "opened:3,replaced:1,withdrawn:1" ]
  check "demo: a confirmation and an objection to the opening record" \
    [ "$(sqlite3 "$T/demo/etender.db" "SELECT group_concat(kind) FROM (SELECT kind FROM bd_answer WHERE tender = 'JC-DEMO-005' ORDER BY kind)")" = "confirmation,objection" ]
  curl -sf "$URL/api/tenders/JC-DEMO-007/result" >"$T/r7.json"
  check "demo: JC-DEMO-007 evaluated: three ranked candidates, awarded to the first, contract at its price, deposits released, an objection answered (comprehensive scores 94.13 and 86.00 by hand)" \
    jq -e '.lots[0] as $l | ($l.candidates | length) == 3 and $l.winner_bid == $l.candidates[0].bid and $l.candidates[0].score == 9413 and $l.candidates[2].score == 8600 and $l.contract_price == $l.price and $l.price == $l.candidates[0].price and (.released[0].deposits | length) == 3 and (.objections | length) == 1 and .objections[0].upheld == 0 and (.objections[0].answer | length) > 0' "$T/r7.json"
  check "demo: JC-DEMO-007's draw is public after the award (both values revealed, fixed)" \
    bash -c "curl -sf '$URL/api/tenders/JC-DEMO-007/draw' | jq -e '.fixed == true and (.value_supervisor | length) == 64 and (.value_platform | length) == 64' >/dev/null"
  PW=$(sed -n 's/^.*password of every demo user: //p' "$T/demo/demo-accounts.txt")
  STOK=$(curl -sf -X POST "$URL/api/login" -d "{\"login\":\"stat1\",\"password\":\"$PW\"}" | jq -r .token)
  curl -sf -H "Authorization: Bearer $STOK" "$URL/api/stats?split_at=2025-01-01" >"$T/st.json"
  check "demo: stats before/after 2025-01-01: 12 imported lots before, 12 and JC-DEMO-007's award after, more bidders after" \
    jq -e '.periods[0].projects == 12 and .periods[1].projects == 13 and (.comparison.bidders_ratio | tonumber) > 1' "$T/st.json"
  TOK=$(curl -sf -X POST "$URL/api/login" -d "{\"login\":\"agent1\",\"password\":\"$PW\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  check "demo: agent1 logs in" [ -n "$TOK" ]
  check "demo: agent1 sees its draft" bash -c "curl -sf -H 'Authorization: Bearer $TOK' '$URL/api/tenders' | grep -q JC-DEMO-003"
  check "demo: the public does not" bash -c "! curl -sf '$URL/api/tenders' | grep -q JC-DEMO-003"
  # an hour later (test clock): the closer closes the live tenders at their
  # deadlines (no bids: 流标) and leaves the finished ones as they are
  curl -sf -X POST "$URL/api/test/clock" -d "{\"now_us\":$(( $(date +%s) * 1000000 + 3600000000 ))}" >/dev/null
  for _ in $(seq 100); do
    curl -sf "$URL/api/tenders/JC-DEMO-001/bidding" | jq -e '.phase == "failed"' >/dev/null &&
      curl -sf "$URL/api/tenders/JC-DEMO-002/bidding" | jq -e '.phase == "failed"' >/dev/null && break
    sleep 0.1
  done
  check "demo: the closer closes JC-DEMO-001 and 002 at their deadlines (流标)" bash -c \
    "curl -sf '$URL/api/tenders/JC-DEMO-001/bidding' | jq -e '.phase == \"failed\"' >/dev/null &&
     curl -sf '$URL/api/tenders/JC-DEMO-002/bidding' | jq -e '.phase == \"failed\"' >/dev/null"
  check "demo: … and leaves JC-DEMO-005 opened" bash -c \
    "curl -sf '$URL/api/tenders/JC-DEMO-005/bidding' | jq -e '.phase == \"opened\"' >/dev/null"
  stop TERM; check "demo: clean exit" [ $? -eq 0 ]
  check "demo: verify after the closer's closes" verify_ok "$T/demo"
  if "$ED" demo --data "$T/demo" >/dev/null 2>&1; then bad "demo refuses an existing folder"
  else ok "demo refuses an existing folder"; fi
else
  if grep -q 'no domain layer' "$T/demo.out"; then ok "demo: no domain layer in this build"
  else bad "demo: $(cat "$T/demo.out")"; fi
fi

echo "web cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
