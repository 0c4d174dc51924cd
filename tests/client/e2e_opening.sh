#!/usr/bin/env bash
# tests/client/e2e_opening.sh — the close and the opening ceremony end to
# end (issue 4 point 7): the real etenderd on 127.0.0.1 (test clock) with the
# real witness, driven with the real etender client. A tender with 5 bidders
# and 3 key holders (k = 2): a withdrawal, a replacement, a late bid
# refused, a copied rival ciphertext refused, a bid whose shares do not
# combine and one with a stanza moved from another bid (both made by
# craft_part, both revoked at the opening, cn.e.31), a part with an extra
# recipient refused, a release before the close refused, a wrong key
# refused and attributed to its holder, one key opening nothing; the
# close by the platform's timer, checked against the witness's cosignature
# before release; a submission in flight across the deadline waited for;
# the opening record (prices, statuses, causes), a confirmation and an
# objection; a tender with two bids failing at the close (流标) at its
# deadline moved by a late clarification; a tender whose holders miss the
# opening window (opening.failed); the sealed reference price (标底) by the
# agent (a bidder refused, a replacement), opened into the record; the tender's
# opening fields (唱标字段) answered in bid.xml and read out; a decrypted
# attachment kept by the opening and streamed to the agent and a supervisor
# (a bidder and anonymous refused); a withdrawn bid's per-tender deposit
# returned (cn.reg.35) and the deposits due; receipts
# verified offline; etender audit verify and etenderd verify at the end.
# Usage: e2e_opening.sh PATH/TO/etenderd PATH/TO/etender PATH/TO/craft_part
ED="$1"
EC="$2"
CRAFT=$(realpath "$3")
. "$(dirname "$0")/e2e_lib.sh"
cd "$T" || exit 1   # files written without -o land here
phase() { curl -sf "$URL/api/tenders/$1/bidding" | jq -r .phase; }
wait_phase() { for _ in $(seq 150); do [ "$(phase "$1")" = "$2" ] && return 0; sleep 0.1; done; return 1; }

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
check "witness serves" [ "$WURL" != "http://" ]
ET_LOG=info e2e_serve "$D" --witness "$WURL" --witness-key "$WVKEY"
check "etenderd serves" curl -sf "$URL/log/key" -o /dev/null
MIN=60000000
T0=$(( $(date +%s) / 60 * 60 * 1000000 ))
F=$(( T0 + MIN ))
clock "$T0"
DL=$(( F + 21 * MIN ))
YEAR=$(TZ=Asia/Shanghai date -d "@$(( DL / 1000000 ))" +%Y)

# ---- accounts and keys ----------------------------------------------------------------------
works "login: administrator" admin login --server "$URL" --user admin --password-file "$T/admin.pw"
as admin whoami --json; CENTER=$(jq -r .principal.org "$T/out")
declare -A ORG UID_
UNIQ=0
addorg() { if as admin org add --kind "$2" --legal-name "$3" --credit-code "91330100MA00000$((++UNIQ + 20000))"; then
             ORG[$1]=$(cat "$T/out"); ok "org add $1"; else bad "org add $1: $(cat "$T/err")"; fi; }
addorg tenderer tenderer "江城市第二中学"
addorg agent agent "江城建设招标代理有限公司"
addorg super supervisor "江城市公共资源交易监督管理局"
for b in 1 2 3 4 5; do addorg "b$b" bidder "江城建工$b有限公司"; done
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
for b in 1 2 3 4 5; do adduser "bidder$b" "b$b" bidder; done
adduser kh1 agent keyholder
adduser kh2 super keyholder
adduser kh3 center keyholder
adduser super super supervisor
check "accounts made" [ -n "${UID_[kh3]:-}" ] && [ -n "${UID_[bidder5]:-}" ]

