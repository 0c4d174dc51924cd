#!/usr/bin/env bash
# tests/client/e2e_review.sh — the panel's compliance review, explanations of
# abnormally low prices and price adjustments end to end (docs/evaluation.md §3
# "Compliance review"): the real etenderd on 127.0.0.1 (test clock, demo profile:
# a day is a minute) with the real witness, driven with the real etender client.
# A tender whose lot is evaluated by the lowest evaluated price (经评审的最低投标价法),
# six bids opened by 2 of 3 key holders, a drawn panel of 5 with its chair:
# every member records its findings (初步评审); bid 4 fails by 3 of 5 and drops out
# of the ranking, bid 3 failed by 2 of 5 stays valid (cn.panel.review); the
# abnormally low bids 5 and 6 (et.eval.low) are asked to explain; bidder 5 answers,
# bidder 6 lets the time limit pass (its late answer refused); the chair rejects
# both (实施条例 第五十一条, cn.panel.21); with 3 valid bids left the panel may not
# reject all (cn.panel.27); the chair's adjustments reorder the ranking (by hand
# below); the report, its signatures, publicity and the award fix the result, and
# the public replay recomputes the ranking from the review's events: `etender report
# verify`, `etender audit verify`, `etenderd verify`. Refusals: a non-member and a
# bidder reviewing, a second finding, a member not the chair adjusting or asking,
# an adjustment of zero, asking about a bid not flagged or already failed, a bidder
# answering another's explanation, answering twice, rejecting before the answer or
# the time limit, a bidder reading the review; usage errors exit 2 and send nothing.
# Usage: e2e_review.sh PATH/TO/etenderd PATH/TO/etender
ED="$1"
EC="$2"
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
declare -A ORG UID_
UNIQ=0
addorg() { if as admin org add --kind "$2" --legal-name "$3" --credit-code "91330100MA00000$((++UNIQ + 40000))"; then
             ORG[$1]=$(cat "$T/out"); ok "org add $1"; else bad "org add $1: $(cat "$T/err")"; fi; }
addorg tenderer tenderer "江城市水务集团有限公司"
addorg agent agent "江城建设招标代理有限公司"
addorg super supervisor "江城市公共资源交易监督管理局"
for b in 1 2 3 4 5 6; do addorg "b$b" bidder "江城水利建设$b有限公司"; done
ORG[center]=$CENTER
adduser() { # LOGIN ORGKEY ROLE
  if as admin user add --org "${ORG[$2]}" --role "$3" --login "$1" --name "用户$1"; then
    UID_[$1]=$(sed -n 's/^id //p' "$T/out")
    sed -n 's/^initial-password //p' "$T/out" >"$T/pw.$1"
  else bad "user add $1: $(cat "$T/err")"; fi
  as "$1" login --server "$URL" --user "$1" --password-file "$T/pw.$1" || bad "login $1: $(cat "$T/err")"
  ETENDER_HOME="$T/home/$1" "$EC" keygen -o "$T/home/$1/id.key" >/dev/null 2>&1
  as "$1" key register -i "$T/home/$1/id.key" || bad "key register $1: $(cat "$T/err")"
}
adduser agent1 agent agent
for b in 1 2 3 4 5 6; do adduser "bidder$b" "b$b" bidder; done
adduser kh1 agent keyholder
adduser kh2 super keyholder
adduser kh3 center keyholder      # the trading center's duty chief of the draw
adduser super super supervisor
for e in 1 2 3 4 5 6 7 8 9; do adduser "ex$e" center expert; done
check "accounts made" [ -n "${UID_[kh3]:-}" ] && [ -n "${UID_[ex9]:-}" ]
as super pin --server "$URL" --log-key "$LOGKEY" >/dev/null 2>&1 || true

# ---- the tender: one lot, the lowest evaluated price ------------------------------------------
TID="JC-REVIEW-$RANDOM"
declare -A R
for i in 1 2 3; do
  ETENDER_HOME="$T/home/kh$i" "$EC" holder keygen --tender "$TID" -o "$T/home/kh$i/$TID.key" \
    -i "$T/home/kh$i/id.key" >"$T/home/kh$i/$TID.txt" 2>/dev/null
  R[$i]=$(sed -n 1p "$T/home/kh$i/$TID.txt")
