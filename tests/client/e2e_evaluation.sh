#!/usr/bin/env bash
# tests/client/e2e_evaluation.sh — evaluation and award end to end (issue 5
# point 7): the real etenderd on 127.0.0.1 (test clock, demo profile: a day
# is a minute) with the real witness, driven with the real etender client.
# A tender from publication to contract: 5 bids sealed and opened by 2 of 3
# key holders; an expert pool imported from CSV (a bad file refused, naming
# its line); an expert avoided for a declared relation with a bidder; the
# draw: the supervisor commits (value kept 0600, sealed to the duty chief's
# registered key), refuses to reveal, the duty chief opens its sealed copy
# and reveals — the panel of 5 is drawn; an expert scoring before the
# opening refused; a member declines and the first reserve takes its seat;
# the declined expert's sheet refused; more time asked by one member (not
# enough) then by a second (> 1/3: extended); signed sheets sealed until all
# are in (a member sees its own only, the agent nothing), a second sheet for
# the same bid refused; the chair elected; a dissent; the report — the lot
# scored comprehensively (price 30 by the lowest price, technical 40,
# business 30; the candidates and the winner's score computed by hand), a
# flagged pair (bidders 4 and 5 paid their deposits from one account; still
# ranked: a flag, never a rejection) and a price pattern — signed by all
# five (checked against its SHA-256 first); candidates published, an
# objection and its answer, an award during publicity refused, the award
# (the result fixed: the evaluation revealed), a contract at another price
# refused, the contract, deposits released; the opening record, the report
# and the award notice printed as HTML (xmllint) with their log references;
# and the replay: `etender draw verify` recomputes the panel from the log,
# `etender report verify` checks every sheet's signature and the report's
# inputs, `etender audit verify` replays every event (the apply functions
# recompute the draw and the ranking), `etenderd verify`.
# Usage: e2e_evaluation.sh PATH/TO/etenderd PATH/TO/etender
ED="$1"
EC="$2"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/e2e_lib.sh"
cd "$T" || exit 1
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
e2e_serve "$D" --witness "$WURL" --witness-key "$WVKEY"
check "etenderd serves" curl -sf "$URL/log/key" -o /dev/null
MIN=60000000
T0=$(( $(date +%s) / 60 * 60 * 1000000 ))
F=$(( T0 + MIN ))
clock "$T0"
DL=$(( F + 21 * MIN ))

# ---- accounts and keys ----------------------------------------------------------------------
works "login: administrator" admin login --server "$URL" --user admin --password-file "$T/admin.pw"
as admin whoami --json; CENTER=$(jq -r .principal.org "$T/out")
declare -A ORG UID_ LOGIN_OF
UNIQ=0
addorg() { if as admin org add --kind "$2" --legal-name "$3" --credit-code "91330100MA00000$((++UNIQ + 30000))"; then
             ORG[$1]=$(cat "$T/out"); ok "org add $1"; else bad "org add $1: $(cat "$T/err")"; fi; }
addorg tenderer tenderer "江城市第二中学"
addorg agent agent "江城建设招标代理有限公司"
addorg super supervisor "江城市公共资源交易监督管理局"
for b in 1 2 3 4 5; do addorg "b$b" bidder "江城建工$b有限公司"; done
ORG[center]=$CENTER
adduser() { # LOGIN ORGKEY ROLE
  if as admin user add --org "${ORG[$2]}" --role "$3" --login "$1" --name "用户$1"; then
    UID_[$1]=$(sed -n 's/^id //p' "$T/out"); LOGIN_OF[${UID_[$1]}]=$1
    sed -n 's/^initial-password //p' "$T/out" >"$T/pw.$1"
  else bad "user add $1: $(cat "$T/err")"; fi
  as "$1" login --server "$URL" --user "$1" --password-file "$T/pw.$1" || bad "login $1: $(cat "$T/err")"
  ETENDER_HOME="$T/home/$1" "$EC" keygen -o "$T/home/$1/id.key" >/dev/null 2>&1
  as "$1" key register -i "$T/home/$1/id.key" || bad "key register $1: $(cat "$T/err")"
}
adduser agent1 agent agent
for b in 1 2 3 4 5; do adduser "bidder$b" "b$b" bidder; done
adduser kh1 agent keyholder
adduser kh2 super keyholder
adduser kh3 center keyholder      # the trading center's duty chief of the draw
adduser super super supervisor
for e in 1 2 3 4 5 6 7 8 9; do adduser "ex$e" center expert; done
check "accounts made" [ -n "${UID_[kh3]:-}" ] && [ -n "${UID_[ex9]:-}" ]
as super pin --server "$URL" --log-key "$LOGKEY" >/dev/null 2>&1 || true
as bidder1 pin --server "$URL" --log-key "$LOGKEY" >/dev/null 2>&1 || true