# ---- three tenders, three key holders each (k = 2) --------------------------------------------
# MAIN: the ceremony; FEW: two bids (流标) and a deadline moved by a late clarification;
# LATE: the holders miss the opening window
declare -A R
mk_tender() { # ID
  local id="$1" i
  for i in 1 2 3; do
    ETENDER_HOME="$T/home/kh$i" "$EC" holder keygen --tender "$id" -o "$T/home/kh$i/$id.key" \
      -i "$T/home/kh$i/id.key" >"$T/home/kh$i/$id.txt" 2>/dev/null
    R[$id.$i]=$(sed -n 1p "$T/home/kh$i/$id.txt")
  done
  cat >"$T/$id.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<tender xmlns="urn:etender:tender:1" formatVersion="1" id="$id" type="construction">
  <title>江城市第二中学体育馆工程施工 $id</title>
  <tenderer org="${ORG[tenderer]}"/>
  <agent org="${ORG[agent]}"/>
  <rulesProfile name="demo" version="1"/>
  <schedule>
    <documentsFrom>$(utc $F)</documentsFrom>
    <documentsTo>$(utc $(( F + 6 * MIN )))</documentsTo>
    <registrationDeadline>$(utc $(( F + 6 * MIN )))</registrationDeadline>
    <questionDeadline>$(utc $(( F + 15 * MIN )))</questionDeadline>
    <bidDeadline>$(utc $DL)</bidDeadline>
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
  <openingFields>
    <field id="quality">质量承诺</field>
    <field id="manager">项目经理</field>
  </openingFields>
</tender>
EOF
  works "tender draft $id" agent1 tender draft --file "$T/$id.xml"
  for i in 1 2 3; do
    as "kh$i" holder register --tender "$id" --file "$T/home/kh$i/$id.txt" || bad "holder register kh$i $id: $(cat "$T/err")"
  done
  works "keyholders propose $id" agent1 keyholders propose --tender "$id"
  works "keyholders approve $id" super keyholders approve --tender "$id"
  works "tender publish $id" agent1 tender publish --tender "$id"
}
MAIN="JC-OPEN-$RANDOM"; FEW="$MAIN-FEW"; LATE="$MAIN-LATE"
for id in "$MAIN" "$FEW" "$LATE"; do mk_tender "$id"; done
clock $(( F + MIN ))
for b in 1 2 3 4 5; do
  as "bidder$b" register --tender "$MAIN" || bad "register bidder$b: $(cat "$T/err")"
  works "deposit record (annual $YEAR) for b$b" admin deposit record --org "${ORG[b$b]}" --year "$YEAR" \
    --amount 800000 --method guarantee --payer-name "江城建工$b有限公司" --payer-bank "江城银行" \
    --payer-account "62220000000$b"
done
works "deposit record (per tender) for b2" admin deposit record --org "${ORG[b2]}" --tender "$MAIN" \
  --amount 500000 --method transfer --payer-name "富春建设有限公司" --payer-bank "江城银行" --payer-account "6222000000099"
DEPB2=$(sed -n 1p "$T/out")
for b in 1 2; do as "bidder$b" register --tender "$FEW" || bad "register bidder$b $FEW"; done
for b in 1 3 5; do as "bidder$b" register --tender "$LATE" || bad "register bidder$b $LATE"; done
refused "a deposit by a bidder is refused" "E" bidder1 deposit record --org "${ORG[b1]}" --year "$YEAR" \
  --amount 1 --method transfer --payer-name x --payer-bank y --payer-account z

# ---- before the close -------------------------------------------------------------------------------
clock $(( F + 10 * MIN ))
refused "a release before the close is refused" "et.open.stage" kh1 open release "$MAIN" \
  --holder-key "$T/home/kh1/$MAIN.key" -i "$T/home/kh1/id.key" --witness-key "$WVKEY" --log-key "$LOGKEY"
refused "a manual close before the deadline is refused" "et.close.early" super open close "$MAIN"
works "status before the close: phase only" bidder1 open status "$MAIN" --json
check "status before the close names no count" bash -c "jq -e '.phase == \"open\" and (has(\"received\") | not)' '$T/out' >/dev/null"