done
cat >"$T/$TID.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<tender xmlns="urn:etender:tender:1" formatVersion="1" id="$TID" type="construction">
  <title>江城市东区供水管网改造工程施工</title>
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
      <title>管网施工</title>
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
works "tender draft" agent1 tender draft --file "$T/$TID.xml"
for i in 1 2 3; do
  as "kh$i" holder register --tender "$TID" --file "$T/home/kh$i/$TID.txt" || bad "holder register kh$i: $(cat "$T/err")"
done
works "keyholders propose" agent1 keyholders propose --tender "$TID"
works "keyholders approve" super keyholders approve --tender "$TID"
works "tender publish" agent1 tender publish --tender "$TID"
clock $(( F + MIN ))
for b in 1 2 3 4 5 6; do
  as "bidder$b" register --tender "$TID" || bad "register bidder$b: $(cat "$T/err")"
  as admin deposit record --org "${ORG[b$b]}" --tender "$TID" --amount 800000 --method transfer \
    --payer-name "江城水利建设$b有限公司" --payer-bank "江城银行" --payer-account "62220000000$b" \
    || bad "deposit b$b: $(cat "$T/err")"
done

# ---- the expert pool and the bids -------------------------------------------------------------
{ echo "user,name,phone,id_number,specialties,employer,region,title,years"
  for e in 1 2 3 4 5 6; do echo "${UID_[ex$e]},专家$e,1380000000$e,33010019700101000$e,civil,,江城,高级工程师,1$e"; done
  for e in 7 8 9; do echo "${UID_[ex$e]},专家$e,1390000000$e,33010019800101000$e,cost;civil.cost,,江城,造价工程师,$e"; done
} >"$T/experts.csv"
works "the administrator imports 9 experts" admin expert import --file "$T/experts.csv"
works "expert list" admin expert list --json
declare -A EXP USER_OF
for e in 1 2 3 4 5 6 7 8 9; do
  EXP[ex$e]=$(jq -r ".experts[] | select(.user == \"${UID_[ex$e]}\") | .id" "$T/out")
  USER_OF[${EXP[ex$e]}]=ex$e
done
declare -A BID PRICE
# fen: 42 000 000.00, 41 000 000.00, 41 500 000.00, 40 000 000.00, 25 000 000.00, 26 000 000.00 yuan
PRICE[1]=4200000000; PRICE[2]=4100000000; PRICE[3]=4150000000
PRICE[4]=4000000000; PRICE[5]=2500000000; PRICE[6]=2600000000
for b in 1 2 3 4 5 6; do
  works "bid b$b" "bidder$b" bid submit --tender "$TID" -i "$T/home/bidder$b/id.key" \
    --offer "1:${PRICE[$b]}:300" -o "$T/r$b.json"
  BID[$b]=$(sed -n 1p "$T/out")
done
clock "$DL"
check "the platform closed the tender at the deadline" wait_phase "$TID" closed

# ---- the draw (the supervisor reveals its own value) ------------------------------------------
EVDL=$(( DL + 60 * MIN ))
works "the agent requests the draw: civil 3, cost 2, 1 reserve each" agent1 draw request "$TID" \
  --members 5 --quota civil:3 --quota cost:2 --reserves 1 --duty-chief "${UID_[kh3]}" --deadline "$(utc $EVDL)"
works "the supervisor commits" super draw commit "$TID" --state "$T/home/super/draw.value"
works "the supervisor reveals: the panel is drawn" super draw reveal "$TID" --state "$T/home/super/draw.value"
works "draw show (supervisor)" super draw show "$TID" --json
cp "$T/out" "$T/draw.json"
check "drawn: 5 members and 2 reserves" \
  bash -c "jq -e '.state == \"drawn\" and (.panel.members | length) == 5 and (.panel.reserves | length) == 2' '$T/draw.json' >/dev/null"
PANEL=$(jq -r '.seats[] | select(.state == "member") | .member' "$T/draw.json")
P=(); for m in $PANEL; do P+=("${USER_OF[$m]}"); done
check "5 members hold a seat" [ "${#P[@]}" -eq 5 ]
RES=${USER_OF[$(jq -r '.panel.reserves[0].expert' "$T/draw.json")]}   # a reserve: no seat
refused "a finding before the opening is refused (et.eval.opened)" "et.eval.opened" "${P[0]}" review record "$TID" \
  --lot 1 --bid "${BID[1]}" --pass
