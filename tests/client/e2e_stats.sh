#!/usr/bin/env bash
# tests/client/e2e_stats.sh — statistics end to end (issue 6): the real
# etenderd on 127.0.0.1 (ephemeral port, test clock) driven only with the
# real `etender` client, one config dir per person. A statistician imports
# the hand-computed dataset of docs/statistics.md §2; a bad file, a code
# imported twice and an import by another role are refused and change
# nothing (log size unchanged); reports in every format with the figures
# checked against the hand computation, the split comparison, OCDS release
# packages validated against the OCDS 1.1.5 schemas with the bids extension
# merged (python3-jsonschema, draft 4, local files only), SVG charts checked
# with xmllint; a published tender that is not closed shows no count of
# registrations, downloads or bids (招标投标法 Art. 22) even with two firms
# registered and a download made; `etender audit verify` replays the stats
# events.
# Usage: e2e_stats.sh PATH/TO/etenderd PATH/TO/etender
ED="$1"
EC="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
VEC="$HERE/../vectors/ocds"
VALIDATE="$HERE/../stats/ocds_validate.py"
. "$HERE/e2e_lib.sh"

for tool in jq xmllint python3; do
  command -v "$tool" >/dev/null || { echo "FAIL - $tool is needed (scripts/deps.sh)"; exit 1; }
done
python3 -c 'import jsonschema' 2>/dev/null || { echo "FAIL - python3-jsonschema is needed (scripts/deps.sh)"; exit 1; }

# ---- the platform ---------------------------------------------------------------
D="$T/data"
"$ED" init --data "$D" --center-name "江城市公共资源交易中心" >"$T/init.out" 2>&1 || { echo "etenderd init failed"; cat "$T/init.out"; exit 1; }
ADMINPW=$(sed -n 's/^.*one-time password: //p' "$T/init.out")
printf '%s\n' "$ADMINPW" >"$T/admin.pw"
e2e_serve "$D"
check "etenderd serves" curl -sf "$URL/log/key" -o /dev/null
MIN=60000000
T0=$(( $(date +%s) / 60 * 60 * 1000000 ))
F=$(( T0 + MIN ))
clock "$T0"

works "login: administrator" admin login --server "$URL" --user admin --password-file "$T/admin.pw"
as admin whoami --json; CENTER=$(jq_out .principal.org)
declare -A ORG UID_
UNIQ=0
addorg() { # KEY KIND NAME
  if as admin org add --kind "$2" --legal-name "$3" --credit-code "91330100MA00000$((++UNIQ + 10000))" \
       --address "江城市某路$((++UNIQ + 10000))号" --phone "0571-8800$((++UNIQ + 10000))"; then ORG[$1]=$(cat "$T/out"); ok "org add $1"
  else bad "org add $1: $(cat "$T/err")"; fi
}
addorg tenderer tenderer "江城市第二中学"
addorg agent agent "江城招标代理有限公司"
addorg b1 bidder "江城建工集团有限公司"
addorg b2 bidder "富春建设有限公司"
addorg super supervisor "江城市住房和城乡建设局"
ORG[center]=$CENTER
adduser() { # LOGIN ORGKEY ROLE
  if as admin user add --org "${ORG[$2]}" --role "$3" --login "$1" --name "用户$1" \
       --phone "137000$((++UNIQ + 10000))" --id-number "33010019900101$((++UNIQ + 10000))"; then
    UID_[$1]=$(sed -n 's/^id //p' "$T/out")
    sed -n 's/^initial-password //p' "$T/out" >"$T/pw.$1"
  else bad "user add $1: $(cat "$T/err")"; fi
  works "login $1" "$1" login --server "$URL" --user "$1" --password-file "$T/pw.$1"
}
adduser stat center statistician
adduser agent1 agent agent
adduser bidder1 b1 bidder
adduser bidder2 b2 bidder
adduser kh1 agent keyholder
adduser kh2 super keyholder
adduser super super supervisor