# ---- bids ---------------------------------------------------------------------------------------------
# a PDF whose Info dictionary names its author and software: the client records them in
# the sealed upload metadata (client/pdfmeta.c), revealed with the bid at the close
{ printf '%%PDF-1.7\n1 0 obj <</Author (e2e-author-zhang)/Creator (e2e-writer 1.0)>> endobj\n'
  head -c 2000000 /dev/urandom; } >"$T/technical.pdf"
declare -A BID
submit() { # NAME BIDDER TENDER ARGS...
  local name="$1" b="$2" tid="$3"; shift 3
  works "$name" "bidder$b" bid submit --tender "$tid" -i "$T/home/bidder$b/id.key" "$@"
}
submit "bid b1 (bid.xml with the opening fields, and an attachment)" 1 "$MAIN" --offer "1:4110000000:400" \
  --field "quality=合格 <优良>" --field "manager=张伟（一级建造师）" --part "$T/technical.pdf" -o "$T/r1.json"
BID[1]=$(sed -n 1p "$T/out")
B1PART=$(ls -S "$D/blobs" | head -1)
check "b1's sealed attachment is in the store" [ "$(stat -c %s "$D/blobs/$B1PART")" -gt 2000000 ]
submit "bid b2" 2 "$MAIN" --offer "1:4120000000:400" -o "$T/r2.json"; BID[2]=$(sed -n 1p "$T/out")
submit "bid b3" 3 "$MAIN" --offer "1:4130000000:400" -o "$T/r3.json"; BID[3]=$(sed -n 1p "$T/out")
submit "bid b3 replaced" 3 "$MAIN" --offer "1:4030000000:380" -o "$T/r3b.json"; BID[3b]=$(sed -n 1p "$T/out")
check "the replacement names the bid it replaced" bash -c "[ \"\$(jq -r .replaced '$T/r3b.json')\" = '${BID[3]}' ]"
works "withdraw b2" bidder2 bid withdraw --tender "$MAIN" --bid "${BID[2]}"
# the deposit's return after the withdrawal (cn.reg.35: demo, five minutes)
refused "deposit due: a bidder is refused" "et.auth.role" bidder2 deposit due --tender "$MAIN"
works "deposit due: the supervisor sees b2's deposit due" super deposit due --tender "$MAIN" --json
check "deposit due: b2's per-tender deposit, due five demo minutes after the withdrawal, not overdue" \
  bash -c "jq -e '.deposits | length == 1 and .[0].id == \"$DEPB2\" and .[0].due_us - .[0].withdrawn_us == 300000000 and (.[0].overdue | not)' '$T/out' >/dev/null"
refused "deposit return by a bidder is refused" "et.auth.role" bidder2 deposit return --deposit "$DEPB2"
works "the administrator records the return" admin deposit return --deposit "$DEPB2" --json
check "the return is in time" bash -c "jq -e '.late == false and .org == \"${ORG[b2]}\"' '$T/out' >/dev/null"
refused "a second return is refused" "et.deposit.returned" admin deposit return --deposit "$DEPB2"
works "deposit due: nothing left" admin deposit due --json
check "deposit due: empty after the return" bash -c "jq -e '.deposits == []' '$T/out' >/dev/null"
before=$(log_size)
refused "a copied rival ciphertext is refused" "et.bid.duplicate" bidder2 bid submit --tender "$MAIN" \
  -i "$T/home/bidder2/id.key" --offer "1:4100000000:300" --sealed-part "$D/blobs/$B1PART"
as bidder1 whoami; EXTRA=$(sed -n 's/^.*X25519: \(age1[a-z0-9]*\).*$/\1/p' "$T/out" | head -1)
as bidder1 keyholders show --tender "$MAIN" --recipients; cp "$T/out" "$T/holders.txt"
ETENDER_HOME="$T/home/bidder1" "$EC" seal --holders "$T/holders.txt" --threshold 2 --tender "$MAIN" \
  --bid bid-aaaaaaaaaaaaaaaa --part 2 -r "$EXTRA" -o "$T/extra.age" "$T/technical.pdf" 2>"$T/err"