works "kh1 releases" kh1 open release "$TID" --holder-key "$T/home/kh1/$TID.key" -i "$T/home/kh1/id.key" \
  --witness-key "$WVKEY" --log-key "$LOGKEY"
works "kh2 releases (k = 2)" kh2 open release "$TID" --holder-key "$T/home/kh2/$TID.key" -i "$T/home/kh2/id.key" \
  --witness-key "$WVKEY" --log-key "$LOGKEY"
check "the opening ran" wait_phase "$TID" opened
CHAIR=$(echo "$PANEL" | sed -n 1p)
for L in "${P[@]:0:3}"; do
  as "$L" panel chair-vote "$TID" --candidate "$CHAIR" || bad "chair vote $L: $(cat "$T/err")"
done
check "the chair (${P[0]}) is elected by 3 of 5" grep -q 'elected' "$T/out"

# ---- usage errors: exit 2, bilingual, nothing sent --------------------------------------------
usage2() { local name="$1"; shift; as "${P[0]}" "$@"; local rc=$?
           if [ $rc -eq 2 ] && grep -q ' / ' "$T/err" && grep -q '用法 / usage' "$T/err"; then ok "$name"
           else bad "$name (rc $rc): $(cat "$T/err")"; fi; }
helps() { local name="$1"; shift; as "${P[0]}" "$@"; local rc=$?
          if [ $rc -eq 0 ] && grep -q '用法 / usage' "$T/out"; then ok "$name"; else bad "$name (rc $rc)"; fi; }
before=$(log_size)
usage2 "review record without --pass or --fail" review record "$TID" --lot 1 --bid "${BID[1]}"
usage2 "review record with both --pass and --fail" review record "$TID" --lot 1 --bid "${BID[1]}" --pass --fail \
  --criterion x --reason y
usage2 "a failing finding without --criterion" review record "$TID" --lot 1 --bid "${BID[1]}" --fail --reason y
usage2 "adjust without --amount" adjust "$TID" --lot 1 --bid "${BID[1]}" --reason y
usage2 "adjust with a malformed --amount" adjust "$TID" --lot 1 --bid "${BID[1]}" --amount 12yuan --reason y
usage2 "explain ask without --due" explain ask "$TID" --lot 1 --bid "${BID[5]}" --question q
usage2 "explain ask with a malformed --due" explain ask "$TID" --lot 1 --bid "${BID[5]}" --question q --due tomorrow
usage2 "explain answer with neither --file nor --text" explain answer "$TID" --id xpl-x
usage2 "explain reject without --reason" explain reject "$TID" --id xpl-x
usage2 "an unknown explain subcommand" explain withdraw "$TID"
check "usage errors: no event" [ "$(log_size)" -eq "$before" ]
helps "review --help" review --help
helps "review record --help" review record --help
helps "adjust --help" adjust --help
helps "explain --help" explain --help
helps "explain answer --help" explain answer --help
check "etender --help lists review, adjust, explain" \
  bash -c "'$EC' --help | grep -q '^  review record|show' && '$EC' --help | grep -q '^  adjust ' && '$EC' --help | grep -q '^  explain ask|list|answer|reject'"

# ---- the compliance review (初步评审) -------------------------------------------------------------
# bid 4: failed by members 0, 1, 2 (3 of 5 > 1/2: fails); bid 3: failed by members 3, 4 (2 of 5:
# not a majority, stays valid); every other finding passes.
refused "a non-member (a reserve) may not review (et.panel.member)" "et.panel.member" "$RES" review record "$TID" \
  --lot 1 --bid "${BID[1]}" --pass
refused "a bidder may not review (et.panel.member)" "et.panel.member" bidder1 review record "$TID" \
  --lot 1 --bid "${BID[2]}" --pass
refused "a finding on a bid not in the lot (et.review.bid)" "et.review.bid" "${P[0]}" review record "$TID" \
  --lot 1 --bid "bid-nosuchbidnosuchbi" --pass