# ---- the tender -------------------------------------------------------------------------------
TID="JC-EVAL-$RANDOM"
declare -A R
for i in 1 2 3; do
  ETENDER_HOME="$T/home/kh$i" "$EC" holder keygen --tender "$TID" -o "$T/home/kh$i/$TID.key" \
    -i "$T/home/kh$i/id.key" >"$T/home/kh$i/$TID.txt" 2>/dev/null
  R[$i]=$(sed -n 1p "$T/home/kh$i/$TID.txt")
done
cat >"$T/$TID.xml" <<EOF
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
    <bidDeadline>$(utc $DL)</bidDeadline>
  </schedule>
  <qualification jointVenture="false"/>
  <lots>
    <lot id="1">
      <title>施工总承包</title>
      <controlPrice currency="CNY">4560000000</controlPrice>
      <evaluation>
        <comprehensive>
          <weights price="30" technical="40" business="30"/>
          <priceScoring method="lowest-price-base" penaltyAboveBp="0" penaltyBelowBp="0"/>
        </comprehensive>
      </evaluation>
    </lot>
  </lots>
  <keyHolders threshold="2">
    <holder index="1" org="${ORG[agent]}" holder="${UID_[kh1]}" recipient="${R[1]}"/>
    <holder index="2" org="${ORG[super]}" holder="${UID_[kh2]}" recipient="${R[2]}"/>
    <holder index="3" org="${ORG[center]}" holder="${UID_[kh3]}" recipient="${R[3]}"/>
  </keyHolders>
</tender>
EOF
works "tender draft" agent1 tender draft --file "$T/$TID.xml"
for i in 1 2 3; do
  as "kh$i" holder register --tender "$TID" --file "$T/home/kh$i/$TID.txt" || bad "holder register kh$i: $(cat "$T/err")"
done
works "keyholders propose" agent1 keyholders propose --tender "$TID"
works "keyholders approve" super keyholders approve --tender "$TID"
works "tender publish" agent1 tender publish --tender "$TID"
clock $(( F + MIN ))
for b in 1 2 3 4 5; do
  as "bidder$b" register --tender "$TID" || bad "register bidder$b: $(cat "$T/err")"
  [ "$b" -ge 4 ] && continue
  works "deposit for b$b (this tender)" admin deposit record --org "${ORG[b$b]}" --tender "$TID" \
    --amount 800000 --method transfer --payer-name "江城建工$b有限公司" --payer-bank "江城银行" \
    --payer-account "62220000000$b"
done
# bidders 4 and 5 pay their deposits from one account (a collusion signal for the panel)
for b in 4 5; do
  works "deposit for b$b (this tender) from the same account as its partner" admin deposit record \
    --org "${ORG[b$b]}" --tender "$TID" --amount 800000 --method transfer --payer-name "江城某某贸易有限公司" \
    --payer-bank "江城银行" --payer-account "6222000099990045"
done

# ---- the expert pool: CSV import ----------------------------------------------------------------
{ echo "user,name,phone,id_number,specialties,employer,region,title,years"
  for e in 1 2 3 4 5 6; do echo "${UID_[ex$e]},专家$e,1380000000$e,33010019700101000$e,civil,,江城,高级工程师,1$e"; done
  for e in 7 8 9; do echo "${UID_[ex$e]},专家$e,1390000000$e,33010019800101000$e,cost;civil.cost,,江城,造价工程师,$e"; done
} >"$T/experts.csv"
{ head -n 3 "$T/experts.csv"; echo "${UID_[ex4]},专家4,1,2,civil,,江城,高工,七十"; } >"$T/bad.csv"
before=$(log_size)
refused "a CSV with a bad row is refused, naming its line" "line 4" admin expert import --file "$T/bad.csv"
check "the bad CSV changed nothing" [ "$(log_size)" -eq "$before" ]
refused "an agent may not import experts" "et.auth.role" agent1 expert import --file "$T/experts.csv"
works "the administrator imports 9 experts from CSV" admin expert import --file "$T/experts.csv"
check "9 imported" grep -q 'imported: 9' "$T/out"
works "expert list" admin expert list --json
declare -A EXP USER_OF
for e in 1 2 3 4 5 6 7 8 9; do
  EXP[ex$e]=$(jq -r ".experts[] | select(.user == \"${UID_[ex$e]}\") | .id" "$T/out")
  USER_OF[${EXP[ex$e]}]=ex$e