refused "a part with an extra recipient is refused" "et.bid.stanzas" bidder1 bid submit \
  --tender "$MAIN" -i "$T/home/bidder1/id.key" --offer "1:4100000000:300" --sealed-part "$T/extra.age"
check "refusals: no event" [ "$(log_size)" -eq "$before" ]
# b4: shares that do not combine (craft_part nocombine), b5: a stanza moved from b1's bid
BID[4]=bid-nocombine4aaaaaa; BID[5]=bid-movedstanza5aaaa
"$CRAFT" bidxml "$MAIN" "${BID[4]}" "${ORG[b4]}" 1 4040000000 390 "$T/b4.xml"
"$CRAFT" bidxml "$MAIN" "${BID[5]}" "${ORG[b5]}" 1 4050000000 390 "$T/b5.xml"
"$CRAFT" nocombine 2 "$MAIN" "${BID[4]}" 2 "$T/technical.pdf" "$T/b4.part2" "${R[$MAIN.1]}" "${R[$MAIN.2]}" "${R[$MAIN.3]}"
"$CRAFT" moved 2 "$MAIN" "${BID[5]}" 2 "$T/b5.xml" "$D/blobs/$B1PART" "$T/b5.part2" "${R[$MAIN.1]}" "${R[$MAIN.2]}" "${R[$MAIN.3]}"
check "craft_part made both parts" [ -s "$T/b4.part2" ] && [ -s "$T/b5.part2" ]
submit "bid b4 (shares that do not combine) passes the keyless check" 4 "$MAIN" --bid-xml "$T/b4.xml" \
  --sealed-part "$T/b4.part2" -o "$T/r4.json"
submit "bid b5 (a stanza moved from b1's bid) passes the keyless check" 5 "$MAIN" --bid-xml "$T/b5.xml" \
  --sealed-part "$T/b5.part2" -o "$T/r5.json"
# the sealed reference price (标底): the agent only, before the deadline; a second replaces the first
before=$(log_size)
refused "a bidder cannot submit a reference price" "et.auth.role" bidder1 reference submit --tender "$MAIN" --price 1:4000000000
check "refused reference: no event" [ "$(log_size)" -eq "$before" ]
works "agent1 seals and submits the reference price" agent1 reference submit --tender "$MAIN" --price 1:3990000000
check "the reference is a leaf of the log" out_has "leaf"
works "agent1 replaces the reference price" agent1 reference submit --tender "$MAIN" --price 1:3980000000 --json
REF=$(jq -r .ref "$T/out")
check "the replacement names the reference it replaced" bash -c "jq -e '.replaced | startswith(\"ref-\")' '$T/out' >/dev/null"
# the other tenders
submit "FEW: bid b1" 1 "$FEW" --offer "1:4200000000:400"; BIDF1=$(sed -n 1p "$T/out")
submit "FEW: bid b2" 2 "$FEW" --offer "1:4210000000:400"; BIDF2=$(sed -n 1p "$T/out")
echo "补充说明：体育馆看台钢结构图纸修订，详见附件。" >"$T/amend.txt"
works "FEW: a late clarification moves the deadline (cn.reg.21)" agent1 clarify --tender "$FEW" --file "$T/amend.txt"
FEWDL=$(( F + 10 * MIN + 15 * MIN ))
check "FEW: the deadline moved to 15 demo days after the clarification" \
  bash -c "[ \"\$(curl -sf '$URL/api/tenders/$FEW/bidding' | jq .deadline_us)\" = $FEWDL ]"
# the clarification came after both bids (rules et.amend.bid: reconfirm): b1 re-confirms, b2 does not
works "FEW: bidder1 is told of the amendment" bidder1 notices --json
check "FEW: bidder1's notice names its bid" [ "$(jq -r '.notices[0].bid' "$T/out")" = "$BIDF1" ]
works "FEW: bidder1 re-confirms its bid" bidder1 bid reconfirm --tender "$FEW" --bid "$BIDF1"
for b in 1 3 5; do submit "LATE: bid b$b" "$b" "$LATE" --offer "1:43${b}0000000:400"; done