# ---- import ------------------------------------------------------------------------
HDR='code,type,title,control_price_yuan,winning_price_yuan,registered,bidders,opened_at,agent'
cat >"$T/good.csv" <<EOF
$HDR
A,construction,"一标段, 土建",1000000.00,880000.00,10,8,2023-03-10,甲代理
B,procurement,设备采购,200000,190000,4,3,2023-06-01T09:00,乙代理
C,land,地块出让,5000000,6000000,3,3,2024-02-01,
D,construction,教学楼,3000000,2700000.01,20,12,2024-05-05T08:30:00+08:00,甲代理
EOF
before=$(log_size)
works "stats import: the statistician" stat stats import --csv "$T/good.csv"
check "stats import: four projects" out_has '^imported 4$'
check "stats import: four events" [ "$(log_size)" -eq $((before + 4)) ]

# bad rows: all or nothing, the line and the reason in both languages
size=$(log_size)
printf '%s\nE,asset,x,1,1,1,1,2024-01-01,\nF,asset,x,1,1,1,2,2024-01-01,\n' "$HDR" >"$T/bad.csv"
refused "stats import: more bidders than registered (line 3)" "line 3: more bidders than registered firms" \
  stat stats import --csv "$T/bad.csv"
check "stats import refused: the Chinese reason names line 3" grep -q '第 3 行' "$T/err"
printf '%s\nG,construction,x,100,101,2,1,2024-01-01,\n' "$HDR" >"$T/bad2.csv"
refused "stats import: winning above control for construction" "line 2" stat stats import --csv "$T/bad2.csv"
printf '%s\nH,asset,x,1.234,1,1,1,2024-01-01,\n' "$HDR" >"$T/bad3.csv"
refused "stats import: three decimals" "line 2" stat stats import --csv "$T/bad3.csv"
printf 'code,type\nI,land\n' >"$T/bad4.csv"
refused "stats import: a header without the columns" "EINVAL" stat stats import --csv "$T/bad4.csv"
printf '%s\nJ,asset,x,1,1,1,1,2024-01-01,\nB,asset,x,1,1,1,1,2024-01-01,\n' "$HDR" >"$T/again.csv"
refused "stats import: a code imported before" "EEXIST" stat stats import --csv "$T/again.csv"
check "stats import refused: line 3 named" grep -q 'line 3: code already imported' "$T/err"
refused "stats import: not by the administrator" "et.auth.role" admin stats import --csv "$T/good.csv"
refused "stats import: not by a bidder" "et.auth.role" bidder1 stats import --csv "$T/good.csv"
check "refused imports changed nothing (log size)" [ "$(log_size)" -eq "$size" ]
as stat stats import; check "stats import without --csv: usage error, exit 2" [ $? -eq 2 ]
refused "stats import: a missing file" "ENOENT\|No such file\|EIO" stat stats import --csv "$T/none.csv"

# ---- reports ------------------------------------------------------------------------
works "stats report --format json" stat stats report --format json
check "json: one period of 4 projects" [ "$(jq_out '.periods | length') $(jq_out '.periods[0].projects')" = "1 4" ]
check "json: control total 920000000 fen" [ "$(jq_out '.periods[0].control_total_fen')" = 920000000 ]
check "json: winning total 977000001 fen" [ "$(jq_out '.periods[0].winning_total_fen')" = 977000001 ]
check "json: savings -57000001 fen" [ "$(jq_out '.periods[0].savings_fen')" = -57000001 ]
check "json: mean rate 20999999/1200000000 = 0.0174999991666667" out_has '"mean_discount_rate":0.0174999991666667'
check "json: weighted rate -57000001/920000000" out_has '"weighted_discount_rate":-0.061956522826087'
check "json: mean registered 9.25, mean bidders 6.5" \
  bash -c "grep -q '\"mean_registered\":9.25' $T/out && grep -q '\"mean_bidders\":6.5' $T/out"
check "json: no comparison without a split" [ "$(jq_out 'has("comparison")')" = false ]

works "stats report --split-at 2024-01-01 --format json" stat stats report --split-at 2024-01-01 --format json
check "split: before (A, B) and after (C, D)" \
  [ "$(jq_out '[.periods[].projects] | join(",")')" = "2,2" ]
check "split: before ends 2023-12-31, after starts 2024-01-01" \
  [ "$(jq_out '.periods[0].to + " " + .periods[1].from')" = "2023-12-31 2024-01-01" ]