done
check "the pool has no personal data" bash -c "! grep -q '1380000000' '$T/out'"
# ex1 declares its own relation with bidder 2: avoided at the draw (cn.panel.12)
works "ex1 declares its employment relation with bidder 2" ex1 expert relation "${EXP[ex1]}" \
  --org "${ORG[b2]}" --kind employment
refused "an expert may not declare another's relation" "E" ex2 expert relation "${EXP[ex3]}" \
  --org "${ORG[b2]}" --kind employment

# ---- bids ---------------------------------------------------------------------------------------
declare -A BID PRICE
PRICE[1]=4210000000; PRICE[2]=4150000000; PRICE[3]=4180000000; PRICE[4]=4320000000; PRICE[5]=4260000000
# b4 and b5 also attach the same file (sealed separately, so their sealed parts differ; the
# plaintext signal compares bid.xml only, so this raises nothing yet)
head -c 300000 /dev/urandom >"$T/shared-technical.pdf"
for b in 1 2 3 4 5; do
  extra=(); [ "$b" -ge 4 ] && extra=(--part "$T/shared-technical.pdf")
  works "bid b$b" "bidder$b" bid submit --tender "$TID" -i "$T/home/bidder$b/id.key" \
    --offer "1:${PRICE[$b]}:400" "${extra[@]}" -o "$T/r$b.json"
  BID[$b]=$(sed -n 1p "$T/out")
done
refused "no draw before the close (et.draw.stage)" "et.draw.stage" agent1 draw request "$TID" --members 5 \
  --quota civil:3 --quota cost:2 --reserves 1 --duty-chief "${UID_[kh3]}" --deadline "$(utc $(( DL + 60 * MIN )))"
clock "$DL"
check "the platform closed the tender at the deadline" wait_phase "$TID" closed

# ---- usage errors: exit 2, bilingual, nothing sent ----------------------------------------------
usage2() { local name="$1"; shift; as agent1 "$@"; local rc=$?
           if [ $rc -eq 2 ] && grep -q ' / ' "$T/err" && grep -q '用法 / usage' "$T/err"; then ok "$name"
           else bad "$name (rc $rc): $(cat "$T/err")"; fi; }
before=$(log_size)
usage2 "draw request without quotas is a usage error" draw request "$TID" --members 5 --reserves 1
usage2 "a malformed --quota is a usage error" draw request "$TID" --members 5 --quota civil --reserves 1 \
  --duty-chief x --deadline "$(utc $DL)"
usage2 "score submit without -i is a usage error" score submit "$TID" --file x.json
usage2 "draw reveal without --state or -i is a usage error" draw reveal "$TID"
usage2 "an unknown subcommand is a usage error" panel sit "$TID"
check "usage errors: no event" [ "$(log_size)" -eq "$before" ]

# ---- the draw -------------------------------------------------------------------------------------
EVDL=$(( DL + 60 * MIN ))
refused "a bidder may not request the draw" "E" bidder1 draw request "$TID" --members 5 \
  --quota civil:3 --quota cost:2 --reserves 1 --duty-chief "${UID_[kh3]}" --deadline "$(utc $EVDL)"
refused "the duty chief must be a key holder of the trading center" "et.draw.duty_chief" agent1 draw request \
  "$TID" --members 5 --quota civil:3 --quota cost:2 --reserves 1 --duty-chief "${UID_[kh1]}" --deadline "$(utc $EVDL)"
works "the agent requests the draw: civil 3, cost 2, 1 reserve each, duty chief kh3" agent1 draw request "$TID" \
  --members 5 --quota civil:3 --quota cost:2 --reserves 1 --duty-chief "${UID_[kh3]}" --deadline "$(utc $EVDL)"
works "draw show (public: state and commitments only)" bidder1 draw show "$TID" --json
check "the public sees no request before the result" bash -c "jq -e '.state == \"requested\" and (has(\"request\") | not)' '$T/out' >/dev/null"
refused "the duty chief (a key holder, not a supervisor) may not commit" "et.auth.role" kh3 draw commit "$TID" \
  --state "$T/home/kh3/value"
check "the refused commit left no value file" [ ! -e "$T/home/kh3/value" ]
works "the supervisor commits (its value kept here, sealed to the duty chief's key)" super draw commit "$TID" \
  --state "$T/home/super/draw.value"