# ---- the close at the deadline --------------------------------------------------------------------
# A replacement whose last byte arrives before the deadline but whose bid_submit runs after
# it (held 4 s in flight by the test hook): the close waits for it, so it counts.
curl -sf -X POST "$URL/api/test/submit-delay" -d '{"ms":4000}' >/dev/null
mkdir -p -m 700 "$T/home/bidder3"
ETENDER_HOME="$T/home/bidder3" "$EC" bid submit --tender "$LATE" -i "$T/home/bidder3/id.key" \
  --offer "1:4290000000:400" -o "$T/rlate3.json" >"$T/late3.out" 2>"$T/late3.err" &
LATE3=$!
for _ in $(seq 200); do [ "$(curl -sf "$URL/api/test/inflight" | jq .inflight)" = 1 ] && break; sleep 0.05; done
check "a submission is in flight, its last byte in before the deadline" \
  [ "$(curl -sf "$URL/api/test/inflight" | jq .inflight)" = 1 ]
clock "$DL"
check "MAIN closes without waiting for LATE's submission" wait_phase "$MAIN" closed
check "LATE's close waits for it" [ "$(phase "$LATE")" = open ]
wait "$LATE3"; rc=$?
check "the in-flight submission got its receipt (rc $rc: $(tail -n1 "$T/late3.err"))" [ "$rc" -eq 0 ] && [ -s "$T/rlate3.json" ]
curl -sf -X POST "$URL/api/test/submit-delay" -d '{"ms":0}' >/dev/null
check "the platform closed MAIN at the deadline" wait_phase "$MAIN" closed
check "FEW: not closed at its original deadline (it moved)" [ "$(phase "$FEW")" = open ]
check "LATE closed" wait_phase "$LATE" closed
check "LATE: the in-flight replacement is before the close in the log, and counted" \
  bash -c "[ \$(jq .index '$T/rlate3.json') -lt \$(curl -sf '$URL/api/tenders/$LATE/bidding' | jq .close_index) ] && \
           curl -sf '$URL/api/tenders/$LATE/bidding' | jq -e '.received == 3 and .counted == 3' >/dev/null"
for _ in $(seq 100); do grep -q "the witness cosigned the close of $MAIN " "$T/serve.log" && break; sleep 0.1; done
check "the close was pushed to the witness at once and cosigned" \
  grep -q "the witness cosigned the close of $MAIN " "$T/serve.log"
works "open status MAIN" bidder1 open status "$MAIN" --json
check "MAIN: 4 received, 4 counted, 0 released" \
  bash -c "jq -e '.received == 4 and .counted == 4 and .released == 0' '$T/out' >/dev/null"
before=$(log_size)
refused "a late bid is refused (cn.e.27)" "cn.e.27" bidder2 bid submit --tender "$MAIN" \
  -i "$T/home/bidder2/id.key" --offer "1:3900000000:300"
refused "a second close is refused" "et.auth.stage" super open close "$MAIN"
check "late bid: no event" [ "$(log_size)" -eq "$before" ]
works "receipt b1 verifies offline" bidder1 receipt verify --receipt "$T/r1.json" --log-key "$LOGKEY"
works "receipt b3 (replacement) verifies offline" bidder3 receipt verify --receipt "$T/r3b.json" --log-key "$LOGKEY"
works "receipt b4 verifies offline" bidder4 receipt verify --receipt "$T/r4.json" --log-key "$LOGKEY"

# ---- the ceremony ---------------------------------------------------------------------------------------
OTHERW=$("$EC" witness keygen --name witness.test -o "$T/other-witness.key" 2>/dev/null)
mkdir -p -m 700 "$T/home/khx"; cp -a "$T/home/kh1/." "$T/home/khx/"
refused "release with another witness key than the pinned one is refused" "witness" khx open release "$MAIN" \
  --holder-key "$T/home/kh1/$MAIN.key" -i "$T/home/kh1/id.key" --witness-key "$OTHERW"