i=0
for L in "${P[@]}"; do
  for b in 1 2 3 4 5 6; do
    if { [ "$b" = 4 ] && [ $i -le 2 ]; } || { [ "$b" = 3 ] && [ $i -ge 3 ]; }; then
      if [ "$b" = 4 ]; then crit="资格审查"; why="项目经理无注册建造师证书"; else crit="响应性审查"; why="工期响应存疑"; fi
      as "$L" review record "$TID" --lot 1 --bid "${BID[$b]}" --fail --criterion "$crit" --reason "$why" \
        || bad "finding $L b$b: $(cat "$T/err")"
    else
      as "$L" review record "$TID" --lot 1 --bid "${BID[$b]}" --pass || bad "finding $L b$b: $(cat "$T/err")"
    fi
  done
  if [ $i -eq 1 ]; then
    works "review show after two failing findings on b4" "${P[2]}" review show "$TID" --json
    check "2 of 5 fail b4: still valid" \
      bash -c "jq -e '.bids[] | select(.bid == \"${BID[4]}\") | .valid' '$T/out' >/dev/null"
  fi
  i=$((i + 1))
done
refused "a second finding by the same member is refused (et.review.exists)" "et.review.exists" "${P[0]}" review \
  record "$TID" --lot 1 --bid "${BID[1]}" --fail --criterion "形式审查" --reason "again"
refused "a bidder may not read the review" "E" bidder4 review show "$TID"
works "review show (a member)" "${P[1]}" review show "$TID" --json
cp "$T/out" "$T/review1.json"
check "30 findings recorded" bash -c "jq -e '(.findings | length) == 30' '$T/review1.json' >/dev/null"
check "b4 fails by 3 of 5 (cn.panel.review), its reason the first failing finding" \
  bash -c "jq -e '.bids[] | select(.bid == \"${BID[4]}\") | (.valid | not) and (.reason | test(\"cn.panel.review, 3 of 5\")) and (.reason | test(\"资格审查\"))' '$T/review1.json' >/dev/null"
check "b3, failed by 2 of 5 only, is valid" \
  bash -c "jq -e '.bids[] | select(.bid == \"${BID[3]}\") | .valid' '$T/review1.json' >/dev/null"
# the valid prices now: b1, b2, b3, b5, b6 → mean 35 100 000.00 yuan, limit 80 % = 28 080 000.00:
# b5 (25 000 000.00) and b6 (26 000 000.00) are abnormally low, the others not
check "b5 and b6 are flagged abnormally low, b1, b2, b3 not (80 % of the mean valid price)" \
  bash -c "jq -e '[.bids[] | select(.abnormally_low) | .bid] | sort == ([\"${BID[5]}\", \"${BID[6]}\"] | sort)' '$T/review1.json' >/dev/null"
works "review show (table)" "${P[1]}" review show "$TID"
sed 's/^/       /' "$T/out" | head -n 12
check "the table shows b4 invalid with its reason and the flags" \
  bash -c "grep -q 'abnormally_low' '$T/out' && grep -q 'failed the compliance review' '$T/out'"

# ---- explanations of abnormally low prices (实施条例 第五十一条) ------------------------------------
NOW=$DL
refused "only the chair asks (et.chair.only)" "et.chair.only" "${P[1]}" explain ask "$TID" --lot 1 --bid "${BID[5]}" \
  --question "请说明报价合理性" --due "$(utc $(( NOW + 5 * MIN )))"
refused "a bid not flagged abnormally low is not asked (et.eval.low)" "et.eval.low" "${P[0]}" explain ask "$TID" \
  --lot 1 --bid "${BID[3]}" --question "请说明报价合理性" --due "$(utc $(( NOW + 5 * MIN )))"
refused "a bid that failed the review is not asked (et.explain.valid)" "et.explain.valid" "${P[0]}" explain ask \
  "$TID" --lot 1 --bid "${BID[4]}" --question "请说明报价合理性" --due "$(utc $(( NOW + 5 * MIN )))"
refused "a time limit past 30 profile days is refused (et.explain.deadline)" "et.explain.deadline" "${P[0]}" \
  explain ask "$TID" --lot 1 --bid "${BID[5]}" --question "请说明" --due "$(utc $(( NOW + 31 * MIN )))"
works "the chair asks bidder 5 to explain its price" "${P[0]}" explain ask "$TID" --lot 1 --bid "${BID[5]}" \
  --question "贵公司报价明显低于其他有效投标报价的平均值，请书面说明报价的合理性并提供证明材料。" \
  --due "$(utc $(( NOW + 5 * MIN )))"
X5=$(sed -n 1p "$T/out")
works "the chair asks bidder 6 to explain its price (a shorter time limit)" "${P[0]}" explain ask "$TID" --lot 1 \
  --bid "${BID[6]}" --question "请书面说明报价的合理性。" --due "$(utc $(( NOW + 2 * MIN )))"