check "the value file is 0600" [ "$(stat -c %a "$T/home/super/draw.value")" = 600 ]
check "the commit named the duty chief's registered key" grep -q "${UID_[kh3]} (age1" "$T/out"
works "draw show" super draw show "$TID" --json
cp "$T/out" "$T/draw1.json"
check "both commitments logged, the platform's value revealed, the supervisor's not: committed" \
  bash -c "jq -e '.state == \"committed\" and (.commitment_supervisor | length) == 64 and (.commitment_platform | length) == 64 and .value_supervisor == \"\"' '$T/draw1.json' >/dev/null"
check "the supervisor's commitment is SHA-256 of its kept value" \
  bash -c "[ \"\$(cut -d' ' -f3 '$T/home/super/draw.value' | tr -d '\n' | xxd -r -p | sha256sum | cut -d' ' -f1)\" = \"\$(jq -r .commitment_supervisor '$T/draw1.json')\" ]"
refused "a second commit is refused" "et.draw.committed" super draw commit "$TID" --state "$T/home/super/draw2.value"
# the supervisor refuses to reveal; the duty chief overcomes it from its sealed copy
refused "another identity cannot open the sealed copy" "does not open" kh2 draw reveal "$TID" --party supervisor \
  -i "$T/home/kh2/id.key"
cp "$T/home/super/draw.value" "$T/home/super/open.value"; chmod 644 "$T/home/super/open.value"
refused "a value file readable by others is refused" "0600" super draw reveal "$TID" --state "$T/home/super/open.value"
refused "a supervisor's value file of another tender is refused" "not this tender" super draw reveal "OTHER-1" \
  --state "$T/home/super/draw.value"
works "the duty chief opens the supervisor's sealed value and reveals it: the panel is drawn" kh3 draw reveal \
  "$TID" --party supervisor -i "$T/home/kh3/id.key"
refused "the supervisor's late reveal after the draw is refused" "drawn" super draw reveal "$TID" \
  --state "$T/home/super/draw.value"
works "draw show (supervisor)" super draw show "$TID" --json
cp "$T/out" "$T/draw.json"
check "drawn: 5 members (3 civil, 2 cost) and 2 reserves" \
  bash -c "jq -e '.state == \"drawn\" and (.panel.members | length) == 5 and (.panel.reserves | length) == 2 and ([.panel.members[] | select(.specialty == \"civil\")] | length) == 3' '$T/draw.json' >/dev/null"
check "the supervisor's revealed value is the one it kept" \
  bash -c "[ \"\$(jq -r .value_supervisor '$T/draw.json')\" = \"\$(cut -d' ' -f3 '$T/home/super/draw.value' | tr -d '\n')\" ]"
check "ex1 is avoided for its declared relation with a bidder (cn.panel.12)" \
  bash -c "jq -e '.panel.avoided[] | select(.expert == \"${EXP[ex1]}\") | (.reason | startswith(\"relation:employment\"))' '$T/draw.json' >/dev/null"
check "ex1 is not a candidate" bash -c "! jq -e '.panel.candidates[] | select(.expert == \"${EXP[ex1]}\")' '$T/draw.json' >/dev/null"
refused "the public does not see the panel before the result is fixed" "panel" bidder1 draw verify "$TID"
works "the supervisor recomputes the draw (etender draw verify)" super draw verify "$TID"
sed 's/^/       /' "$T/out"
MEMBERS=$(jq -r '.panel.members[].expert' "$T/draw.json")
RES_CIVIL=$(jq -r '.panel.reserves[] | select(.specialty == "civil") | .expert' "$T/draw.json")
M1=$(echo "$MEMBERS" | sed -n 1p)       # the first civil member: it will decline
L1=${USER_OF[$M1]}

# ---- before the opening -----------------------------------------------------------------------------
mksheet() { # FILE BID TECH BUS   (the price is scored by the method, not by the experts)
  cat >"$1" <<EOF
{"lot":"1","bid":"$2","criteria":[{"criterion":"技术标","points":$3,"comment":"施工组织设计合理"},
 {"criterion":"商务标","points":$4,"comment":""}]}
EOF
}
mksheet "$T/early.json" "${BID[1]}" 3000 2000
refused "an expert scoring before the opening is refused (et.eval.opened)" "et.eval.opened" "$L1" score submit \
  "$TID" --file "$T/early.json" -i "$T/home/$L1/id.key"
works "kh1 releases" kh1 open release "$TID" --holder-key "$T/home/kh1/$TID.key" -i "$T/home/kh1/id.key" \
  --witness-key "$WVKEY" --log-key "$LOGKEY"