as khx pin --server "$URL" --reset >/dev/null
refused "release when the close is not cosigned by the pinned witness is refused" "not cosigned" khx open release \
  "$MAIN" --holder-key "$T/home/kh1/$MAIN.key" -i "$T/home/kh1/id.key" --witness-key "$OTHERW" --log-key "$LOGKEY"
check "the refusal released nothing" bash -c "curl -sf '$URL/api/tenders/$MAIN/bidding' | jq -e '.released == 0' >/dev/null"
refused "a wrong key is refused and attributed to its holder" "et.open.key" kh1 open release "$MAIN" \
  --holder-key "$T/home/kh1/$FEW.key" -i "$T/home/kh1/id.key" --witness-key "$WVKEY" --log-key "$LOGKEY"
check "the refusal names the holder" grep -q "${UID_[kh1]}" "$T/err"
works "kh1 releases after checking the witness's cosignature on the close" kh1 open release "$MAIN" \
  --holder-key "$T/home/kh1/$MAIN.key" -i "$T/home/kh1/id.key" --witness-key "$WVKEY" --log-key "$LOGKEY"
check "the client checked the close's inclusion in a cosigned checkpoint" grep -q "cosigned by witness.test" "$T/err"
sleep 1.5
check "one key opens nothing" [ "$(phase "$MAIN")" = closed ]
refused "no opening record with one key" "et.open.stage" bidder1 open record "$MAIN"
refused "a second release by the same holder is refused" "et.open.released" kh1 open release "$MAIN" \
  --holder-key "$T/home/kh1/$MAIN.key" -i "$T/home/kh1/id.key"
works "kh2 releases (k = 2)" kh2 open release "$MAIN" --holder-key "$T/home/kh2/$MAIN.key" \
  -i "$T/home/kh2/id.key" --witness-key "$WVKEY" --log-key "$LOGKEY"
check "the opening ran" wait_phase "$MAIN" opened
refused "kh3's release after the opening is refused" "et.open.stage" kh3 open release "$MAIN" \
  --holder-key "$T/home/kh3/$MAIN.key" -i "$T/home/kh3/id.key" --witness-key "$WVKEY" --log-key "$LOGKEY"

# ---- the opening record -----------------------------------------------------------------------------------
works "open record (table)" bidder1 open record "$MAIN"
sed 's/^/       /' "$T/out"
check "record: b1 opened at 4110000000" bash -c "grep '${BID[1]}' '$T/out' | grep -q 'opened.*4110000000'"
check "record table: b1's answer to the quality field and the reference price" \
  bash -c "grep -q '质量承诺 (quality): 合格 <优良>' '$T/out' && grep -q 'reference price ref-.*: opened  lot 1: 3980000000' '$T/out'"
works "open record --json" bidder1 open record "$MAIN" --json
cp "$T/out" "$T/record.json"
rec() { jq -e "$1" "$T/record.json" >/dev/null; }
check "record: the keys of holders 1 and 2" rec '.keys == [1,2]'
check "record: four bids, the withdrawn and the replaced one absent" \
  rec "(.bids | length) == 4 and ([.bids[].bid] | index(\"${BID[2]}\") == null) and ([.bids[].bid] | index(\"${BID[3]}\") == null)"
check "record: b3's replacement opened at 4030000000, 380 days" \
  rec ".bids[] | select(.bid == \"${BID[3b]}\") | .status == \"opened\" and .offers[0].price == 4030000000 and .offers[0].duration == 380 and .deposit"
check "record: the reference price opened with the bids, per lot, and not a bid" \
  rec ".reference.ref == \"$REF\" and .reference.status == \"opened\" and .reference.offers == [{\"lot\":\"1\",\"price\":3980000000}] and ([.bids[].bid] | map(startswith(\"ref-\")) | any | not)"
