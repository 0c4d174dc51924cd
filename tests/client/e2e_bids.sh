#!/usr/bin/env bash
# tests/client/e2e_bids.sh — sealed bids end to end: the real etenderd on
# 127.0.0.1 (ephemeral port, test clock) driven only with the real etender
# client: a published tender with three key holders (k = 2), three bidders
# submitting sealed bids, receipts verified offline (and tampered ones
# refused), a copied rival ciphertext refused, an unregistered bidder
# refused, a withdrawal, and `etenderd verify` at the end.
# Usage: e2e_bids.sh PATH/TO/etenderd PATH/TO/etender
ED="$1"
EC="$2"
. "$(dirname "$0")/e2e_lib.sh"

D="$T/data"
"$ED" init --data "$D" >"$T/init.out" 2>&1 || { echo "etenderd init failed"; cat "$T/init.out"; exit 1; }
LOGKEY=$(grep -m1 '^[a-z0-9.]*/log+[0-9a-f]\{8\}+' "$T/init.out")
sed -n 's/^.*one-time password: //p' "$T/init.out" >"$T/admin.pw"
check "init: log key and administrator's password" [ -n "$LOGKEY" ] && [ -s "$T/admin.pw" ]
e2e_serve "$D"
check "etenderd serves" curl -sf "$URL/log/key" -o /dev/null
MIN=60000000
T0=$(( $(date +%s) / 60 * 60 * 1000000 ))
F=$(( T0 + MIN ))
clock "$T0"

# ---- accounts and keys ------------------------------------------------------------
works "login: administrator" admin login --server "$URL" --user admin --password-file "$T/admin.pw"
as admin whoami --json; CENTER=$(jq -r .principal.org "$T/out")
declare -A ORG UID_
UNIQ=0
addorg() { if as admin org add --kind "$2" --legal-name "$3" --credit-code "91330100MA00000$((++UNIQ + 10000))"; then
             ORG[$1]=$(cat "$T/out"); ok "org add $1"; else bad "org add $1: $(cat "$T/err")"; fi; }
addorg tenderer tenderer "江城市第一中学"
addorg agent agent "江城招标代理有限公司"
addorg super supervisor "江城市住房和城乡建设局"
for b in 1 2 3 4; do addorg "b$b" bidder "投标单位$b有限公司"; done
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
for b in 1 2 3 4; do adduser "bidder$b" "b$b" bidder; done
adduser kh1 agent keyholder
adduser kh2 super keyholder
adduser kh3 center keyholder
adduser super super supervisor

# ---- a published tender with three key holders (k = 2) ---------------------------------
TID="JC-BIDS-$RANDOM"
declare -A R
for i in 1 2 3; do
  ETENDER_HOME="$T/home/kh$i" "$EC" holder keygen --tender "$TID" -o "$T/home/kh$i/tender.key" \
    -i "$T/home/kh$i/id.key" >"$T/home/kh$i/holder.txt" 2>/dev/null
  R[$i]=$(sed -n 1p "$T/home/kh$i/holder.txt")
done
cat >"$T/tender.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<tender xmlns="urn:etender:tender:1" formatVersion="1" id="$TID" type="construction">
  <title>江城市第一中学新建教学楼工程施工</title>
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
for b in 1 2 3; do works "register bidder$b" "bidder$b" register --tender "$TID"; done

# ---- sealed bids ------------------------------------------------------------------------------
clock $(( F + 10 * MIN ))
head -c 3000000 /dev/urandom >"$T/technical.pdf"
declare -A BID
for b in 1 2 3; do
  before=$(log_size)
  works "bid submit bidder$b (bid.xml and an attachment, sealed k=2 of 3)" "bidder$b" bid submit \
    --tender "$TID" -i "$T/home/bidder$b/id.key" --offer "1:41${b}0000000:400" \
    --part "$T/technical.pdf" -o "$T/receipt.$b.json"
  BID[$b]=$(sed -n 1p "$T/out")
  check "bid submit bidder$b: one event" [ "$(log_size)" -eq $((before + 1)) ]
  check "receipt bidder$b: index and time of receipt" \
    bash -c "[ \"\$(jq -r .index $T/receipt.$b.json)\" = $before ] && [ \"\$(jq -r .arrival_us $T/receipt.$b.json)\" = $(( F + 10 * MIN )) ]"
  check "receipt bidder$b: 0600" [ "$(stat -c %a "$T/receipt.$b.json")" = 600 ]
