#!/usr/bin/env bash
# tests/client/e2e_upload.sh — resumable bid uploads (断点续传) end to end:
# the real etenderd on 127.0.0.1 (test clock) and the real etender client.
# A transfer broken in the middle (the client killed) resumes at the
# server's received offset without sending the prefix again; a resumption
# after an etenderd restart; receipts that open their leaf's commitment
# (and tampered openings refused); the sealed collusion metadata through a
# trusted proxy; a crash test (SIGKILL of etenderd during concurrent
# submissions: every receipted bid intact, no unreceipted bid in the log or
# the projections); a full disk (a small tmpfs when mounting works, else
# injected write failures): the upload is refused cleanly and the server
# keeps serving; the removal of unsubmitted parts after the window.
# Usage: e2e_upload.sh PATH/TO/etenderd PATH/TO/etender
ED="$1"
EC="$2"
. "$(dirname "$0")/e2e_lib.sh"
MNT=""
# the servers are killed (not stopped) at the end, and the tmpfs unmounted
e2e_before_cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
                       [ -n "$MNT" ] && umount "$MNT" 2>/dev/null; }

# The data folder on a small tmpfs when this machine lets us mount one
# (the full-disk test fills it); otherwise on the ordinary disk, and the
# full disk is injected (ET_TEST_UPLOAD_FAIL_AT).
mkdir -p "$T/mnt"
if mount -t tmpfs -o size=96m,mode=0700 tmpfs "$T/mnt" 2>/dev/null; then
  MNT="$T/mnt"; D="$MNT/data"; echo "# data folder on a 96 MiB tmpfs"
else
  D="$T/data"; echo "# cannot mount a tmpfs here: the full disk is injected"
fi
"$ED" init --data "$D" >"$T/init.out" 2>&1 || { echo "etenderd init failed"; cat "$T/init.out"; exit 1; }
LOGKEY=$(grep -m1 '^[a-z0-9.]*/log+[0-9a-f]\{8\}+' "$T/init.out")
sed -n 's/^.*one-time password: //p' "$T/init.out" >"$T/admin.pw"
check "init: log key and administrator's password" [ -n "$LOGKEY" ] && [ -s "$T/admin.pw" ]
serve() { e2e_serve "$D" "$@"; }   # [extra args]; the same port after the first start
serve --trusted-proxy 127.0.0.1
check "etenderd serves" curl -sf "$URL/log/key" -o /dev/null
MIN=60000000
T0=$(( $(date +%s) / 60 * 60 * 1000000 ))
F=$(( T0 + MIN ))
clock "$T0"

# ---- accounts, keys, a published tender with three key holders (k = 2) -------------
works "login: administrator" admin login --server "$URL" --user admin --password-file "$T/admin.pw"
as admin whoami --json; CENTER=$(jq -r .principal.org "$T/out")
declare -A ORG UID_
UNIQ=0
addorg() { if as admin org add --kind "$2" --legal-name "$3" --credit-code "91330100MA00001$((++UNIQ + 10000))"; then
             ORG[$1]=$(cat "$T/out"); ok "org add $1"; else bad "org add $1: $(cat "$T/err")"; fi; }
addorg tenderer tenderer "江城市第二中学"
addorg agent agent "江城招标代理有限公司"
addorg super supervisor "江城市住房和城乡建设局"
NB=8
for b in $(seq $NB); do addorg "b$b" bidder "投标单位$b有限公司"; done
ORG[center]=$CENTER
adduser() { # LOGIN ORGKEY ROLE
  if as admin user add --org "${ORG[$2]}" --role "$3" --login "$1" --name "用户$1"; then
    UID_[$1]=$(sed -n 's/^id //p' "$T/out"); sed -n 's/^initial-password //p' "$T/out" >"$T/pw.$1"; ok "user add $1"
  else bad "user add $1: $(cat "$T/err")"; fi
  works "login $1" "$1" login --server "$URL" --user "$1" --password-file "$T/pw.$1"
  ETENDER_HOME="$T/home/$1" "$EC" keygen -o "$T/home/$1/id.key" >/dev/null 2>&1
  works "key register $1" "$1" key register -i "$T/home/$1/id.key"
}
adduser agent1 agent agent
for b in $(seq $NB); do adduser "bidder$b" "b$b" bidder; done
adduser kh1 agent keyholder
adduser kh2 super keyholder
adduser kh3 center keyholder
adduser super super supervisor
TID="JC-UPL-$RANDOM"
declare -A R
for i in 1 2 3; do
  ETENDER_HOME="$T/home/kh$i" "$EC" holder keygen --tender "$TID" -o "$T/home/kh$i/tender.key" \
    -i "$T/home/kh$i/id.key" >"$T/home/kh$i/holder.txt" 2>/dev/null
  R[$i]=$(sed -n 1p "$T/home/kh$i/holder.txt")