check "MAIN: the reference was not received nor counted as a bid" \
  bash -c "curl -sf '$URL/api/tenders/$MAIN/bidding' | jq -e '.received == 4 and .counted == 4' >/dev/null"
check "record: the tender's opening fields, and b1's answers read out in the tender's order" \
  rec ".fields == [{\"id\":\"quality\",\"label\":\"质量承诺\"},{\"id\":\"manager\",\"label\":\"项目经理\"}] and (.bids[] | select(.bid == \"${BID[1]}\") | .fields == [{\"id\":\"quality\",\"value\":\"合格 <优良>\"},{\"id\":\"manager\",\"value\":\"张伟（一级建造师）\"}])"
check "record: a bid that answers no field reads out empty values" \
  rec ".bids[] | select(.bid == \"${BID[3b]}\") | .fields == [{\"id\":\"quality\",\"value\":\"\"},{\"id\":\"manager\",\"value\":\"\"}]"
check "record: b4 revoked, cn.e.31, the shares do not combine" \
  rec ".bids[] | select(.bid == \"${BID[4]}\") | .status == \"revoked\" and .rule == \"cn.e.31\" and (.cause | test(\"combine\")) and .offers == []"
check "record: b5 revoked, cn.e.31, a stanza does not open (moved from another bid)" \
  rec ".bids[] | select(.bid == \"${BID[5]}\") | .status == \"revoked\" and .rule == \"cn.e.31\" and (.cause | test(\"does not open\"))"
check "the record served is the bids.opened leaf's payload" \
  bash -c "curl -sf '$URL/api/tenders/$MAIN/opening' | cmp -s - <(jq -cS . '$T/record.json' | tr -d '\n') || \
           [ \"\$(curl -sf '$URL/api/tenders/$MAIN/opening' | jq -cS .)\" = \"\$(jq -cS . '$T/record.json')\" ]"
curl -sf "$URL/api/tenders/$MAIN/bids/${BID[1]}/xml" -o "$T/b1.xml"
check "b1's bid.xml kept at the opening: its SHA-256 is the record's, it names the price" \
  bash -c "[ \"\$(sha256sum '$T/b1.xml' | cut -d' ' -f1)\" = \"\$(jq -r '.bids[] | select(.bid == \"${BID[1]}\") | .xml_sha256' '$T/record.json')\" ] && grep -q 4110000000 '$T/b1.xml'"
works "open xml: anyone fetches an opened bid's bid.xml, checked against the record" bidder2 open xml "$MAIN" \
  --bid "${BID[1]}" -o "$T/b1c.xml"
check "open xml wrote the kept bid.xml" cmp -s "$T/b1.xml" "$T/b1c.xml"
check "record: b1's attachment (part 2) named from the sealed upload metadata, its size and SHA-256" \
  rec ".bids[] | select(.bid == \"${BID[1]}\") | .attachments == [{\"part\":2,\"name\":\"technical.pdf\",\"size\":$(stat -c %s "$T/technical.pdf"),\"sha256\":\"$(sha256sum "$T/technical.pdf" | cut -d' ' -f1)\"}]"
works "open part: the agent streams b1's decrypted attachment" agent1 open part "$MAIN" --bid "${BID[1]}" \
  --part 2 -o "$T/b1-part2.pdf"
check "the decrypted attachment is the bidder's file" cmp -s "$T/technical.pdf" "$T/b1-part2.pdf"
works "open part: a supervisor too" super open part "$MAIN" --bid "${BID[1]}" --part 2 -o "$T/b1-part2s.pdf"
refused "open part: a bidder is refused (not public)" "et.att.reader" bidder2 open part "$MAIN" \
  --bid "${BID[1]}" --part 2 -o "$T/b1-part2b.pdf"
check "open part: nothing written for the refused bidder" [ ! -e "$T/b1-part2b.pdf" ]
check "open part: anonymous is refused" \
  bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$URL/api/tenders/$MAIN/bids/${BID[1]}/parts/2')\" = 401 ]"