check "split: registered ratio 23/14" out_has '"registered_ratio":1.64285714285714'
check "split: bidders ratio 15/11" out_has '"bidders_ratio":1.36363636363636'
check "split: mean rate delta -13.5000001666667 pp" out_has '"mean_rate_delta_pp":-13.5000001666667'
check "split: weighted rate delta -19.5833334583333 pp" out_has '"weighted_rate_delta_pp":-19.5833334583333'
check "split: extra savings (weighted) -156666668 fen, rounded once" \
  [ "$(jq_out '.comparison.extra_savings_weighted_fen')" = -156666668 ]
check "split: extra savings (mean) -108000001 fen" [ "$(jq_out '.comparison.extra_savings_mean_fen')" = -108000001 ]

works "stats report: empty period (a year without projects)" stat stats report --from 2025-01-01 --to 2025-12-31 --format json
check "empty period: 0 projects, null rates" \
  [ "$(jq_out '[.periods[0].projects, .periods[0].mean_discount_rate, .periods[0].weighted_discount_rate] | map(tostring) | join(",")')" = "0,null,null" ]
works "stats report: land above its reserve" stat stats report --type land --format json
check "land: one project, rate -1/5" \
  bash -c "jq -e '.periods[0].projects == 1' $T/out >/dev/null && grep -q '\"mean_discount_rate\":-0.2' $T/out"
works "stats report --by type --format csv" stat stats report --by type --format csv
check "csv: header and four types" \
  bash -c "head -1 $T/out | grep -q '^label,from,to,projects,control_total_fen' && [ \$(wc -l <$T/out) -eq 5 ]"
check "csv: construction line" grep -q '^construction,,,2,400000000,358000001,41999999,' "$T/out"
works "stats report --by month --format table" stat stats report --by month --format table
check "table: the months" bash -c "grep -q '2023-03' $T/out && grep -q '2024-05' $T/out"
works "stats report --by agent" stat stats report --by agent --format json
check "by agent: 甲代理 has two projects" [ "$(jq_out '.periods[] | select(.label=="甲代理") | .projects')" = 2 ]
works "stats report --by year --format json" stat stats report --by year --format json
check "by year: 2023 and 2024" [ "$(jq_out '[.periods[].label] | join(",")')" = "2023,2024" ]
works "stats report --split-at --format text (annual-report paragraph)" stat stats report --split-at 2024-01-01 --format text
check "text: the after period in 亿元 and percent, from the exact figures" \
  grep -q '共完成项目2个，控制价合计0.08亿元，总交易金额0.09亿元，节约资金-0.01亿元；平均下浮率-5.00%，加权下浮率-8.75%；平均每个项目报名单位11.50家、投标单位7.50家' "$T/out"
check "text: the comparison with before" \
  bash -c "grep -q '与此前' $T/out && grep -q '为此前的1.64倍' $T/out && grep -q '加权下浮率降低19.58个百分点' $T/out"
works "stats report: default format table" stat stats report
check "table: totals in yuan, rates in percent" \
  bash -c "grep -q ' 9200000.00 ' $T/out && grep -q ' -570000.01 ' $T/out && grep -q ' 1.75 ' $T/out && grep -q ' -6.20 ' $T/out"
refused "stats report: split with by" "EINVAL" stat stats report --split-at 2024-01-01 --by type
refused "stats report: a bad date" "YYYY-MM-DD" stat stats report --from 2024-13-01
refused "stats report: a bad type" "EINVAL" stat stats report --type pirate
refused "stats report: only a statistician" "et.auth.role" agent1 stats report --format json
refused "stats report: not the administrator either" "et.auth.role" admin stats report --format json
as stat stats report --format xml; check "stats report: unknown format, exit 2" [ $? -eq 2 ]

# ---- a platform tender: published, two firms registered, a download, not closed -------------
TID="JC-STATS-$RANDOM"
for i in 1 2; do
  ETENDER_HOME="$T/home/kh$i" "$EC" keygen -o "$T/home/kh$i/id.key" >/dev/null 2>&1
  works "key register kh$i" "kh$i" key register -i "$T/home/kh$i/id.key"
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
      <controlPrice currency="CNY">1234567801</controlPrice>
      <evaluation><lowestEvaluatedPrice/></evaluation>
    </lot>
  </lots>
  <keyHolders threshold="2">
    <holder index="1" org="${ORG[agent]}" holder="${UID_[kh1]}" recipient="${R[1]}"/>
    <holder index="2" org="${ORG[super]}" holder="${UID_[kh2]}" recipient="${R[2]}"/>
  </keyHolders>