X6=$(sed -n 1p "$T/out")
refused "a second request for the same bid is refused (et.explain.exists)" "et.explain.exists" "${P[0]}" explain ask \
  "$TID" --lot 1 --bid "${BID[5]}" --question "again" --due "$(utc $(( NOW + 5 * MIN )))"
check "the question is public and names no member (explanation.requested by the platform)" \
  bash -c "curl -sf '$URL/log/entries?start=0&count=1000' | jq -r '.entries[].leaf' | while read -r l; do printf '%s' \"\$l\" | base64 -d | tr -d '\\000\\n'; echo; done | grep -a 'explanation.requested' | grep -a '$X5' | grep -a '请说明报价\|报价的合理性' | grep -avq '\"member\"'"
works "bidder 5 reads its explanation request" bidder5 explain list "$TID" --json
check "bidder 5 sees its own request, unanswered" \
  bash -c "jq -e '[.explanations[] | .id] == [\"$X5\"] and (.explanations[0].answered | not)' '$T/out' >/dev/null"
works "bidder 1 (not asked) lists nothing" bidder1 explain list "$TID" --json
check "bidder 1 sees no request" bash -c "jq -e '(.explanations | length) == 0' '$T/out' >/dev/null"
refused "rejecting before the answer or the time limit is refused (et.explain.pending)" "et.explain.pending" \
  "${P[0]}" explain reject "$TID" --id "$X5" --reason "未说明"
printf '%s\n' "本公司报价低于平均价，原因：自有管材生产线，材料成本较市场价低 30%；附供货合同与成本测算表。" >"$T/answer5.txt"
refused "a bidder answering another firm's explanation is refused (et.explain.org)" "et.explain.org" bidder1 \
  explain answer "$TID" --id "$X5" --file "$T/answer5.txt"
refused "an answer file that does not exist" "answer-none" bidder5 explain answer "$TID" --id "$X5" \
  --file "$T/answer-none.txt"
head -c 5000 /dev/zero | tr '\0' 'x' >"$T/answer-long.txt"
before=$(log_size)
refused "an answer longer than 4096 bytes is refused on the client" "4096" bidder5 explain answer "$TID" --id "$X5" \
  --file "$T/answer-long.txt"
check "the refused answers sent nothing" [ "$(log_size)" -eq "$before" ]
works "bidder 5 answers (from its file)" bidder5 explain answer "$TID" --id "$X5" --file "$T/answer5.txt"
refused "a second answer is refused (et.explain.answered)" "et.explain.answered" bidder5 explain answer "$TID" \
  --id "$X5" --text "补充说明"
works "explain list (a member sees all)" "${P[3]}" explain list "$TID"
sed 's/^/       /' "$T/out"
check "the answer is shown with the request" bash -c "grep -q '自有管材生产线' '$T/out' && grep -q '$X6' '$T/out'"
refused "only the chair rejects (et.chair.only)" "et.chair.only" "${P[2]}" explain reject "$TID" --id "$X5" \
  --reason "不能合理说明"
works "the chair rejects bid 5: the answer does not justify the price (cn.panel.21)" "${P[0]}" explain reject \
  "$TID" --id "$X5" --reason "说明未能证明报价不低于成本，供货合同与投标文件不符。"
refused "a second rejection is refused (et.disqualify.exists)" "et.disqualify.exists" "${P[0]}" explain reject \
  "$TID" --id "$X5" --reason "again"
refused "bidder 6's time limit has not passed: no rejection yet (et.explain.pending)" "et.explain.pending" \
  "${P[0]}" explain reject "$TID" --id "$X6" --reason "未答复"
clock $(( NOW + 3 * MIN ))
refused "bidder 6 answers after its time limit: refused (et.explain.deadline)" "et.explain.deadline" bidder6 \
  explain answer "$TID" --id "$X6" --text "迟到的说明"
works "the chair rejects bid 6: no answer by the time limit" "${P[0]}" explain reject "$TID" --id "$X6" \
  --reason "投标人未在规定期限内作出说明。"
works "review show after the explanations" "${P[4]}" review show "$TID" --json
cp "$T/out" "$T/review2.json"
check "b5 and b6 are invalid (cn.panel.21), two rejections recorded" \
  bash -c "jq -e '(.rejections | length) == 2 and ([.bids[] | select(.valid | not) | .bid] | sort) == ([\"${BID[4]}\", \"${BID[5]}\", \"${BID[6]}\"] | sort) and ([.bids[] | select(.bid == \"${BID[5]}\" or .bid == \"${BID[6]}\") | .reason | test(\"cn.panel.21\")] | all)' '$T/review2.json' >/dev/null"