refused "open xml: a revoked bid has none" "no opened bid" bidder2 open xml "$MAIN" --bid "${BID[4]}" -o "$T/b4c.xml"
check "a revoked bid has no kept bid.xml" \
  bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$URL/api/tenders/$MAIN/bids/${BID[4]}/xml')\" = 404 ]"
works "bidder1 confirms the record" bidder1 open confirm "$MAIN"
works "bidder3 objects" bidder3 open object "$MAIN" --text "我方报价应为 40300000 元，工期 380 日，请核对。"
refused "a second answer is refused" "et.record.answered" bidder1 open object "$MAIN" --text "again"
refused "a firm not in the record cannot answer" "et.record.bidder" bidder2 open confirm "$MAIN"

# ---- the failed tender and the opening window --------------------------------------------------------------
works "LATE: kh3 releases" kh3 open release "$LATE" --holder-key "$T/home/kh3/$LATE.key" \
  -i "$T/home/kh3/id.key" --witness-key "$WVKEY" --log-key "$LOGKEY"
clock $(( DL + MIN ))
sleep 1.5
check "LATE: within the window it waits" [ "$(phase "$LATE")" = closed ]
clock $(( DL + 3 * MIN ))
check "LATE: the window passed with one key of two: the opening failed (opening.failed)" wait_phase "$LATE" unopened
refused "LATE: a release after the window is refused" "et.open.stage" kh1 open release "$LATE" \
  --holder-key "$T/home/kh1/$LATE.key" -i "$T/home/kh1/id.key" --witness-key "$WVKEY" --log-key "$LOGKEY"

clock "$FEWDL"
check "FEW closed at its moved deadline and failed (two bids, 流标)" wait_phase "$FEW" failed
all_leaves() { curl -sf "$URL/log/entries?start=0&count=1000" | jq -r '.entries[].leaf' | \
               while read -r l; do printf '%s' "$l" | base64 -d; done >"$T/leaves.bin"; }
all_leaves
check "MAIN's bids are named in the log (full reveal at its close, opening record)" grep -aqF "${BID[1]}" "$T/leaves.bin"
check "b1's attachment: the PDF's author and software in its revealed upload metadata" \
  bash -c "grep -aqF '\"author\":\"e2e-author-zhang\"' '$T/leaves.bin' && grep -aqF '\"software\":\"e2e-writer 1.0\"' '$T/leaves.bin'"
check "FEW (流标): only the membership of its confidential leaves is revealed (no bid id in the log)" \
  bash -c "! grep -aqF '$BIDF1' '$T/leaves.bin' && ! grep -aqF '$BIDF2' '$T/leaves.bin'"
works "FEW: status" bidder1 open status "$FEW" --json
check "FEW: 2 received, 1 counted (bidder2 never re-confirmed), failed" bash -c "jq -e '.received == 2 and .counted == 1' '$T/out' >/dev/null"
refused "FEW (流标): no release" "close" kh1 open release "$FEW" --holder-key "$T/home/kh1/$FEW.key" \
  -i "$T/home/kh1/id.key"
refused "FEW: no opening record" "et.open.stage" bidder1 open record "$FEW"

# ---- audits -------------------------------------------------------------------------------------------------
for _ in $(seq 100); do curl -sf "$URL/log/checkpoint" | grep -q '^— witness.test ' && \
  [ "$(curl -sf "$URL/log/checkpoint" | sed -n 2p)" -eq "$(log_size)" ] && break; sleep 0.1; done
works "etender audit verify (witness pinned) replays the close, the releases, the opening" \
  super audit verify --server "$URL" --witness-key "$WVKEY"
kill -TERM "$PID"; wait "$PID"
"$ED" verify --data "$D" >"$T/v.out" 2>&1
check "etenderd verify passes" [ $? -eq 0 ]
sed 's/^/       /' "$T/v.out" | tail -n 2
check "no sanitizer report from etenderd" bash -c "! grep -q 'Sanitizer\|runtime error:' '$T/serve.log'"

e2e_end "e2e opening"