done
cat >"$T/tender.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<tender xmlns="urn:etender:tender:1" formatVersion="1" id="$TID" type="construction">
  <title>江城市第二中学体育馆工程施工</title>
  <tenderer org="${ORG[tenderer]}"/>
  <agent org="${ORG[agent]}"/>
  <rulesProfile name="demo" version="1"/>
  <schedule>
    <documentsFrom>$(utc $F)</documentsFrom>
    <documentsTo>$(utc $(( F + 6 * MIN )))</documentsTo>
    <registrationDeadline>$(utc $(( F + 6 * MIN )))</registrationDeadline>
    <questionDeadline>$(utc $(( F + 15 * MIN )))</questionDeadline>
    <bidDeadline>$(utc $(( F + 21 * MIN )))</bidDeadline>
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
    <holder index="1" org="${ORG[agent]}" holder="${UID_[kh1]}" recipient="${R[1]}"/>
    <holder index="2" org="${ORG[super]}" holder="${UID_[kh2]}" recipient="${R[2]}"/>
    <holder index="3" org="${ORG[center]}" holder="${UID_[kh3]}" recipient="${R[3]}"/>
  </keyHolders>
</tender>
EOF
works "tender draft" agent1 tender draft --file "$T/tender.xml"
for i in 1 2 3; do
  works "holder register kh$i" "kh$i" holder register --tender "$TID" --file "$T/home/kh$i/holder.txt"
done
works "keyholders propose" agent1 keyholders propose --tender "$TID"
works "keyholders approve" super keyholders approve --tender "$TID"
works "tender publish" agent1 tender publish --tender "$TID"
clock $(( F + MIN ))
for b in $(seq $((NB - 1))); do works "register bidder$b" "bidder$b" register --tender "$TID"; done
clock $(( F + 10 * MIN ))
check "bid.xsd is served" bash -c "curl -sf '$URL/api/tenders/$TID/bid.xsd' | grep -q 'xs:schema'"
check "bid.xsd: 404 for an unknown tender" bash -c \
  "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$URL/api/tenders/NOPE-1/bid.xsd')\" = 404 ]"

token() { curl -sf -X POST "$URL/api/login" -d "{\"login\":\"$1\",\"password\":\"$(cat "$T/pw.$1")\"}" | jq -r .token; }
# the server's offset for a sealed file: the session is asked for again (same id)
offset_of() { # USER FILE
  local tok sha size; tok=$(token "$1"); sha=$(sha256sum "$2" | cut -d' ' -f1); size=$(stat -c %s "$2")
  curl -sf -X POST -H "Authorization: Bearer $tok" "$URL/api/tenders/$TID/bids/uploads" \
    -d "{\"sha256\":\"$sha\",\"size\":$size}" | jq -r .offset; }
head -c 3000000 /dev/urandom >"$T/big.pdf"
for b in $(seq $NB); do head -c $((2000000 + b * 1000)) /dev/urandom >"$T/att.$b.pdf"; done

# ---- 0. the session protocol, by hand ------------------------------------------------------
TOKP=$(token bidder7)
head -c 100000 /dev/urandom >"$T/x.bin"; head -c 100000 /dev/urandom >"$T/y.bin"
SX=$(sha256sum "$T/x.bin" | cut -d' ' -f1)
api() { curl -s -o "$T/api.out" -w '%{http_code}' -H "Authorization: Bearer $TOKP" "$@"; }
check "create: a bad sha256 is refused (400)" [ "$(api -X POST "$URL/api/tenders/$TID/bids/uploads" \
  -d '{"sha256":"ABC","size":10}')" = 400 ]
check "create: only bidders (403 for an agent)" [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
  -H "Authorization: Bearer $(token agent1)" "$URL/api/tenders/$TID/bids/uploads" \
  -d "{\"sha256\":\"$SX\",\"size\":100000}")" = 403 ]