</tender>
EOF
works "tender draft" agent1 tender draft --file "$T/tender.xml"
for i in 1 2; do works "holder register kh$i" "kh$i" holder register --tender "$TID" --file "$T/home/kh$i/holder.txt"; done
works "keyholders propose" agent1 keyholders propose --tender "$TID"
works "keyholders approve" super keyholders approve --tender "$TID"
head -c 10000 /dev/urandom >"$T/doc.pdf"
works "document upload" agent1 document upload --tender "$TID" --kind documents "$T/doc.pdf"
DOC=$(sed -n 1p "$T/out")
works "tender publish" agent1 tender publish --tender "$TID"
clock $(( F + MIN ))
works "register bidder1" bidder1 register --tender "$TID"
works "register bidder2" bidder2 register --tender "$TID"
works "download (bidder1)" bidder1 document download --tender "$TID" --doc "$DOC" -o "$T/b1.pdf"

# ---- open data: OCDS, counts secret before the close -----------------------------------
works "stats report --format ocds" stat stats report --format ocds
cp "$T/out" "$T/all.ocds.json"
check "ocds: valid against OCDS 1.1.5 + bids extension (draft 4, local schemas)" \
  python3 "$VALIDATE" "$VEC" "$T/all.ocds.json"
check "ocds: published by the trading center" [ "$(jq_out .publisher.name)" = "江城市公共资源交易中心" ]
check "ocds: four imported releases and the platform tender" \
  [ "$(jq_out '.releases | length')" = 5 ]
check "ocds: tender value = control price, award value = winning price (A)" \
  [ "$(jq_out '.releases[] | select(.tender.id=="A") | "\(.tender.value.amount) \(.awards[0].value.amount) \(.tender.numberOfTenderers)"')" = "1000000 880000 8" ]
check "ocds: bids.statistics bids 12 and requests 20 (D)" \
  [ "$(jq_out '.releases[] | select(.tender.id=="D") | [.bids.statistics[] | "\(.measure)=\(.value)"] | join(",")')" = "bids=12,requests=20" ]