works "kh2 releases (k = 2)" kh2 open release "$TID" --holder-key "$T/home/kh2/$TID.key" -i "$T/home/kh2/id.key" \
  --witness-key "$WVKEY" --log-key "$LOGKEY"
check "the opening ran" wait_phase "$TID" opened
works "bids show (the panel sees the opened bids)" "$L1" bids show "$TID"
check "5 opened bids listed" [ "$(grep -c ' opened ' "$T/out")" -eq 5 ]

# ---- the panel: a replacement, more time ------------------------------------------------------------------
works "$L1 declines: the civil reserve takes its seat" "$L1" panel decline "$TID" --reason "出差在外，无法参加评标"
works "draw show after the replacement" super draw show "$TID" --json
check "the reserve $RES_CIVIL now holds a member seat, $M1 is out" \
  bash -c "jq -e '([.seats[] | select(.member == \"$RES_CIVIL\" and .state == \"member\")] | length) == 1 and ([.seats[] | select(.member == \"$M1\" and .state == \"out\")] | length) == 1' '$T/out' >/dev/null"
PANEL=$(jq -r '.seats[] | select(.state == "member") | .member' "$T/out")
check "5 members hold a seat" [ "$(echo "$PANEL" | wc -l)" -eq 5 ]
mksheet "$T/out1.json" "${BID[1]}" 3000 2000
refused "a non-member scoring is refused (the expert who declined)" "et.panel.member" "$L1" score submit "$TID" \
  --file "$T/out1.json" -i "$T/home/$L1/id.key"
refused "a bidder scoring is refused" "et.panel.member" bidder1 score submit "$TID" --file "$T/out1.json" \
  -i "$T/home/bidder1/id.key"
P=(); for m in $PANEL; do P+=("${USER_OF[$m]}"); done
# the decrypted attachments the opening kept: the panel's members read them, others do not
works "a seated member streams bid 4's decrypted attachment (open part)" "${P[0]}" open part "$TID" \
  --bid "${BID[4]}" --part 2 -o "$T/b4-part2.pdf"
check "it is the bidder's file" cmp -s "$T/shared-technical.pdf" "$T/b4-part2.pdf"
refused "the expert who declined may not read attachments" "et.att.reader" "$L1" open part "$TID" \
  --bid "${BID[4]}" --part 2 -o "$T/x.pdf"
refused "a bidder may not read another's attachment" "et.att.reader" bidder1 open part "$TID" \
  --bid "${BID[4]}" --part 2 -o "$T/x.pdf"
works "a member lists its own seats (panel seats)" "${P[0]}" panel seats --json
check "its seat on this tender: member" \
  bash -c "jq -e '[.seats[] | select(.tender == \"$TID\") | .state] == [\"member\"]' '$T/out' >/dev/null"
works "the expert who declined lists its seats" "$L1" panel seats --json
check "its seat on this tender: out" \
  bash -c "jq -e '[.seats[] | select(.tender == \"$TID\") | .state] == [\"out\"]' '$T/out' >/dev/null"
refused "a bidder has no seats to list" "E" bidder1 panel seats
works "${P[0]} asks for more time" "${P[0]}" panel extend "$TID" --reason "投标文件较多，需要更多时间"
check "one request of five: not extended" bash -c "! grep -q 'extended' '$T/out'"
refused "a second request by the same member is refused" "et.extension.exists" "${P[0]}" panel extend "$TID" \
  --reason "again"
works "${P[1]} asks for more time too: 2 of 5 > 1/3, extended (cn.reg.48)" "${P[1]}" panel extend "$TID" \
  --reason "同意延长"
check "extended" grep -q 'extended' "$T/out"
check "the extension is public (evaluation.extended) and moved the deadline by one demo day" \
  bash -c "curl -sf '$URL/log/entries?start=0&count=1000' | jq -r '.entries[].leaf' | while read -r l; do printf '%s' \"\$l\" | base64 -d; done | grep -aq 'evaluation.extended'"

# ---- score sheets -------------------------------------------------------------------------------------------
# member i (0..4) gives bid b: technical TECH[b] + 50 i (of 40 points), business 15 + b (of 30),
# in hundredths. Comprehensive scoring, price 30 by the lowest price (base 41 500 000.00 yuan),
# technical + business 70; the 5 totals trimmed (highest and lowest dropped) → by hand:
#   b3 57.00 + 30 × 4150/4180 = 86.78, b1 53.00 + 29.57 = 82.57, b5 53.00 + 29.23 = 82.23,
#   b2 52.00 + 30.00 = 82.00, b4 50.00 + 28.82 = 78.82: candidates b3, b1, b5
declare -A TECH=([1]=3600 [2]=3400 [3]=3800 [4]=3000 [5]=3200)
i=0
for m in $PANEL; do
  L=${USER_OF[$m]}
  for b in 1 2 3 4 5; do
    mksheet "$T/s.$L.$b.json" "${BID[$b]}" $(( TECH[$b] + i * 50 )) $(( 1500 + b * 100 ))
  done
  i=$((i + 1))