check "create: a session at offset 0" bash -c "[ \"\$(curl -sf -X POST -H 'Authorization: Bearer $TOKP' \
  '$URL/api/tenders/$TID/bids/uploads' -d '{\"sha256\":\"$SX\",\"size\":100000}' | jq .offset)\" = 0 ]"
api -X POST "$URL/api/tenders/$TID/bids/uploads" -d "{\"sha256\":\"$SX\",\"size\":100000}" >/dev/null
UX=$(jq -r .upload "$T/api.out")
check "create again: the same session" [ "$(api -X POST "$URL/api/tenders/$TID/bids/uploads" \
  -d "{\"sha256\":\"$SX\",\"size\":100000}")" = 200 ] && [ "$(jq -r .upload "$T/api.out")" = "$UX" ]
check "create again with another size: 409" [ "$(api -X POST "$URL/api/tenders/$TID/bids/uploads" \
  -d "{\"sha256\":\"$SX\",\"size\":5}")" = 409 ]
check "PATCH without Upload-Offset: 400" [ "$(head -c 10 "$T/x.bin" | api -X PATCH --data-binary @- \
  "$URL/api/tenders/$TID/bids/uploads/$UX")" = 400 ]
check "PATCH the first 40000 bytes" [ "$(head -c 40000 "$T/x.bin" | api -X PATCH -H 'Upload-Offset: 0' \
  --data-binary @- "$URL/api/tenders/$TID/bids/uploads/$UX")" = 200 ] && [ "$(jq .offset "$T/api.out")" = 40000 ]
check "HEAD tells the offset" bash -c "curl -sfI -H 'Authorization: Bearer $TOKP' \
  '$URL/api/tenders/$TID/bids/uploads/$UX' | grep -qi '^Upload-Offset: 40000'"
check "PATCH past the declared size: 413, the offset unchanged" bash -c \
  "[ \"\$(tail -c +40001 $T/x.bin | cat - $T/y.bin | curl -s -o /dev/null -w '%{http_code}' -X PATCH \
     -H 'Authorization: Bearer $TOKP' -H 'Upload-Offset: 40000' --data-binary @- \
     '$URL/api/tenders/$TID/bids/uploads/$UX')\" = 413 ] && \
   [ \"\$(curl -sf -H 'Authorization: Bearer $TOKP' '$URL/api/tenders/$TID/bids/uploads/$UX' | jq .offset)\" = 40000 ]"
check "the rest from other bytes: the hash differs, 400 EVERIFY, the session starts over" bash -c \
  "[ \"\$(tail -c +40001 $T/y.bin | curl -s -o $T/api2.out -w '%{http_code}' -X PATCH \
     -H 'Authorization: Bearer $TOKP' -H 'Upload-Offset: 40000' --data-binary @- \
     '$URL/api/tenders/$TID/bids/uploads/$UX')\" = 400 ] && grep -q EVERIFY $T/api2.out && \
   [ \"\$(curl -sf -H 'Authorization: Bearer $TOKP' '$URL/api/tenders/$TID/bids/uploads/$UX' | jq .offset)\" = 0 ]"
check "the declared bytes, but not a sealed part: 400 et.bid.stanzas, nothing kept" bash -c \
  "[ \"\$(curl -s -o $T/api2.out -w '%{http_code}' -X PATCH -H 'Authorization: Bearer $TOKP' \
     -H 'Upload-Offset: 0' --data-binary @$T/x.bin '$URL/api/tenders/$TID/bids/uploads/$UX')\" = 400 ] && \
   grep -q et.bid.stanzas $T/api2.out && [ ! -e $D/blobs/$SX ] && [ ! -e $D/uploads/$UX.json ] && \
   [ ! -e $D/uploads/$UX.part ]"

# ---- 1. a transfer broken in the middle, resumed without the prefix ----------------------
before=$(log_size)
W1="$T/home/bidder1/etender-bid-$TID-${UID_[bidder1]}"
ETENDER_TEST_ABORT_AFTER=1500000 as bidder1 bid submit --tender "$TID" -i "$T/home/bidder1/id.key" \
  --offer "1:4110000000:400" --part "$T/big.pdf" -o "$T/receipt.1.json"
check "the client dies in the middle of part 2 (killed)" [ $? -eq 75 ]
check "its sealed files and state are kept" [ -s "$W1/state.json" ] && [ -s "$W1/part-2.age" ]
OFF=$(offset_of bidder1 "$W1/part-2.age")
SIZE2=$(stat -c %s "$W1/part-2.age")
check "the server holds a prefix of part 2 ($OFF of $SIZE2 bytes)" [ "$OFF" -gt 0 ] && [ "$OFF" -lt "$SIZE2" ]
check "the partial part lives in the upload area only" bash -c \
  "ls $D/uploads/*.part >/dev/null 2>&1 && [ ! -e $D/blobs/$(sha256sum "$W1/part-2.age" | cut -d' ' -f1) ]"
check "a partial upload is no bid: no event" [ "$(log_size)" -eq "$before" ]
TOK1=$(token bidder1)
SHA2=$(sha256sum "$W1/part-2.age" | cut -d' ' -f1)
UPL=$(curl -sf -X POST -H "Authorization: Bearer $TOK1" "$URL/api/tenders/$TID/bids/uploads" \
      -d "{\"sha256\":\"$SHA2\",\"size\":$SIZE2}" | jq -r .upload)
check "a PATCH at another offset is refused (409) and changes nothing" bash -c \
  "[ \"\$(head -c 10 /dev/zero | curl -s -o /dev/null -w '%{http_code}' -X PATCH -H 'Authorization: Bearer $TOK1' \
      -H 'Upload-Offset: 0' --data-binary @- '$URL/api/tenders/$TID/bids/uploads/$UPL')\" = 409 ] && \
   [ \"\$(curl -sf -H 'Authorization: Bearer $TOK1' '$URL/api/tenders/$TID/bids/uploads/$UPL' | jq .offset)\" = $OFF ]"
check "another bidder does not see the session" bash -c \
  "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $(token bidder2)' \
      '$URL/api/tenders/$TID/bids/uploads/$UPL')\" = 404 ]"
works "run again: the bid resumes and is received" bidder1 bid submit --tender "$TID" \
  -i "$T/home/bidder1/id.key" --offer "1:4110000000:400" --part "$T/big.pdf" -o "$T/receipt.1.json"
check "it resumed at the server's offset (the prefix is not sent again)" \
  grep -q "resuming at byte $OFF of $SIZE2" "$T/err"
check "it did not seal again" grep -q "resuming the bid" "$T/err"
check "one event" [ "$(log_size)" -eq $((before + 1)) ]
check "the work folder is removed after the receipt" [ ! -e "$W1" ]
check "the stored part is the sealed file" [ -e "$D/blobs/$SHA2" ]
works "receipt verify: checkpoint, inclusion and the commitment's opening" bidder1 receipt verify \
  --receipt "$T/receipt.1.json" --log-key "$LOGKEY"
check "receipt: the opening's event names the bid" bash -c \
  "jq -r .opening.event '$T/receipt.1.json' | base64 -d | grep -aq \"\$(jq -r .bid '$T/receipt.1.json')\""
S0=$(jq -r .opening.salt "$T/receipt.1.json")
if [ "${S0:0:1}" = A ]; then SF="B${S0:1}"; else SF="A${S0:1}"; fi
jq --arg s "$SF" '.opening.salt = $s' "$T/receipt.1.json" >"$T/t1.json"
refused "receipt verify: another salt does not open the commitment" "do not open" bidder1 receipt verify \
  --receipt "$T/t1.json" --log-key "$LOGKEY"
jq '.bid = "bid-aaaaaaaaaaaaaaaa"' "$T/receipt.1.json" >"$T/t2.json"
refused "receipt verify: a receipt naming another bid fails" "does not name" bidder1 receipt verify \
  --receipt "$T/t2.json" --log-key "$LOGKEY"
jq '.arrival_us += 1' "$T/receipt.1.json" >"$T/t3.json"
refused "receipt verify: another time of receipt fails" "does not name" bidder1 receipt verify \
  --receipt "$T/t3.json" --log-key "$LOGKEY"
jq 'del(.opening)' "$T/receipt.1.json" >"$T/t4.json"
refused "receipt verify: a receipt without the opening fails" "lacks the opening" bidder1 receipt verify \
  --receipt "$T/t4.json" --log-key "$LOGKEY"

# ---- 2. resumption after an etenderd restart ------------------------------------------------
W2="$T/home/bidder2/etender-bid-$TID-${UID_[bidder2]}"
ETENDER_TEST_ABORT_AFTER=1200000 as bidder2 bid submit --tender "$TID" -i "$T/home/bidder2/id.key" \
  --offer "1:4120000000:400" --part "$T/big.pdf" -o "$T/receipt.2.json"
check "bidder2's client dies in the middle" [ $? -eq 75 ]
OFF2=$(offset_of bidder2 "$W2/part-2.age")
kill -TERM "$PID"; wait "$PID"
# from now on the trusted proxy comes from config.json (section 3 relies on it)
jq '.trusted_proxy = "127.0.0.1"' "$D/config.json" >"$T/config.json" && cat "$T/config.json" >"$D/config.json"
serve
clock $(( F + 11 * MIN ))
check "after the restart the server still holds the prefix" [ "$(offset_of bidder2 "$W2/part-2.age")" = "$OFF2" ]
works "bidder2 resumes after the restart" bidder2 bid submit --tender "$TID" -i "$T/home/bidder2/id.key" \
  --offer "1:4120000000:400" --part "$T/big.pdf" -o "$T/receipt.2.json"
check "bidder2 resumed at $OFF2 (the prefix re-hashed by the server, not re-sent)" \
  grep -q "resuming at byte $OFF2 " "$T/err"
works "bidder2's receipt verifies" bidder2 receipt verify --receipt "$T/receipt.2.json" --log-key "$LOGKEY"

# ---- 3. the sealed collusion metadata, through a trusted proxy -----------------------------
# (the proxy is 127.0.0.1 here: its X-Forwarded-For names the source)
TOK3=$(token bidder3)
as bidder3 bid submit --tender "$TID" -i "$T/home/bidder3/id.key" --offer "1:4130000000:400" \
  --part "$T/att.3.pdf" -o "$T/receipt.3.json" >/dev/null
check "bidder3 submits (direct)" [ -s "$T/receipt.3.json" ]
EV3=$(jq -r .opening.event "$T/receipt.3.json" | base64 -d | tail -c +1 | grep -ao '"upload":{.*}' | head -1)
check "the bid's sealed payload records the source address" bash -c "echo '$EV3' | grep -q '\"source\":\"127.0.0.1\"'"
DEV=$(printf 'etender-device/v1\n%s' "$(cat /etc/machine-id 2>/dev/null)" | sha256sum | cut -d' ' -f1)
check "… the device fingerprint" bash -c "echo '$EV3' | grep -q '\"device\":\"[0-9a-f]\{64\}\"'"
check "… and the document metadata (name and size of the attachment)" bash -c \
  "echo '$EV3' | grep -q '\"name\":\"att.3.pdf\"' && echo '$EV3' | grep -q '\"size\":$(stat -c %s "$T/att.3.pdf")'"
curl -sf "$URL/log/entries?start=0&count=1000" | jq -r '.entries[].leaf' | \
  while read -r l; do echo "$l" | base64 -d; done >"$T/public.bin"
check "the metadata is sealed: not in the public log" bash -c \
  "[ -s '$T/public.bin' ] && grep -aq 'holder_key.registered' '$T/public.bin' && ! grep -aq 'att.3.pdf' '$T/public.bin'"
# a part uploaded through the proxy: its session records the forwarded source
SHAX=$(printf x | sha256sum | cut -d' ' -f1)
curl -sf -X POST -H "Authorization: Bearer $TOK3" -H "X-Forwarded-For: 203.0.113.9, 198.51.100.7" \
  -H "X-Etender-Device: dev-test" "$URL/api/tenders/$TID/bids/uploads" -d "{\"sha256\":\"$SHAX\",\"size\":1}" >/dev/null
check "through the trusted proxy the session records the forwarded address" bash -c \
  "grep -l '$SHAX' $D/uploads/*.json | xargs grep -q '\"source\":\"198.51.100.7\"'"
check "an X-Etender-Device with spaces is refused (400)" bash -c \
  "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer $TOK3' -H 'X-Etender-Device: a b' \
      '$URL/api/tenders/$TID/bids/uploads' -d '{\"sha256\":\"$SHAX\",\"size\":1}')\" = 400 ]"

# ---- 4. a crash during concurrent submissions ------------------------------------------------
before=$(log_size)
CPIDS=()
for b in 4 5 6 7; do
  ( cd "$T/home/bidder$b" && ETENDER_HOME="$T/home/bidder$b" ETENDER_TEST_RATE=$(( b == 4 ? 0 : 1500000 + b * 100000 )) \
      exec "$EC" bid submit --tender "$TID" -i "$T/home/bidder$b/id.key" --offer "1:41${b}0000000:400" \
      --part "$T/att.$b.pdf" -o "$T/receipt.$b.json" >"$T/crash.$b.out" 2>&1 ) &
  CPIDS+=($!)
done
sleep 1.0
kill -9 "$PID"; wait "$PID" 2>/dev/null
for p in "${CPIDS[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done   # the clients themselves (exec)
serve --trusted-proxy 127.0.0.1
clock $(( F + 12 * MIN ))
n_rcpt=0
for b in 4 5 6 7; do [ -s "$T/receipt.$b.json" ] && n_rcpt=$((n_rcpt + 1)); done
grown=$(( $(log_size) - before ))
echo "# $n_rcpt of 4 submissions were receipted before the crash; the log grew by $grown"
# a bid committed in the instant its client was killed has no receipt file
# yet: running the client again fetches that bid's receipt (no new event)
check "the log holds every receipted bid, and nothing but whole bids" [ "$grown" -ge "$n_rcpt" ] && [ "$grown" -le 4 ]
NLIVE=$(sqlite3 "file:$D/etender.db?mode=ro" "SELECT count(*) FROM bd_bid WHERE tender = '$TID'")
check "the projections hold exactly the bids in the log" [ "$NLIVE" -eq $((3 + grown)) ]
"$ED" verify --data "$D" >"$T/v.crash" 2>&1
check "right after the crash etenderd verify passes (replay, every bid's parts present and of their hash)" [ $? -eq 0 ]
for b in 4 5 6 7; do
  if [ -s "$T/receipt.$b.json" ]; then
    works "receipted bidder$b: its receipt verifies" "bidder$b" receipt verify --receipt "$T/receipt.$b.json" \
      --log-key "$LOGKEY"
    BB=$(jq -r .bid "$T/receipt.$b.json")
    check "receipted bidder$b: its parts are stored under their hash" bash -c \
      "for h in \$(sqlite3 'file:$D/etender.db?mode=ro' \"SELECT sha256 FROM bd_part WHERE bid = '$BB'\"); do \
         [ \"\$(sha256sum $D/blobs/\$h | cut -d' ' -f1)\" = \"\$h\" ] || exit 1; done"
  fi
done
RERUN=()
for b in 4 5 6 7; do
  [ -s "$T/receipt.$b.json" ] && continue
  RERUN+=("$b")
  works "unreceipted bidder$b runs again: resumes and is received" "bidder$b" bid submit --tender "$TID" \
    -i "$T/home/bidder$b/id.key" --offer "1:41${b}0000000:400" --part "$T/att.$b.pdf" -o "$T/receipt.$b.json"
  works "bidder$b's receipt verifies" "bidder$b" receipt verify --receipt "$T/receipt.$b.json" --log-key "$LOGKEY"
done
check "every submission is now exactly one event" [ "$(log_size)" -eq $((before + 4)) ]
NLIVE=$(sqlite3 "file:$D/etender.db?mode=ro" "SELECT count(*) FROM bd_bid WHERE tender = '$TID'")
check "… and one bid each in the projections" [ "$NLIVE" -eq 7 ]
# (a client or server killed between the receipt and the clean-up may leave
# its work folder or completed sessions: harmless, the sweep keeps named parts)
left=0
for b in "${RERUN[@]}"; do
  ls -d "$T/home/bidder$b/etender-bid-"* >/dev/null 2>&1 && left=$((left + 1))
  grep -lq "\"user\":\"${UID_[bidder$b]}\"" "$D"/uploads/*.json 2>/dev/null && left=$((left + 1))
done
check "the bidders that ran again left no work folder nor upload session" [ "$left" -eq 0 ]

# ---- 4b. the client resumes by itself when the connection breaks ----------------------------------
before=$(log_size)
( cd "$T/home/bidder6" && ETENDER_HOME="$T/home/bidder6" ETENDER_TEST_RATE=1000000 \
    exec "$EC" bid submit --tender "$TID" -i "$T/home/bidder6/id.key" --offer "1:4060000000:400" \
    --part "$T/att.6.pdf" -o "$T/receipt.6b.json" >"$T/auto.out" 2>"$T/auto.err" ) &
CP=$!
# kill the server once part 2 is well under way
for _ in $(seq 200); do find "$D/uploads" -name '*.part' -size +200k | grep -q . && break; sleep 0.05; done
kill -9 "$PID"; wait "$PID" 2>/dev/null
serve --trusted-proxy 127.0.0.1
clock $(( F + 12 * MIN ))
wait "$CP"
check "a broken connection: the same run asks for the offset and completes" \
  bash -c "[ $? -eq 0 ] && grep -q 'transfer broken' '$T/auto.err' && grep -q 'resuming at byte' '$T/auto.err' && [ -s '$T/receipt.6b.json' ]"
check "… one event (bidder6's bid replaced)" [ "$(log_size)" -eq $((before + 1)) ]
works "… and its receipt verifies" bidder6 receipt verify --receipt "$T/receipt.6b.json" --log-key "$LOGKEY"

# ---- 4c. on a terminal: a progress bar (stderr) ----------------------------------------------------
if command -v script >/dev/null; then
  ( cd "$T/home/bidder5" && ETENDER_HOME="$T/home/bidder5" script -qec "$EC bid submit --tender $TID \
      -i $T/home/bidder5/id.key --offer 1:4050000000:400 --part $T/att.5.pdf -o $T/receipt.5b.json" \
      /dev/null ) >"$T/tty.out" 2>&1
  check "on a terminal the upload shows a progress bar" grep -aq "upload part 2/2 100%" "$T/tty.out"
  check "… and the bid is received" [ -s "$T/receipt.5b.json" ]
fi

# ---- 5. a full disk ---------------------------------------------------------------------------
before=$(log_size)
if [ -n "$MNT" ]; then
  AV=$(df -B1 --output=avail "$MNT" | tail -1)
  fallocate -l $(( AV - 1500000 )) "$MNT/filler" 2>/dev/null || head -c $(( AV - 1500000 )) /dev/zero >"$MNT/filler"
  echo "# tmpfs filled: $(df -B1 --output=avail "$MNT" | tail -1) bytes free"
else
  kill -TERM "$PID"; wait "$PID"
  ET_TEST_UPLOAD_FAIL_AT=1000000 serve --trusted-proxy 127.0.0.1
  clock $(( F + 13 * MIN ))
fi
refused "an upload on a full disk is refused cleanly (bilingual, 507 EIO)" "507 EIO" bidder1 bid submit \
  --tender "$TID" -i "$T/home/bidder1/id.key" --offer "1:4100000000:400" --part "$T/big.pdf" -o "$T/full.json"
check "full disk: no event, no receipt" [ "$(log_size)" -eq "$before" ] && [ ! -e "$T/full.json" ]
check "full disk: the server keeps serving" bash -c \
  "curl -sf '$URL/log/checkpoint' >/dev/null && curl -sf '$URL/api/tenders/$TID' | jq -e .id >/dev/null"
if [ -n "$MNT" ]; then
  rm -f "$MNT/filler"
else
  kill -TERM "$PID"; wait "$PID"
  serve --trusted-proxy 127.0.0.1
  clock $(( F + 13 * MIN ))
fi
works "space again: the same command resumes and the bid is received" bidder1 bid submit \
  --tender "$TID" -i "$T/home/bidder1/id.key" --offer "1:4100000000:400" --part "$T/big.pdf" -o "$T/full.json"
check "… one event (bidder1's bid replaced)" [ "$(log_size)" -eq $((before + 1)) ]

# ---- 6. unsubmitted parts go after the window; bids' parts never --------------------------------
refused "an unregistered bidder's parts are stored, its bid refused" "et.reg.required" bidder8 bid submit \
  --tender "$TID" -i "$T/home/bidder8/id.key" --offer "1:4000000000:300" --part "$T/att.8.pdf"
W8="$T/home/bidder8/etender-bid-$TID-${UID_[bidder8]}"
SHA8=$(sha256sum "$W8/part-2.age" | cut -d' ' -f1)
SHA8X=$(sha256sum "$W8/part-1.age" | cut -d' ' -f1)
check "the refused bid's parts are in the blob store" [ -e "$D/blobs/$SHA8" ] && [ -e "$D/blobs/$SHA8X" ]
# a rival's copied ciphertext, uploaded again by bidder8: its session expires too,
# but the blob is a part of bidder1's bid and must stay
refused "a copied ciphertext uploaded by another firm is refused" "et.reg.required" bidder8 bid submit \
  --tender "$TID" -i "$T/home/bidder8/id.key" --offer "1:4000000000:300" --sealed-part "$D/blobs/$SHA2" \
  --work "$T/w8b"
check "… its upload session holds bidder1's part" bash -c "grep -lq '$SHA2' $D/uploads/*.json"
SHA8B=$(sha256sum "$T/w8b/part-1.age" | cut -d' ' -f1)   # that bid's own bid.xml: to go
ls "$D/blobs" | grep -v "^$SHA8\$\|^$SHA8X\$\|^$SHA8B\$" | sort >"$T/blobs.before"
check "… (bidder1's part is among the blobs to keep)" grep -q "^$SHA2\$" "$T/blobs.before"
clock $(( F + 12 * MIN + 24 * 60 * MIN + MIN ))   # past the resumption window
curl -sf -X POST -H "Authorization: Bearer $(token bidder1)" "$URL/api/tenders/$TID/bids/uploads" \
  -d "{\"sha256\":\"$SHAX\",\"size\":1}" >/dev/null   # a request that runs the sweep
check "after the window the refused bids' own parts are removed" [ ! -e "$D/blobs/$SHA8" ] && \
  [ ! -e "$D/blobs/$SHA8X" ] && [ ! -e "$D/blobs/$SHA8B" ]
check "… and its session, and the stale ones" bash -c "! grep -lq '$SHA8' $D/uploads/*.json 2>/dev/null"
check "… and nothing else of the blob store (bidder1's copied part stays)" bash -c \
  "diff '$T/blobs.before' <(ls '$D/blobs' | sort) && [ -e '$D/blobs/$SHA2' ]"
check "… and no session is left past the window" bash -c "! ls $D/uploads/*.json 2>/dev/null | \
  xargs -r grep -l '$SHA2' | grep -q ."

# ---- the data folder replays --------------------------------------------------------------------
kill -TERM "$PID"; wait "$PID"
"$ED" verify --data "$D" >"$T/v.out" 2>&1
check "etenderd verify passes (every bid's parts present, of their hash)" [ $? -eq 0 ]
tail -n 1 "$T/v.out" | sed 's/^/       /'

# ---- the client seals only to the key-holder set the log records --------------------------------
# A copy of the data folder whose projections were changed behind the log's
# back: its server hands out another key for holder 1.
cp -a "$D" "$T/evil"
sqlite3 "$T/evil/etender.db" "UPDATE td_tender_holder SET recipient = '${R[2]}' WHERE tender = '$TID' AND idx_no = 1;
  UPDATE td_holder_key SET recipient = '${R[2]}' WHERE tender = '$TID' AND holder = '${UID_[kh1]}'"
PORT_OK=$PORT; D_OK=$D; D="$T/evil"; PORT=0
serve
clock $(( F + 14 * MIN ))
works "login to the tampered server" bidder5 login --server "$URL" --user bidder5 --password-file "$T/pw.bidder5"
as bidder5 keyholders show --tender "$TID" --recipients
check "the tampered server lists another key for holder 1" [ "$(grep -m1 -o 'age1[a-z0-9]*' "$T/out")" = "${R[2]}" ]
before=$(log_size)
refused "bid submit refuses a key-holder set the log does not record" "not the one the log records" bidder5 \
  bid submit --server "$URL" --tender "$TID" -i "$T/home/bidder5/id.key" --offer "1:4000000000:300"
check "nothing was sealed nor sent" bash -c "[ \"\$(curl -sf $URL/log/checkpoint | sed -n 2p)\" -eq $before ] && \
  ! ls -d '$T/home/bidder5/etender-bid-'* 2>/dev/null | xargs -r ls 2>/dev/null | grep -q age"
kill -TERM "$PID"; wait "$PID"
D=$D_OK
check "no sanitizer report from etenderd" bash -c "! grep -q 'Sanitizer\|runtime error:' '$T/serve.log'"

e2e_end "e2e upload"