refused "3 valid bids remain: the panel may not reject all (cn.panel.27)" "cn.panel.27" "${P[0]}" panel reject \
  "$TID" --lot 1 --reason "有效投标不足"

# ---- adjustments (经评审的最低投标价法) -------------------------------------------------------------
# Valid: b1 42 000 000.00, b2 41 000 000.00, b3 41 500 000.00 yuan. By price alone: b2, b3, b1.
# The chair: b2 + 600 000.00 (缺项：未报阀门井) + 400 000.00 (工期偏差折价) = 42 000 000.00;
# b1 − 800 000.00 (甲供材料扣减) = 41 200 000.00. By hand the evaluated prices rank
# b1 41 200 000.00 < b3 41 500 000.00 < b2 42 000 000.00: candidates b1, b3, b2.
refused "only the chair adjusts (et.chair.only)" "et.chair.only" "${P[1]}" adjust "$TID" --lot 1 --bid "${BID[2]}" \
  --amount 60000000 --reason "缺项"
refused "an adjustment of zero is refused (et.adjust.amount)" "et.adjust.amount" "${P[0]}" adjust "$TID" --lot 1 \
  --bid "${BID[2]}" --amount 0 --reason "无"
refused "an evaluated price at or below zero is refused (et.adjust.amount)" "et.adjust.amount" "${P[0]}" adjust \
  "$TID" --lot 1 --bid "${BID[2]}" --amount -4100000000 --reason "过度扣减"
works "the chair adds 600 000.00 to b2 (an omitted item)" "${P[0]}" adjust "$TID" --lot 1 --bid "${BID[2]}" \
  --amount 60000000 --reason "缺项：未报阀门井，按其他有效投标最高价补齐"
works "and 400 000.00 to b2 (a deviation in the schedule)" "${P[0]}" adjust "$TID" --lot 1 --bid "${BID[2]}" \
  --amount 40000000 --reason "工期偏差折价"
works "the chair subtracts 800 000.00 from b1" "${P[0]}" adjust "$TID" --lot 1 --bid "${BID[1]}" \
  --amount -80000000 --reason "甲供材料扣减"
works "review show (the evaluated prices)" "${P[0]}" review show "$TID" --json
cp "$T/out" "$T/review3.json"
check "three adjustments; b2's add up to +1 000 000.00, b1's −800 000.00" \
  bash -c "jq -e '(.adjustments | length) == 3 and ([.bids[] | select(.bid == \"${BID[2]}\") | .adjust] == [100000000]) and ([.bids[] | select(.bid == \"${BID[1]}\") | .adjust] == [-80000000])' '$T/review3.json' >/dev/null"
check "by price alone the valid bids rank b2, b3, b1" \
  bash -c "jq -e '[.bids[] | select(.valid)] | sort_by(.price) | map(.bid) == [\"${BID[2]}\", \"${BID[3]}\", \"${BID[1]}\"]' '$T/review3.json' >/dev/null"
works "review show (table, with the evaluated prices)" "${P[0]}" review show "$TID"
check "the table shows b1 evaluated at 41200000.00" bash -c "grep '${BID[1]}' '$T/out' | grep -q -- '-800000.00 *41200000.00'"

# ---- sheets, report: the adjusted ranking ---------------------------------------------------------
mksheet() { # FILE BID POINTS
  cat >"$1" <<EOF
{"lot":"1","bid":"$2","criteria":[{"criterion":"施工组织设计","points":$3,"comment":"符合要求"}]}
EOF
}
i=0
for L in "${P[@]}"; do
  for b in 1 2 3; do
    mksheet "$T/s.$L.$b.json" "${BID[$b]}" $(( 6000 + 100 * i + b ))
    as "$L" score submit "$TID" --file "$T/s.$L.$b.json" -i "$T/home/$L/id.key" || bad "sheet $L b$b: $(cat "$T/err")"
  done
  i=$((i + 1))
done
works "every sheet of a valid bid is in (15)" "${P[1]}" score show "$TID" --json
check "15 sheets, complete: the invalid bids need none" \
  bash -c "jq -e '.complete and (.sheets | length) == 15' '$T/out' >/dev/null"