done
L0=${P[0]}
works "$L0 signs and submits its sheet for b1" "$L0" score submit "$TID" --file "$T/s.$L0.1.json" -i "$T/home/$L0/id.key"
refused "a member scoring the same bid twice is refused (et.sheet.exists)" "et.sheet.exists" "$L0" score submit \
  "$TID" --file "$T/s.$L0.1.json" -i "$T/home/$L0/id.key"
refused "a sheet signed with another key is refused (et.sheet.signature)" "et.sheet.signature" "$L0" score submit \
  "$TID" --file "$T/s.$L0.2.json" -i "$T/home/bidder1/id.key"
for b in 2 3 4 5; do
  as "$L0" score submit "$TID" --file "$T/s.$L0.$b.json" -i "$T/home/$L0/id.key" || bad "sheet $L0 b$b: $(cat "$T/err")"
done
L1b=${P[1]}
as "$L1b" score submit "$TID" --file "$T/s.$L1b.1.json" -i "$T/home/$L1b/id.key" || bad "sheet $L1b b1: $(cat "$T/err")"
works "a member sees its own sheets only while sealed" "$L1b" score show "$TID" --json
check "sealed: $L1b sees 1 sheet, its own" \
  bash -c "jq -e '(.complete | not) and (.sheets | length) == 1' '$T/out' >/dev/null"
as agent1 score show "$TID" --json; rc=$?
check "the agent cannot see the sealed sheets" \
  bash -c "[ $rc -ne 0 ] || jq -e '(.sheets | length) == 0' '$T/out' >/dev/null"
CHAIR=$(echo "$PANEL" | sed -n 1p)
for L in "${P[@]:0:3}"; do
  as "$L" panel chair-vote "$TID" --candidate "$CHAIR" || bad "chair vote $L: $(cat "$T/err")"
done
check "the chair is elected by 3 of 5" grep -q 'elected' "$T/out"
refused "no vote after the election" "et.chair.elected" "${P[4]}" panel chair-vote "$TID" --candidate "$CHAIR"
refused "no report before every sheet is in" "et.report.sheets" "$L0" report submit "$TID" --text "x"
for L in "${P[@]:1}"; do
  for b in 1 2 3 4 5; do
    [ "$L" = "$L1b" ] && [ "$b" = 1 ] && continue
    as "$L" score submit "$TID" --file "$T/s.$L.$b.json" -i "$T/home/$L/id.key" || bad "sheet $L b$b: $(cat "$T/err")"
  done
done
works "every sheet is in: a member sees all" "$L1b" score show "$TID" --json
cp "$T/out" "$T/sheets.json"
check "25 sheets, complete" bash -c "jq -e '.complete and (.sheets | length) == 25' '$T/out' >/dev/null"

# ---- chair, dissent, report -----------------------------------------------------------------------------------
works "a member records its dissent" "${P[4]}" panel dissent "$TID" --text "本人认为 3 号投标的技术标得分偏高。"
refused "only the chair submits the report" "E" "${P[1]}" report submit "$TID" --text "x"
works "the chair submits the report" "${P[0]}" report submit "$TID" \
  --text "评标委员会按招标文件规定的评标办法对 5 份有效投标进行了评审，推荐中标候选人如下。"
works "report show" "${P[2]}" report show "$TID" --json
cp "$T/out" "$T/report.json"
check "the report ranks 3 candidates, 1 dissent" \
  bash -c "jq -e '(.report.lots[0].candidates | length) == 3 and .report.dissents == 1' '$T/report.json' >/dev/null"
check "the real ranking: comprehensive scoring (the lot's method), candidates b3, b1, b5 as by hand" \
  bash -c "jq -e '.report.lots[0].inputs.method == \"comprehensive\" and [.report.lots[0].candidates[].bid] == [\"${BID[3]}\", \"${BID[1]}\", \"${BID[5]}\"]' '$T/report.json' >/dev/null"
check "b3 scores 86.78 (57.00 by the experts, trimmed, + 29.78 for the price)" \
  bash -c "jq -e '.report.lots[0].candidates[0].score == 8678' '$T/report.json' >/dev/null"