done
check "the sealed parts carry only threshold stanzas" \
  bash -c "for f in $D/blobs/*; do head -c 400 \"\$f\" | grep -aq '^-> etender-share' || continue; \
           head -c 2000 \"\$f\" | grep -a '^-> ' | grep -avq '^-> etender-share' && exit 1; done; exit 0"
check "no plaintext price in the blob store" bash -c "! grep -rqa '4110000000' $D/blobs"

# ---- receipts offline ------------------------------------------------------------------------
for b in 1 2 3; do
  works "receipt verify bidder$b (log key given, offline)" "bidder$b" receipt verify \
    --receipt "$T/receipt.$b.json" --log-key "$LOGKEY"
done
works "receipt verify with the pinned log key" bidder1 receipt verify --receipt "$T/receipt.1.json"
jq '.index += 1' "$T/receipt.1.json" >"$T/tamper1.json"
refused "receipt verify: a changed index fails" "verification failed" bidder1 receipt verify \
  --receipt "$T/tamper1.json" --log-key "$LOGKEY"
P0=$(jq -r '.proof[0]' "$T/receipt.1.json")
if [ "${P0:0:1}" = A ]; then FLIP="B${P0:1}"; else FLIP="A${P0:1}"; fi
jq --arg h "$FLIP" '.proof[0] = $h' "$T/receipt.1.json" >"$T/tamper2.json"
check "tamper: the proof hash changed" [ "$P0" != "$FLIP" ]
refused "receipt verify: a changed proof hash fails" "inclusion proof does not verify" bidder1 receipt verify \
  --receipt "$T/tamper2.json" --log-key "$LOGKEY"
jq '.checkpoint |= sub("\n[0-9]+\n"; "\n9\n")' "$T/receipt.1.json" >"$T/tamper3.json"
refused "receipt verify: a changed checkpoint fails" "signature does not verify" bidder1 receipt verify \
  --receipt "$T/tamper3.json" --log-key "$LOGKEY"
OTHER=$(ETENDER_HOME="$T/home/x" "$EC" log init --db "$T/other.db" --origin other.test/log 2>/dev/null | grep -m1 '/log+' || true)
if [ -n "$OTHER" ]; then
  refused "receipt verify: another log's key fails" "signature does not verify" bidder1 receipt verify \
    --receipt "$T/receipt.1.json" --log-key "$OTHER"
fi

# ---- refusals -----------------------------------------------------------------------------------
S1=$(ls -S "$D/blobs" | head -1)   # an attachment's ciphertext, a rival's or its own
before=$(log_size)
refused "a copied rival ciphertext is refused" "et.bid.duplicate" bidder2 bid submit --tender "$TID" \
  -i "$T/home/bidder2/id.key" --offer "1:4100000000:300" --sealed-part "$D/blobs/$S1" -o "$T/copied.json"
check "copied ciphertext: no event, no receipt" bash -c "[ \"\$(curl -sf $URL/log/checkpoint | sed -n 2p)\" -eq $before ] && [ ! -e $T/copied.json ]"
as bidder1 keyholders show --tender "$TID" --recipients; cp "$T/out" "$T/holders.txt"
as bidder1 whoami; EXTRA=$(sed -n 's/^.*X25519: \(age1[a-z0-9]*\).*$/\1/p' "$T/out" | head -1)
ETENDER_HOME="$T/home/bidder1" "$EC" seal --holders "$T/holders.txt" --threshold 2 --tender "$TID" \
  --bid bid-aaaaaaaaaaaaaaaa --part 2 -r "$EXTRA" -o "$T/extra.age" "$T/technical.pdf" 2>"$T/err"
check "a part sealed with an extra recipient is made" [ -s "$T/extra.age" ] && [ -n "$EXTRA" ]
refused "a part with an extra recipient is refused at upload" "et.bid.stanzas" bidder1 bid submit \
  --tender "$TID" -i "$T/home/bidder1/id.key" --offer "1:4100000000:300" --sealed-part "$T/extra.age"
check "the refused part is not kept" [ ! -e "$D/blobs/$(sha256sum "$T/extra.age" | cut -d' ' -f1)" ]
refused "an unregistered bidder is refused" "et.reg.required" bidder4 bid submit --tender "$TID" \
  -i "$T/home/bidder4/id.key" --offer "1:4000000000:300"
refused "a key holder may not bid" "EDENIED" kh1 bid submit --tender "$TID" \
  -i "$T/home/kh1/id.key" --offer "1:4000000000:300"
