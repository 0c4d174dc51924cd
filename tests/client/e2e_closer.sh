#!/usr/bin/env bash
# tests/client/e2e_closer.sh — the closer's robustness end to end: a
# tender whose deadline passed while etenderd was down is closed at start
# (etenderd restarted with --test-clock past the deadline: the test clock
# survives the restart), and an opening runs on its own worker so that it
# does not hold up another tender's close (test builds: ET_TEST_OPEN_DELAY_MS
# holds the opening); the real etenderd on 127.0.0.1 with the real witness,
# driven with the real etender client; etenderd verify at the end.
# Usage: e2e_closer.sh PATH/TO/etenderd PATH/TO/etender
ED=$(realpath "$1")
EC=$(realpath "$2")
T=$(mktemp -d)
cd "$T" || exit 1
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
export no_proxy='*' NO_PROXY='*'
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ETENDER_SERVER
pass=0 fail=0
ok()   { pass=$((pass+1)); echo "ok   - $1"; }
bad()  { fail=$((fail+1)); echo "FAIL - $1"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
as() { local who="$1" rc; shift; mkdir -p -m 700 "$T/home/$who"
       ETENDER_HOME="$T/home/$who" "$EC" "$@" >"$T/out" 2>"$T/err"; rc=$?
       if grep -q 'Sanitizer\|runtime error:' "$T/err"; then bad "sanitizer: etender $*"; cat "$T/err"; fi
       return $rc; }
works() { local name="$1"; shift
          if as "$@"; then ok "$name"; else bad "$name: $(cat "$T/err")"; fi; }
phase() { curl -sf "$URL/api/tenders/$1/bidding" | jq -r .phase; }
wait_phase() { for _ in $(seq "${3:-150}"); do [ "$(phase "$1")" = "$2" ] && return 0; sleep 0.1; done; return 1; }

MIN=60000000
T0=$(( $(date +%s) / 60 * 60 * 1000000 ))
F=$(( T0 + MIN ))
DLA=$(( F + 21 * MIN ))          # tender A's deadline
DLB=$(( F + 24 * MIN ))          # tender B's deadline
YEAR=$(TZ=Asia/Shanghai date -d "@$(( DLA / 1000000 ))" +%Y)
utc() { date -u -d "@$(( $1 / 1000000 ))" +%Y-%m-%dT%H:%M:%SZ; }

# ---- the platform and the witness --------------------------------------------------------
D="$T/data"
"$ED" init --data "$D" >"$T/init.out" 2>&1 || { echo "etenderd init failed"; cat "$T/init.out"; exit 1; }
LOGKEY=$(grep -m1 '^[a-z0-9.]*/log+[0-9a-f]\{8\}+' "$T/init.out")
sed -n 's/^.*one-time password: //p' "$T/init.out" >"$T/admin.pw"
WVKEY=$("$EC" witness keygen --name witness.test -o "$T/witness.key" 2>/dev/null)
mkdir -m 700 "$T/wit"
"$EC" witness serve --listen 127.0.0.1:0 --data "$T/wit" --name witness.test \
   --log-key "$LOGKEY" --key "$T/witness.key" >"$T/wit.out" 2>"$T/wit.err" &
PIDS+=("$!")
for _ in $(seq 500); do grep -q '^listen ' "$T/wit.out" 2>/dev/null && break; sleep 0.01; done
WURL="http://$(sed -n 's/^listen //p' "$T/wit.out")"
PORT=0
serve() { # TEST_CLOCK_US [ENV=VALUE...]
  local clock="$1"; shift
  rm -f "$T/ready"
  env ET_LOG=info "$@" "$ED" serve --data "$D" --listen "127.0.0.1:$PORT" --ready-file "$T/ready" \
    --witness "$WURL" --witness-key "$WVKEY" --test-clock "$clock" 2>>"$T/serve.log" &
  PID=$!; PIDS+=("$PID")
  for _ in $(seq 500); do [ -s "$T/ready" ] && break; sleep 0.01; done
  URL="http://$(cat "$T/ready")"; PORT=${URL##*:}
}
serve "$T0"
check "etenderd serves with --test-clock" curl -sf "$URL/log/key" -o /dev/null
check "the platform clock is the test clock from the start" \
  bash -c "[ \"\$(curl -sf '$URL/api/tenders/none/bidding' -o /dev/null; curl -sf -X POST '$URL/api/test/clock' -d '{\"advance_us\":0}' | jq .now_us)\" = $T0 ]"
clock() { curl -sf -X POST "$URL/api/test/clock" -d "{\"now_us\":$1}" >/dev/null; }

# ---- accounts ----------------------------------------------------------------------------
works "login: administrator" admin login --server "$URL" --user admin --password-file "$T/admin.pw"
as admin whoami --json; CENTER=$(jq -r .principal.org "$T/out")
declare -A ORG UID_ R
UNIQ=0
addorg() { if as admin org add --kind "$2" --legal-name "$3" --credit-code "91330100MA00000$((++UNIQ + 30000))"; then
             ORG[$1]=$(cat "$T/out"); else bad "org add $1: $(cat "$T/err")"; fi; }
addorg tenderer tenderer "江城市第三中学"
addorg agent agent "江城建设招标代理有限公司"
addorg super supervisor "江城市公共资源交易监督管理局"
for b in 1 2 3; do addorg "b$b" bidder "江城建工$b有限公司"; done
ORG[center]=$CENTER
adduser() { # LOGIN ORGKEY ROLE
  if as admin user add --org "${ORG[$2]}" --role "$3" --login "$1" --name "用户$1"; then
    UID_[$1]=$(sed -n 's/^id //p' "$T/out"); sed -n 's/^initial-password //p' "$T/out" >"$T/pw.$1"
  else bad "user add $1: $(cat "$T/err")"; fi
  as "$1" login --server "$URL" --user "$1" --password-file "$T/pw.$1" || bad "login $1: $(cat "$T/err")"
  ETENDER_HOME="$T/home/$1" "$EC" keygen -o "$T/home/$1/id.key" >/dev/null 2>&1
  as "$1" key register -i "$T/home/$1/id.key" || bad "key register $1: $(cat "$T/err")"
}
adduser agent1 agent agent
for b in 1 2 3; do adduser "bidder$b" "b$b" bidder; done
adduser kh1 agent keyholder
adduser kh2 super keyholder
adduser kh3 center keyholder
adduser super super supervisor
check "accounts made" [ -n "${UID_[super]:-}" ]

mk_tender() { # ID DEADLINE
  local id="$1" dl="$2" i
  for i in 1 2 3; do
    ETENDER_HOME="$T/home/kh$i" "$EC" holder keygen --tender "$id" -o "$T/home/kh$i/$id.key" \
      -i "$T/home/kh$i/id.key" >"$T/home/kh$i/$id.txt" 2>/dev/null
    R[$id.$i]=$(sed -n 1p "$T/home/kh$i/$id.txt")
  done
  cat >"$T/$id.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<tender xmlns="urn:etender:tender:1" formatVersion="1" id="$id" type="construction">
  <title>江城市第三中学食堂工程施工 $id</title>
  <tenderer org="${ORG[tenderer]}"/>
  <agent org="${ORG[agent]}"/>
  <rulesProfile name="demo" version="1"/>
  <schedule>
    <documentsFrom>$(utc $F)</documentsFrom>
    <documentsTo>$(utc $(( F + 6 * MIN )))</documentsTo>
    <registrationDeadline>$(utc $(( F + 6 * MIN )))</registrationDeadline>
    <questionDeadline>$(utc $(( F + 15 * MIN )))</questionDeadline>
    <bidDeadline>$(utc "$dl")</bidDeadline>
  </schedule>
  <qualification jointVenture="false"/>
  <lots>
    <lot id="1">
      <title>施工总承包</title>
      <controlPrice currency="CNY">4560000000</controlPrice>
      <evaluation><lowestEvaluatedPrice/></evaluation>
    </lot>
  </lots>
  <keyHolders threshold="2">
    <holder index="1" org="${ORG[agent]}" holder="${UID_[kh1]}" recipient="${R[$id.1]}"/>
    <holder index="2" org="${ORG[super]}" holder="${UID_[kh2]}" recipient="${R[$id.2]}"/>
    <holder index="3" org="${ORG[center]}" holder="${UID_[kh3]}" recipient="${R[$id.3]}"/>
  </keyHolders>
</tender>
EOF
  as agent1 tender draft --file "$T/$id.xml" || bad "tender draft $id: $(cat "$T/err")"
  for i in 1 2 3; do
    as "kh$i" holder register --tender "$id" --file "$T/home/kh$i/$id.txt" || bad "holder register kh$i $id: $(cat "$T/err")"
  done
  as agent1 keyholders propose --tender "$id" || bad "keyholders propose $id: $(cat "$T/err")"
  as super keyholders approve --tender "$id" || bad "keyholders approve $id: $(cat "$T/err")"
  works "tender publish $id" agent1 tender publish --tender "$id"
}
A="JC-CLOSER-$RANDOM"; B="$A-B"
mk_tender "$A" "$DLA"
mk_tender "$B" "$DLB"
clock $(( F + MIN ))
for b in 1 2 3; do
  as admin deposit record --org "${ORG[b$b]}" --year "$YEAR" --amount 800000 --method guarantee \
    --payer-name "江城建工$b有限公司" --payer-bank "江城银行" --payer-account "62220000000$b" || bad "deposit b$b"
  for id in "$A" "$B"; do as "bidder$b" register --tender "$id" || bad "register bidder$b $id: $(cat "$T/err")"; done
done
clock $(( F + 10 * MIN ))
for b in 1 2 3; do
  for id in "$A" "$B"; do
    works "bid b$b on $id" "bidder$b" bid submit --tender "$id" -i "$T/home/bidder$b/id.key" \
      --offer "1:41${b}0000000:400" --work "$T/work-$b-$id"
  done
done
check "A open before its deadline" [ "$(phase "$A")" = open ]

# ---- a deadline passed while etenderd was down: closed at start -------------------------------
kill -TERM "$PID"; wait "$PID"; rc=$?
check "etenderd stopped cleanly before A's deadline (rc $rc)" [ "$rc" -eq 0 ]
AFTER=$(( DLA + 30000000 ))     # 30 s after A's deadline; B's still ahead
serve "$AFTER" ET_TEST_OPEN_DELAY_MS=6000
check "etenderd restarted on the same port with the test clock past A's deadline" \
  curl -sf "$URL/log/key" -o /dev/null
check "A, whose deadline passed while etenderd was down, is closed at start" wait_phase "$A" closed 30
check "A's close: 3 received, 3 counted, at the restart's time (after the deadline)" \
  bash -c "curl -sf '$URL/api/tenders/$A/bidding' | jq -e '.received == 3 and .counted == 3 and .closed_us == $AFTER and .closed_us >= .deadline_us' >/dev/null"
check "B, its deadline still ahead, stays open" [ "$(phase "$B")" = open ]
grep -q "closed $A at leaf" "$T/serve.log"
check "the log says the closer caught A up" [ $? -eq 0 ]

# ---- an opening does not hold up another tender's close --------------------------------------
for _ in $(seq 100); do curl -sf "$URL/api/tenders/$A/close" -o /dev/null && break; sleep 0.1; done
works "kh1 releases A's key" kh1 open release "$A" --holder-key "$T/home/kh1/$A.key" \
  -i "$T/home/kh1/id.key" --witness-key "$WVKEY" --log-key "$LOGKEY"
works "kh2 releases A's key (k = 2): the opening starts on its worker, held 6 s" kh2 open release "$A" \
  --holder-key "$T/home/kh2/$A.key" -i "$T/home/kh2/id.key" --witness-key "$WVKEY" --log-key "$LOGKEY"
clock $(( DLB + 1000000 ))
START=$(date +%s%N)
check "B closes at its deadline while A's opening is still running" wait_phase "$B" closed 40
ELAPSED=$(( ($(date +%s%N) - START) / 1000000 ))
check "… within 4 s (took $ELAPSED ms), and A is not opened yet" \
  bash -c "[ $ELAPSED -lt 4000 ] && [ \"\$(curl -sf '$URL/api/tenders/$A/bidding' | jq -r .phase)\" = closed ]"
check "A's opening ends on its worker" wait_phase "$A" opened 150
check "A's record lists its three bids opened" \
  bash -c "curl -sf '$URL/api/tenders/$A/opening' | jq -e '[.bids[].status] == [\"opened\",\"opened\",\"opened\"]' >/dev/null"

# ---- the end --------------------------------------------------------------------------------------
kill -TERM "$PID"; wait "$PID"; rc=$?
check "etenderd stops cleanly (rc $rc)" [ "$rc" -eq 0 ]
check "etenderd verify: the log and every projection replay" "$ED" verify --data "$D"
echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