check "a flagged colluding pair: b4 and b5 paid their deposits from one account (same_deposit_account)" \
  bash -c "jq -e '[.report.lots[0].signals[] | select(.kind == \"same_deposit_account\") | (.bids | sort)] | any(. == ([\"${BID[4]}\", \"${BID[5]}\"] | sort))' '$T/report.json' >/dev/null"
check "a signal is a flag, not a rejection: b4 and b5 are still ranked" \
  bash -c "jq -e '[.report.lots[0].lines[] | select((.bid == \"${BID[4]}\" or .bid == \"${BID[5]}\") and .rank > 0)] | length == 2' '$T/report.json' >/dev/null"
check "a second signal for that pair: the same attached file (same_plain_part, from the decrypted attachments)" \
  bash -c "jq -e '[.report.lots[0].signals[] | select(.kind == \"same_plain_part\") | (.bids | sort)] | any(. == ([\"${BID[4]}\", \"${BID[5]}\"] | sort))' '$T/report.json' >/dev/null"
works "report show (table) shows the signals to the panel" "${P[2]}" report show "$TID"
sed 's/^/       /' "$T/out"
check "report show names the same-account signal" grep -q 'same_deposit_account' "$T/out"
WIN=$(jq -r '.report.lots[0].candidates[0].bid' "$T/report.json")
WINPRICE=$(jq -r '.report.lots[0].candidates[0].price' "$T/report.json")
for L in "${P[@]}"; do
  as "$L" report sign "$TID" -i "$T/home/$L/id.key" || bad "report sign $L: $(cat "$T/err")"
done
check "the report is final once all five signed" grep -q 'final' "$T/out"
refused "a second signature is refused" "et.report.signed" "${P[0]}" report sign "$TID" -i "$T/home/${P[0]}/id.key"

# ---- result: publicity, objection, award, contract, deposits --------------------------------------------------
works "the agent publishes the candidates" agent1 result publish "$TID" --lot 1
works "result show (public)" bidder4 result show "$TID" --json
check "candidates public, the winner first" bash -c "jq -e '.lots[0].candidates | tostring | test(\"$WIN\")' '$T/out' >/dev/null"
works "bidder 4 objects during publicity" bidder4 objection lodge "$TID" --lot 1 --text "第一中标候选人的项目经理业绩存疑，请核查。"
OBJ=$(sed -n 1p "$T/out")
refused "the award waits for publicity to end (cn.reg.54)" "cn.reg.54" agent1 award "$TID" --lot 1
works "the agent answers the objection" agent1 objection answer "$TID" --objection "$OBJ" \
  --text "经核查，项目经理业绩真实有效，异议不成立。"
clock $(( DL + 10 * MIN ))
refused "a bidder cannot award" "E" bidder1 award "$TID" --lot 1
works "the agent awards the lot after publicity" agent1 award "$TID" --lot 1
works "result show" bidder1 result show "$TID" --json
check "awarded to the first candidate" bash -c "jq -e '.lots[0].winner_bid == \"$WIN\"' '$T/out' >/dev/null"
refused "a contract at another price is refused (cn.law.46)" "cn.law.46" agent1 contract record "$TID" --lot 1 \
  --price $(( WINPRICE - 100000 )) --signed "$(utc $(( DL + 10 * MIN )))"
works "the contract at the winning price" agent1 contract record "$TID" --lot 1 --price "$WINPRICE" \
  --signed "$(utc $(( DL + 10 * MIN )))"
refused "only the administrator releases deposits" "E" agent1 deposit release "$TID"
works "the administrator releases the deposits" admin deposit release "$TID"
works "result show (table)" bidder1 result show "$TID"
sed 's/^/       /' "$T/out"
check "the result shows the contract and the release" bash -c "grep -q '合同 / contract' '$T/out' && grep -q 'deposits released' '$T/out'"

# ---- statistics: the awarded lot is a platform project (ev_award) --------------------------------------------
adduser stat1 center statistician
works "a statistician's report (JSON) over the platform's awards" stat1 stats report --format json
check "one project: control price 45,600,000.00 yuan, the winning price, 5 registered, 5 bidders" \
  bash -c "jq -e '.periods[0] | .projects == 1 and .control_total_fen == 4560000000 and .winning_total_fen == $WINPRICE and .mean_registered == 5 and .mean_bidders == 5' '$T/out' >/dev/null"
works "the awarded lot in OCDS" stat1 stats report --format ocds
check "OCDS: the award release (lot 1) is in the tender's process; award value = winning price, 5 tenderers" \
  bash -c "jq -e '.releases[] | select(.id==\"$TID/1-award\") | .ocid == \"ocds-etender-$TID\" and .tender.id == \"$TID\" and .tender.numberOfTenderers == 5 and (.awards[0].value.amount * 100 | round) == $WINPRICE' '$T/out' >/dev/null"