works "the chair submits the report" "${P[0]}" report submit "$TID" \
  --text "评标委员会经初步评审否决 1 份投标，经澄清否决 2 份异常低价投标，对 3 份有效投标按经评审的最低投标价法评审，推荐中标候选人如下。"
refused "no finding after the report (et.report.exists)" "et.report.exists" "${P[4]}" review record "$TID" --lot 1 \
  --bid "${BID[1]}" --pass
refused "no adjustment after the report (et.report.exists)" "et.report.exists" "${P[0]}" adjust "$TID" --lot 1 \
  --bid "${BID[3]}" --amount 100 --reason "late"
works "report show" "${P[2]}" report show "$TID" --json
cp "$T/out" "$T/report.json"
check "the lot is ranked by the lowest evaluated price; candidates b1, b3, b2 as by hand" \
  bash -c "jq -e '.report.lots[0].inputs.method == \"lowest_evaluated_price\" and [.report.lots[0].candidates[].bid] == [\"${BID[1]}\", \"${BID[3]}\", \"${BID[2]}\"]' '$T/report.json' >/dev/null"
check "evaluated prices 41 200 000.00, 41 500 000.00, 42 000 000.00" \
  bash -c "jq -e '[.report.lots[0].lines[] | select(.rank > 0) | .evaluated] == [4120000000, 4150000000, 4200000000]' '$T/report.json' >/dev/null"
check "b4, b5, b6 are listed invalid (not ranked) with their reasons" \
  bash -c "jq -e '[.report.lots[0].lines[] | select(.reject == \"invalid\") | .bid] | sort == ([\"${BID[4]}\", \"${BID[5]}\", \"${BID[6]}\"] | sort)' '$T/report.json' >/dev/null && jq -e '[.report.lots[0].lines[] | select(.bid == \"${BID[4]}\") | .reason | test(\"cn.panel.review\")] == [true]' '$T/report.json' >/dev/null"
check "the report's inputs carry the standing and the adjustments" \
  bash -c "jq -e '[.report.lots[0].inputs.bids[] | select(.bid == \"${BID[2]}\") | .adjust] == [100000000] and ([.report.lots[0].inputs.bids[] | select(.valid)] | length) == 3' '$T/report.json' >/dev/null"
WIN=$(jq -r '.report.lots[0].candidates[0].bid' "$T/report.json")
for L in "${P[@]}"; do
  as "$L" report sign "$TID" -i "$T/home/$L/id.key" || bad "report sign $L: $(cat "$T/err")"
done
check "the report is final once all five signed" grep -q 'final' "$T/out"

# ---- the result is fixed: the review becomes public and is replayed ----------------------------------
works "the agent publishes the candidates" agent1 result publish "$TID" --lot 1
clock $(( NOW + 10 * MIN ))
works "the agent awards the lot after publicity" agent1 award "$TID" --lot 1
works "result show" bidder1 result show "$TID" --json
check "awarded to b1, first by the evaluated price" bash -c "jq -e '.lots[0].winner_bid == \"${BID[1]}\"' '$T/out' >/dev/null && [ '$WIN' = '${BID[1]}' ]"
works "the public checks the report (etender report verify)" bidder3 report verify "$TID"
sed 's/^/       /' "$T/out"
check "report verify: 15 signed sheets, candidates b1, b3, b2" \
  bash -c "grep -q '15 sheets signed' '$T/out' && grep -q 'candidates: 1. ${BID[1]} 2. ${BID[3]} 3. ${BID[2]}' '$T/out'"
for _ in $(seq 100); do curl -sf "$URL/log/checkpoint" | grep -q '^— witness.test ' && \
  [ "$(curl -sf "$URL/log/checkpoint" | sed -n 2p)" -eq "$(log_size)" ] && break; sleep 0.1; done
works "etender audit verify replays the review, the explanations, the adjustments and the ranking" \
  super audit verify --server "$URL" --witness-key "$WVKEY"
kill -TERM "$PID"; wait "$PID"
"$ED" verify --data "$D" >"$T/v.out" 2>&1
check "etenderd verify passes (the report's inputs regathered with the review)" [ $? -eq 0 ]
sed 's/^/       /' "$T/v.out" | tail -n 3
check "no sanitizer report from etenderd" bash -c "! grep -q 'Sanitizer\|runtime error:' '$T/serve.log'"

e2e_end "e2e review"