refused "a bid signed with another key is refused" "et.bid.signature" bidder3 bid submit --tender "$TID" \
  -i "$T/home/bidder2/id.key" --offer "1:4000000000:300"
check "refusals: no event" [ "$(log_size)" -eq "$before" ]

# ---- withdrawal ---------------------------------------------------------------------------------
refused "withdraw another firm's bid" "E" bidder1 bid withdraw --tender "$TID" --bid "${BID[2]}"
works "withdraw bidder2's bid" bidder2 bid withdraw --tender "$TID" --bid "${BID[2]}"
check "withdraw: one event" [ "$(log_size)" -eq $((before + 1)) ]
refused "withdraw twice" "E" bidder2 bid withdraw --tender "$TID" --bid "${BID[2]}"
works "the withdrawn bid's receipt still verifies" bidder2 receipt verify --receipt "$T/receipt.2.json" \
  --log-key "$LOGKEY"

# ---- an amendment after the bids (rules et.amend.bid: reconfirm) ----------------------------------
echo "第3章工程量清单第12项数量更正为 1200 立方米。" >"$T/amend.txt"
works "the agent publishes an amendment after the bids" agent1 clarify --tender "$TID" --file "$T/amend.txt"
DL=$(( F + 25 * MIN ))   # 15 demo "days" after the amendment (cn.reg.21)
works "tender show" agent1 tender show --tender "$TID" --json
check "the late amendment moved the deadline" [ "$(jq -r .schedule.bid_deadline_us "$T/out")" = "$DL" ]
works "bidder1 is told" bidder1 notices
check "bidder1's notice names its bid and re-confirmation" bash -c "grep -q -- '${BID[1]}' $T/out && grep -q reconfirm $T/out"
works "bidder3 is told" bidder3 notices --json
check "bidder3's notice: its bid, not re-confirmed" \
  bash -c "[ \"\$(jq -r '.notices[0].bid' $T/out)\" = '${BID[3]}' ] && [ \"\$(jq -r '.notices[0].reconfirmed' $T/out)\" = false ]"
works "bidder2 (bid withdrawn) has no notice" bidder2 notices
check "no notice for a withdrawn bid" out_has "no notices"
refused "an agent has no bidder notices" "EDENIED" agent1 notices
before=$(log_size)
refused "re-confirm another firm's bid" "et.bid.live" bidder3 bid reconfirm --tender "$TID" --bid "${BID[1]}"
works "bidder1 re-confirms its bid" bidder1 bid reconfirm --tender "$TID" --bid "${BID[1]}"
check "re-confirmation: one event" [ "$(log_size)" -eq $((before + 1)) ]
refused "re-confirm twice" "et.amend.none" bidder1 bid reconfirm --tender "$TID" --bid "${BID[1]}"
works "bidder1's notice shows the re-confirmation" bidder1 notices --json
check "re-confirmed: true" [ "$(jq -r '.notices[0].reconfirmed' "$T/out")" = true ]
before=$(log_size)

# ---- the deadline ----------------------------------------------------------------------------------
clock "$DL"
# the platform closes the tender at its deadline (two bids: it fails, 流标)
for _ in $(seq 100); do curl -sf "$URL/api/tenders/$TID/bidding" | grep -q '"phase":"open"' || break; sleep 0.1; done
check "the closer closed the tender at the deadline (two bids: failed)" \
  bash -c "curl -sf '$URL/api/tenders/$TID/bidding' | grep -q '\"phase\":\"failed\"'"
before=$(log_size)
refused "a bid whose last byte arrives at the deadline is refused" "cn.e.27" bidder3 bid submit \
  --tender "$TID" -i "$T/home/bidder3/id.key" --offer "1:3900000000:300"
check "late bid: no event" [ "$(log_size)" -eq "$before" ]

# ---- the data folder replays ------------------------------------------------------------------
kill -TERM "$PID"; wait "$PID"
check "etenderd verify passes" "$ED" verify --data "$D"
cp -a "$D" "$T/tamper"
rm -f "$T/tamper/blobs/$S1"
"$ED" verify --data "$T/tamper" >"$T/v.out" 2>&1
check "etenderd verify: a missing sealed part is caught" bash -c "[ $? -eq 1 ] && grep -q 'divergence' '$T/v.out'"
sed 's/^/       /' "$T/v.out"
check "no sanitizer report from etenderd" bash -c "! grep -q 'Sanitizer\|runtime error:' '$T/serve.log'"

e2e_end "e2e bids"