check "OCDS: the package is valid (OCDS 1.1.5 + bids extension, local schemas)" \
  python3 "$HERE/../stats/ocds_validate.py" "$HERE/../vectors/ocds" "$T/out"
check "OCDS: the tender's own release has the same ocid" \
  bash -c "jq -e '[.releases[] | select(.tender.id==\"$TID\") | .ocid] | unique == [\"ocds-etender-$TID\"]' '$T/out' >/dev/null"

# ---- the result is fixed: everything is public and checkable --------------------------------------------------
works "the public now recomputes the draw from the log (etender draw verify)" bidder1 draw verify "$TID"
sed 's/^/       /' "$T/out"
check "draw verify used the pinned log key" grep -q 'pinned log key' "$T/out"
works "the public checks the sheets, the report's inputs and signatures (etender report verify)" bidder3 report verify "$TID"
sed 's/^/       /' "$T/out"
check "report verify: 25 signed sheets, the inputs and the candidates checked" \
  bash -c "grep -q '25 sheets signed' '$T/out' && grep -q 'candidates: 1. $WIN' '$T/out'"
works "the public sees every sheet once the result is fixed" bidder2 score show "$TID" --json
check "25 sheets public" bash -c "jq -e '(.sheets | length) == 25' '$T/out' >/dev/null"
for doc in opening report award; do
  works "print $doc" bidder1 print "$doc" --tender "$TID" -o "$T/$doc.html"
  check "$doc.html is valid HTML (xmllint --html)" bash -c "xmllint --html --noout '$T/$doc.html' 2>'$T/xml.err' && ! [ -s '$T/xml.err' ]"
  check "$doc.html has its log references and no external resource" \
    bash -c "grep -q '叶子序号 / leaf' '$T/$doc.html' && grep -q '检查点 / checkpoint' '$T/$doc.html' && ! grep -qi 'src=\|href=\|@import\|url(' '$T/$doc.html'"
done
check "the opening record names the five bids" bash -c "for b in ${BID[*]}; do grep -q \"\$b\" '$T/opening.html' || exit 1; done"
check "the report is printed Chinese first, with five signatures and the winner" \
  bash -c "grep -q '评标报告 / Report' '$T/report.html' && [ \$(grep -o '<tr><td>exp-' '$T/report.html' | wc -l) -ge 10 ] && grep -q '$WIN' '$T/report.html'"
check "the printed report shows the collusion signals" \
  bash -c "grep -q '串通投标迹象' '$T/report.html' && grep -q 'same_deposit_account' '$T/report.html'"
check "the printed panel is the one that signed: the reserve replacing the expert who declined" \
  bash -c "grep -q '备选专家递补 / a reserve replacing $M1' '$T/report.html' && grep -q '<td>$RES_CIVIL</td>' '$T/report.html'"
check "the award notice names the winner and every bidder's notice" \
  bash -c "grep -q '$WIN' '$T/award.html' && [ \$(grep -c '未中标 / not awarded' '$T/award.html') -eq 4 ] && grep -q '合同 / contract' '$T/award.html'"
check "the report's confidential leaves were opened and checked against their commitments" \
  grep -q 'opened and checked against its commitment' "$T/report.html"
refused "print: a tender with no opening" "E" bidder1 print opening --tender "NO-SUCH-TENDER" -o "$T/x.html"
check "no file written for a refusal" [ ! -e "$T/x.html" ]

# ---- replay -------------------------------------------------------------------------------------------------------
for _ in $(seq 100); do curl -sf "$URL/log/checkpoint" | grep -q '^— witness.test ' && \
  [ "$(curl -sf "$URL/log/checkpoint" | sed -n 2p)" -eq "$(log_size)" ] && break; sleep 0.1; done
works "etender audit verify replays the evaluation (the panel and the ranking recomputed by their apply functions)" \
  super audit verify --server "$URL" --witness-key "$WVKEY"
kill -TERM "$PID"; wait "$PID"
"$ED" verify --data "$D" >"$T/v.out" 2>&1
check "etenderd verify passes (ev_draw_verify_all recomputes the panel)" [ $? -eq 0 ]
sed 's/^/       /' "$T/v.out" | tail -n 3
check "no sanitizer report from etenderd" bash -c "! grep -q 'Sanitizer\|runtime error:' '$T/serve.log'"

e2e_end "e2e evaluation"