check "ocds: exact amounts (2700000.01)" grep -q '"amount":2700000.01,' "$T/all.ocds.json"
check "ocds: the open tender's control price 12345678.01" \
  [ "$(jq_out ".releases[] | select(.tender.id==\"$TID\") | .tender.value.amount")" = 12345678.01 ]
check "Art. 22: the open tender has no numberOfTenderers" \
  [ "$(jq_out ".releases[] | select(.tender.id==\"$TID\") | .tender | has(\"numberOfTenderers\")")" = false ]
check "Art. 22: the open tender has no bids statistics" \
  [ "$(jq_out ".releases[] | select(.tender.id==\"$TID\") | has(\"bids\")")" = false ]
check "Art. 22: no registration, download or bid count anywhere in its release" \
  bash -c "jq -c '.releases[] | select(.tender.id==\"$TID\")' $T/all.ocds.json | grep -v -q 'requests\|download\|numberOf\|statistics\|${ORG[b1]}\|${ORG[b2]}'"
works "stats report json with the open tender" stat stats report --format json
check "Art. 22: the JSON statistics neither name nor count the open tender" \
  bash -c "! grep -q '$TID\|${ORG[b1]}' $T/out && [ \"\$(jq -r '.periods[0].projects' $T/out)\" = 4 ]"
# after the close the counts are public: the closer closes the tender at its deadline
# (no bid: 流标), then the release counts the 2 registrations and 0 tenderers
clock $(( F + 21 * MIN ))
for _ in $(seq 100); do curl -sf "$URL/api/tenders/$TID/bidding" | grep -q '"phase":"open"' || break; sleep 0.1; done
check "the closer closed the open tender at its deadline (no bid: failed)" \
  bash -c "curl -sf '$URL/api/tenders/$TID/bidding' | grep -q '\"phase\":\"failed\"'"
works "stats report --format ocds after the close" stat stats report --format ocds
check "after the close: numberOfTenderers 0 and requests 2 (the registrations)" \
  [ "$(jq_out ".releases[] | select(.tender.id==\"$TID\") | \"\(.tender.numberOfTenderers) \([.bids.statistics[] | select(.measure==\"requests\") | .value] | add)\"")" = "0 2" ]
check "after the close: still no download count" \
  bash -c "! jq -c '.releases[] | select(.tender.id==\"$TID\")' $T/out | grep -q download"
check "after the close: the package is still valid" python3 "$VALIDATE" "$VEC" "$T/out"
works "stats report --type land --format ocds" stat stats report --type land --format ocds
check "ocds: filtered by type, still valid" \
  bash -c "[ \"\$(jq -r '.releases | length' $T/out)\" = 1 ] && python3 '$VALIDATE' '$VEC' $T/out >/dev/null"
refused "ocds: an empty selection is refused (a package needs a release)" "ENOTFOUND" \
  stat stats report --from 2030-01-01 --format ocds
printf '{"uri":"urn:x","version":"1.1","publishedDate":"2024-01-01T00:00:00Z","publisher":{"name":"x"},"releases":[{"ocid":"o","id":"1","date":"2024-01-01T00:00:00Z","tag":["award"],"initiationType":"tender","bids":{"statistics":[{"id":"1","measure":"bids"}]}}]}' >"$T/invalid.json"
check "ocds validator: refuses a statistic without its value (the extension is merged)" \
  bash -c "! python3 '$VALIDATE' '$VEC' $T/invalid.json >/dev/null"

# ---- charts ---------------------------------------------------------------------------
works "stats chart --out DIR" stat stats chart --out "$T/charts"
for f in discount-by-month savings-by-month discount-by-type savings-by-type; do
  check "chart $f.svg: well-formed XML" xmllint --noout "$T/charts/$f.svg"
  check "chart $f.svg: an accessible title and description" \
    bash -c "grep -q '<title id=\"title\">' '$T/charts/$f.svg' && grep -q '<desc id=\"desc\">' '$T/charts/$f.svg' && grep -q 'aria-labelledby' '$T/charts/$f.svg'"
  check "chart $f.svg: no external resource, no script" \
    bash -c "! grep -q 'href\|<script\|<image\|@import\|url(' '$T/charts/$f.svg'"
done
check "chart by month: one bar group per month (4)" \
  [ "$(grep -c '<text x="[0-9.]*" y="322" text-anchor="middle">' "$T/charts/discount-by-month.svg")" = 4 ]
check "chart by type: the four types" \
  bash -c "for t in construction procurement land asset; do grep -q \">\$t</text>\" '$T/charts/savings-by-type.svg' || exit 1; done"
check "chart by type: the land sale above its reserve is a negative saving" \
  grep -q 'land 节约资金（万元）savings (10k yuan): -100.00' "$T/charts/savings-by-type.svg"
works "stats chart --type construction" stat stats chart --out "$T/charts2" --type construction
check "chart: filtered, valid" xmllint --noout "$T/charts2/discount-by-type.svg"
as stat stats chart; check "stats chart without --out: usage error, exit 2" [ $? -eq 2 ]
as stat stats chart --out "$T/charts4" --split-at 2024-01-01
check "stats chart --split-at: usage error, exit 2, no folder" bash -c "[ $? -eq 2 ] && [ ! -e '$T/charts4' ]"
refused "stats chart: only a statistician" "et.auth.role" agent1 stats chart --out "$T/charts3"

# ---- the audit replays the stats events ------------------------------------------------
works "audit verify (supervisor): replay includes outcome.imported" super audit verify --server "$URL"
check "audit verify: the replay (with outcome.imported) is ok" out_has "^replay  *ok: "
kill -TERM "$PID"; wait "$PID"
check "etenderd verify: the data folder replays" "$ED" verify --data "$D"
check "no sanitizer report from etenderd" bash -c "! grep -q 'Sanitizer\|runtime error:' '$T/serve.log'"

e2e_end "e2e stats"
