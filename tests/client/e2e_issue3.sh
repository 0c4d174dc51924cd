#!/usr/bin/env bash
# tests/client/e2e_issue3.sh — issue 3 end to end: the real etenderd on
# 127.0.0.1 (ephemeral port, test clock) pushing to the supervisor's real
# witness (`etender witness serve`), driven only with the real `etender`
# client, one config dir per person: the administrator creates users of
# every role, everyone registers keys, an agent drafts and publishes a tender
# whose three key holders (two organisations and more) register per-tender
# keys and whose set a supervisor approves; documents, registration, a
# question, clarifications, the two-person deadline change, confidentiality
# (G4) from the agent's and another bidder's side, `etender audit verify`
# with the witness pinned, and tampering behind the server's back caught by
# `etenderd verify` and `etender audit verify`.
# Usage: e2e_issue3.sh PATH/TO/etenderd PATH/TO/etender
ED="$1"
EC="$2"
. "$(dirname "$0")/e2e_lib.sh"

# ---- the platform and the supervisor's witness -------------------------------
D="$T/data"
"$ED" init --data "$D" >"$T/init.out" 2>&1 || { echo "etenderd init failed"; cat "$T/init.out"; exit 1; }
LOGKEY=$(grep -m1 '^[a-z0-9.]*/log+[0-9a-f]\{8\}+' "$T/init.out")
ADMINPW=$(sed -n 's/^.*one-time password: //p' "$T/init.out")
printf '%s\n' "$ADMINPW" >"$T/admin.pw"
check "init: log key and administrator's password" [ -n "$LOGKEY" ] && [ -n "$ADMINPW" ]

WVKEY=$("$EC" witness keygen --name witness.test -o "$T/witness.key" 2>/dev/null)
mkdir -m 700 "$T/wit"
"$EC" witness serve --listen 127.0.0.1:0 --data "$T/wit" --name witness.test \
   --log-key "$LOGKEY" --key "$T/witness.key" >"$T/wit.out" 2>"$T/wit.err" &
WPID=$!; PIDS+=("$WPID")
for _ in $(seq 500); do grep -q '^listen ' "$T/wit.out" 2>/dev/null && break; sleep 0.01; done
WURL="http://$(sed -n 's/^listen //p' "$T/wit.out")"
check "witness serves" [ "$WURL" != "http://" ]

# start DIR [ARGS...]: serve DIR on a new port; sets PID and URL
start() { local PORT=0; e2e_serve "$@"; }
stop() { kill -TERM "$PID"; wait "$PID"; }
start "$D" --witness "$WURL" --witness-key "$WVKEY"
check "etenderd serves" curl -sf "$URL/log/key" -o /dev/null

MIN=60000000
T0=$(( $(date +%s) / 60 * 60 * 1000000 ))
F=$(( T0 + MIN ))            # documents issued one minute after "now"
clock "$T0"
check "test clock" curl -sf -X POST "$URL/api/test/clock" -d "{\"now_us\":$T0}" -o /dev/null

# ---- administrator ----------------------------------------------------------------
refused "login: a wrong password" "EAUTH" admin login --server "$URL" --user admin \
  --password-file <(echo 'not the password')
works "login: administrator" admin login --server "$URL" --user admin --password-file "$T/admin.pw"
check "login: the log key is pinned on first use, fingerprint shown" grep -q 'fingerprint' "$T/err"
check "login: session file is 0600" bash -c "[ \"\$(stat -c %a $T/home/admin/servers/*/session)\" = 600 ]"
check "login: the token is not printed" bash -c "! grep -q 'et1\.' $T/out $T/err"
works "whoami: administrator" admin whoami --json
CENTER=$(jq_out .principal.org)
check "whoami: admin role" bash -c "jq -e '.principal.roles | index(\"admin\")' $T/out >/dev/null"

declare -A ORG UID_ PW
UNIQ=0   # distinct credit codes, addresses, phone and id numbers
addorg() { # KEY KIND NAME
  if as admin org add --kind "$2" --legal-name "$3" --credit-code "91330100MA00000$((++UNIQ + 10000))" \
       --address "江城市某路$((++UNIQ + 10000))号" --phone "0571-8800$((++UNIQ + 10000))"; then ORG[$1]=$(cat "$T/out"); ok "org add $1"
  else bad "org add $1: $(cat "$T/err")"; fi
}
addorg tenderer tenderer "江城市第一中学"
addorg agent agent "江城招标代理有限公司"
addorg agento agent "另一招标代理有限公司"
addorg b1 bidder "江城建工集团有限公司"
addorg b2 bidder "富春建设有限公司"
addorg b3 bidder "失信建筑有限公司"
addorg b4 bidder "钱塘路桥有限公司"
addorg super supervisor "江城市住房和城乡建设局"
ORG[center]=$CENTER
refused "org add: a bad kind" "EINVAL" admin org add --kind pirate --legal-name x
refused "org add: refused without a login" "not logged in" nobody org add --server "$URL" --kind bidder --legal-name x

adduser() { # LOGIN ORGKEY ROLE
  if as admin user add --org "${ORG[$2]}" --role "$3" --login "$1" --name "用户$1" \
       --phone "137000$((++UNIQ + 10000))" --id-number "33010019900101$((++UNIQ + 10000))"; then
    UID_[$1]=$(sed -n 's/^id //p' "$T/out"); PW[$1]=$(sed -n 's/^initial-password //p' "$T/out")
    printf '%s\n' "${PW[$1]}" >"$T/pw.$1"
    if [ -n "${UID_[$1]}" ] && [ ${#PW[$1]} -ge 10 ]; then ok "user add $1 ($3): id and initial password"
    else bad "user add $1: $(cat "$T/out")"; fi
  else bad "user add $1: $(cat "$T/err")"; fi
  works "login $1" "$1" login --server "$URL" --user "$1" --password-file "$T/pw.$1"
}
adduser agent1 agent agent
adduser agent2 agent agent
adduser agento agento agent
adduser bidder1 b1 bidder
adduser bidder2 b2 bidder
adduser bidder3 b3 bidder
adduser bidder4 b4 bidder
adduser kh1 agent keyholder
adduser kh2 super keyholder
adduser kh3 center keyholder
adduser super super supervisor
adduser stat center statistician
adduser expert1 center expert
refused "user add: a taken login" "EEXIST" admin user add --org "${ORG[agent]}" --role agent --login agent1
refused "user add: a role the org kind does not admit" "EDENIED\|EINVAL" admin user add \
  --org "${ORG[b1]}" --role supervisor --login nope1
refused "user add: only administrators" "EDENIED" agent1 user add --org "${ORG[agent]}" --role agent --login nope2
works "user show: public record" agent1 user show --user "${UID_[kh1]}" --json
check "user show: no personal details" bash -c "! grep -q '用户kh1\|137000' $T/out"
works "credit add: firm 3 barred" admin credit add --org "${ORG[b3]}" --basis "江建罚〔2026〕12号" \
  --from "$(( T0 - 86400000000 ))" --until "$(utc $(( T0 + 400 * 86400000000 )))"
works "statistician logs in and lists tenders" stat tender list
# typed at the terminal: prompted, not echoed (script(1) gives it a pty)
if command -v script >/dev/null; then
  (sleep 1; printf '%s\n' "${PW[stat]}") | ETENDER_HOME="$T/home/stat" \
    script -qec "'$EC' login --server '$URL' --user stat" "$T/typescript" >/dev/null 2>&1
  check "login: password typed at a prompt" grep -q 'logged in' "$T/typescript"
  check "login: the typed password is not echoed" bash -c "! grep -qF -- '${PW[stat]}' '$T/typescript'"
fi

# ---- every person registers keys (proof of possession) ----------------------------
for u in admin agent1 agent2 agento bidder1 bidder2 bidder3 bidder4 kh1 kh2 kh3 super stat expert1; do
  ETENDER_HOME="$T/home/$u" "$EC" keygen -o "$T/home/$u/id.key" >/dev/null 2>&1
  works "key register $u" "$u" key register -i "$T/home/$u/id.key"
done
works "whoami shows the registered keys" kh1 whoami
check "whoami: X25519 recipient" out_has 'X25519: age1'
printf '# only an age key\n%s\n' "$(grep AGE-SECRET "$T/home/kh1/id.key")" >"$T/ageonly.key"
refused "key register: an identity without a signing key" "Ed25519" kh1 key register -i "$T/ageonly.key"

# ---- key holders make per-tender keys; the agent drafts ------------------------------
TID="JC-E2E-$RANDOM"
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
printf '<tender>' >"$T/bad.xml"
refused "tender draft: malformed XML" "EINVAL" agent1 tender draft --file "$T/bad.xml"
refused "tender draft: not by a bidder" "EDENIED" bidder1 tender draft --file "$T/tender.xml"
before=$(log_size)
works "tender draft" agent1 tender draft --file "$T/tender.xml"
check "tender draft: one event" [ "$(log_size)" -eq $((before + 1)) ]
refused "a draft is not public" "ENOTFOUND" public tender show --server "$URL" --tender "$TID"
works "the agent sees its draft" agent1 tender show --tender "$TID"
check "tender show: the drafted tender.xml's hash" out_has "$(sha256sum "$T/tender.xml" | cut -d' ' -f1)"
check "tender show: stage draft" out_has 'draft'
works "tender xml: as drafted, hash checked" agent1 tender xml --tender "$TID" -o "$T/fetched.xml"
check "tender xml: the same bytes" cmp -s "$T/tender.xml" "$T/fetched.xml"
refused "publish needs approved key holders" "et.keys.approved" agent1 tender publish --tender "$TID"

# ---- key-holder set: registration, proposal, the supervisor's approval -------------
refused "holder register: another holder's line" "EKEY" kh2 holder register --tender "$TID" \
  --file "$T/home/kh1/holder.txt"
refused "holder register: a line of another tender" "another tender" kh1 holder register \
  --tender "OTHER-1" --file "$T/home/kh1/holder.txt"
for i in 1 2 3; do
  works "holder register kh$i" "kh$i" holder register --tender "$TID" --file "$T/home/kh$i/holder.txt"
done
refused "keyholders approve before a proposal" "ESTATE\|EDENIED" super keyholders approve --tender "$TID"
works "keyholders propose (agent)" agent1 keyholders propose --tender "$TID"
refused "keyholders approve: not the agent" "EDENIED" agent1 keyholders approve --tender "$TID"
works "keyholders approve (supervisor)" super keyholders approve --tender "$TID"
works "keyholders show --recipients" agent1 keyholders show --tender "$TID" --recipients
check "keyholders show: the three recipients in order" \
  bash -c "[ \"\$(cat $T/out)\" = \"\$(printf '%s\n%s\n%s' '${R[1]}' '${R[2]}' '${R[3]}')\" ]"

# ---- documents, publication ----------------------------------------------------------
head -c 3145728 /dev/urandom >"$T/招标文件.pdf"
DOCSHA=$(sha256sum "$T/招标文件.pdf" | cut -d' ' -f1)
refused "document upload: not by a bidder" "EDENIED\|ENOTFOUND" bidder1 document upload --tender "$TID" "$T/招标文件.pdf"
works "document upload (agent, streamed)" agent1 document upload --tender "$TID" --kind documents "$T/招标文件.pdf"
DOC=$(sed -n 1p "$T/out")
check "document upload: server's SHA-256" out_has "$DOCSHA"
check "document upload: the blob is stored by hash" cmp -s "$T/招标文件.pdf" "$D/blobs/$DOCSHA"
head -c 100000 /dev/urandom >"$T/drawings.zip"
works "document upload: options after the file" agent1 document upload "$T/drawings.zip" --kind drawings \
  --name "图纸 A-3.zip" --tender "$TID"
check "document upload: the name as given" out_has '图纸 A-3.zip'
# on a terminal, transfers show their progress (script(1) gives the command a pty)
if command -v script >/dev/null; then
  script -qec "ETENDER_HOME='$T/home/agent1' '$EC' document upload --tender '$TID' --kind other '$T/drawings.zip'" \
    "$T/typescript" >/dev/null 2>&1
  check "document upload: progress on a terminal" bash -c "tr '\r' '\n' <'$T/typescript' | grep -q '100%'"
fi
works "tender publish" agent1 tender publish --tender "$TID"
check "tender publish: published" out_has 'published'
refused "tender publish: twice" "ESTATE" agent1 tender publish --tender "$TID"
works "the public lists it" public tender list --server "$URL"
check "tender list: the tender" out_has "$TID"
works "the public shows it" public tender show --server "$URL" --tender "$TID" --json
check "tender show: deadline as drafted" [ "$(jq_out .schedule.bid_deadline_us)" = $(( F + 21 * MIN )) ]
works "document list (public)" public document list --server "$URL" --tender "$TID"
check "document list: name and hash" bash -c "grep -q '招标文件.pdf' $T/out && grep -q $DOCSHA $T/out"

# ---- registration and downloads -----------------------------------------------------------
clock $(( F + MIN ))
refused "download: an unregistered bidder is refused" "et.reg.required" bidder2 document download \
  --tender "$TID" --doc "$DOC" -o "$T/b2.pdf"
check "download refused: no output file" bash -c "! ls $T/b2.pdf* 2>/dev/null | grep -q ."
refused "register: a barred firm" "et.credit.barred" bidder3 register --tender "$TID"
refused "register: not an agent" "EDENIED" agent1 register --tender "$TID"
before=$(log_size)
works "register bidder1" bidder1 register --tender "$TID"
check "register: one event" [ "$(log_size)" -eq $((before + 1)) ]
refused "register: twice" "EEXIST" bidder1 register --tender "$TID"
works "register bidder4" bidder4 register --tender "$TID"
works "download (registered bidder)" bidder1 document download --tender "$TID" --doc "$DOC" -o "$T/b1.pdf"
check "download: the same bytes" cmp -s "$T/招标文件.pdf" "$T/b1.pdf"
check "download: no temporary file left" bash -c "! ls $T/b1.pdf.partial* 2>/dev/null | grep -q ."
works "download (another registered bidder)" bidder4 document download --tender "$TID" --doc "$DOC" -o "$T/b4.pdf"
check "download: bidder4 too" cmp -s "$T/招标文件.pdf" "$T/b4.pdf"
if command -v script >/dev/null; then
  script -qec "ETENDER_HOME='$T/home/bidder4' '$EC' document download --tender '$TID' --doc '$DOC' -o '$T/b4tty.pdf'" \
    "$T/typescript" >/dev/null 2>&1
  check "document download: progress on a terminal" bash -c "tr '\r' '\n' <'$T/typescript' | grep -q '100%'"
  check "document download on a terminal: the same bytes" cmp -s "$T/招标文件.pdf" "$T/b4tty.pdf"
fi
# bytes that do not match the listed SHA-256 never appear under the output name
cp "$D/blobs/$DOCSHA" "$T/blob.orig"
head -c 3145728 /dev/zero >"$D/blobs/$DOCSHA"
refused "download: bytes not matching the listed SHA-256 are discarded" "SHA-256" bidder1 document download \
  --tender "$TID" --doc "$DOC" -o "$T/forged.pdf"
check "download: no forged output, no temporary file" bash -c "! ls $T/forged.pdf* 2>/dev/null | grep -q ."
cp "$T/blob.orig" "$D/blobs/$DOCSHA"
works "registrations: the firm's own" bidder1 registrations --json
check "registrations: one" [ "$(jq_out '.registrations | length')" = 1 ]
works "registrations: another firm sees none of it" bidder2 registrations --json
check "registrations: zero for bidder2" [ "$(jq_out '.registrations | length')" = 0 ]

# ---- G4: neither the agent nor another bidder learns who registered, nor how many ----------
g4() { # WHO: nothing the client shows WHO names bidder1's or bidder4's firm or user, or counts them
  local who="$1" f="$T/g4.$1" ok=1
  : >"$f"
  for c in "tender show --tender $TID --json" "tender list --json" "document list --tender $TID --json" \
           "clarifications --tender $TID --json" "keyholders show --tender $TID --json"; do
    # shellcheck disable=SC2086
    as "$who" $c --server "$URL" && cat "$T/out" >>"$f"
  done
  for s in "${ORG[b1]}" "${ORG[b4]}" "${UID_[bidder1]}" "${UID_[bidder4]}" 江城建工集团 钱塘路桥 '"registrations"' \
           '"downloads"' '_count"' '"bidders"'; do
    grep -q -- "$s" "$f" && ok=0
  done
  [ $ok = 1 ] && [ -s "$f" ]
}
check "G4: the agent's view names no registered firm and no count" g4 agent1
check "G4: another bidder's view names no registered firm and no count" g4 bidder2
check "G4: the public's view likewise" g4 public
refused "G4: an agent has no registrations to list" "EDENIED" agent1 registrations
refused "G4: a supervisor neither" "EDENIED" super registrations

# ---- a question, answered without its asker ------------------------------------------------
printf '工期能否调整？' >"$T/q.txt"
refused "question: an unregistered bidder" "EDENIED" bidder2 question ask --tender "$TID" --file "$T/q.txt"
works "question ask (bidder1)" bidder1 question ask --tender "$TID" --file "$T/q.txt"
QID=$(sed -n 1p "$T/out")
works "question list (agent)" agent1 question list --tender "$TID" --json
check "the agent sees the question" bash -c "grep -q '工期能否调整' $T/out && grep -q '$QID' $T/out"
check "the agent does not see the asker" bash -c "! grep -q '${ORG[b1]}\|${UID_[bidder1]}' $T/out"
works "question list (bidder4): not another firm's" bidder4 question list --tender "$TID" --json
check "bidder4 sees no question of bidder1" [ "$(jq_out '.questions | length')" = 0 ]
printf '工期不可调整。' >"$T/a.txt"
refused "clarify: not by a bidder" "EDENIED" bidder1 clarify --tender "$TID" --file "$T/a.txt" --question "$QID"
works "clarify: an answer in time" agent1 clarify --tender "$TID" --file "$T/a.txt" --question "$QID"
check "clarify in time: the deadline stays" out_has "deadline_us $(( F + 21 * MIN ))"
works "question list: answered" agent1 question list --tender "$TID" --json
check "question answered" [ "$(jq_out '.questions[0].answered')" = true ]

# ---- a late clarification moves the deadline (cn.reg.21) ----------------------------------
clock $(( F + 7 * MIN ))
printf 'Drawings revised: see the amended sheet A-3.' >"$T/c.txt"
works "clarify: late" agent1 clarify --tender "$TID" --file "$T/c.txt"
check "late clarification: cn.reg.21 named" out_has 'cn.reg.21'
check "late clarification: deadline = publication + 15 min" out_has "deadline_us $(( F + 22 * MIN ))"
works "tender show after the clarification" bidder4 tender show --tender "$TID" --json
check "the new deadline is served" [ "$(jq_out .schedule.bid_deadline_us)" = $(( F + 22 * MIN )) ]
check "the original deadline is kept" [ "$(jq_out .original_deadline_us)" = $(( F + 21 * MIN )) ]
works "clarifications (public)" public clarifications --server "$URL" --tender "$TID" --json
check "clarifications: two, the last moved the deadline" \
  [ "$(jq_out '.clarifications | length'):$(jq_out '.clarifications[-1].deadline_after_us')" = "2:$(( F + 22 * MIN ))" ]

# ---- a deadline change needs two people ---------------------------------------------------
refused "deadline propose: not by a bidder" "EDENIED" bidder1 deadline propose --tender "$TID" \
  --at "$(utc $(( F + 40 * MIN )))" --reason "x"
works "deadline propose (agent1)" agent1 deadline propose --tender "$TID" --at "$(utc $(( F + 40 * MIN )))" \
  --reason "设计图纸修改"
PROP=$(sed -n 1p "$T/out")
check "deadline propose: a proposal id" [ "${PROP#dlp-}" != "$PROP" ]
refused "deadline approve: the same person twice" "et.two_person" agent1 deadline approve --tender "$TID" \
  --proposal "$PROP"
refused "deadline approve: an agent of another agency" "EDENIED" agento deadline approve --tender "$TID"
works "tender show: still the old deadline" public tender show --server "$URL" --tender "$TID" --json
check "deadline unchanged before the second person" [ "$(jq_out .schedule.bid_deadline_us)" = $(( F + 22 * MIN )) ]
check "the proposal is pending" [ "$(jq_out .pending_deadline_proposal)" = "$PROP" ]
check "the approver sees the proposed deadline" [ "$(jq_out .pending_deadline.deadline_us)" = $(( F + 40 * MIN )) ]
check "the approver sees the reason" [ "$(jq_out .pending_deadline.reason)" = "设计图纸修改" ]
works "deadline approve (agent2, pending proposal)" agent2 deadline approve --tender "$TID"
works "tender show: the new deadline" public tender show --server "$URL" --tender "$TID" --json
check "deadline moved by two people" [ "$(jq_out .schedule.bid_deadline_us)" = $(( F + 40 * MIN )) ]

# ---- cancel: a published tender's confidential leaves are revealed as membership only -----------
refused "tender cancel: not by another agency" "EDENIED" agento tender cancel --tender "$TID" --reason x
works "tender cancel" agent1 tender cancel --tender "$TID" --reason "项目资金未落实"
check "tender cancel: cancelled" out_has 'cancelled'
refused "register after the cancellation" "ESTATE" bidder2 register --tender "$TID"

# ---- sessions --------------------------------------------------------------------------------
works "logout bidder2" bidder2 logout
refused "after logout: not logged in" "not logged in" bidder2 whoami
for c in login logout whoami passwd key org user credit tender keyholders "holder register" document \
         clarify clarifications deadline register registrations question; do
  # shellcheck disable=SC2086
  as agent1 $c --help; check "$c --help" bash -c "[ $? -eq 0 ] && grep -q 'usage' $T/out"
done
as agent1 tender frobnicate; check "usage error: exit 2" [ $? -eq 2 ]
as agent1 register --tender; check "usage error: a missing value, exit 2" [ $? -eq 2 ]
# the administrator changes the one-time password; the old one stops working
printf 'a new long password\n' >"$T/admin.pw2"
works "passwd" admin passwd --password-file "$T/admin.pw" --file "$T/admin.pw2"
refused "passwd: the session ended" "not logged in" admin whoami
refused "login: the old password" "EAUTH" admin login --user admin --password-file "$T/admin.pw"
works "login: the new password" admin login --user admin --password-file "$T/admin.pw2"
# a server presenting another log key than the one pinned is refused at login
"$ED" init --data "$T/other" >"$T/other.out" 2>&1
OTHERKEY=$(grep -m1 '^[a-z0-9.]*/log+[0-9a-f]\{8\}+' "$T/other.out")
works "pin another log key for the server" mallory pin --server "$URL" --log-key "$OTHERKEY"
refused "login: a log key other than the pinned one" "pinned" mallory login --server "$URL" --user agent1 \
  --password-file "$T/pw.agent1"
check "login refused: no session saved" bash -c "! ls $T/home/mallory/servers/*/session 2>/dev/null | grep -q ."

# ---- audit: the supervisor verifies the public log with the witness pinned ---------------------
SIZE=$(log_size)
for _ in $(seq 300); do curl -sf "$URL/log/checkpoint" | grep -q '^— witness.test ' && \
  [ "$(log_size)" = "$SIZE" ] && break; sleep 0.05; done
check "the served checkpoint is cosigned by the witness" bash -c "curl -sf '$URL/log/checkpoint' | grep -q '^— witness.test '"
works "audit verify (supervisor, witness pinned)" super audit verify --server "$URL" --witness-key "$WVKEY"
works "audit verify again (consistent with the saved checkpoint)" super audit verify --server "$URL"
check "audit verify: the public API serves what the log replays" out_has '^api  *ok: [1-9][0-9]* published tenders, [1-9][0-9]* documents, [1-9][0-9]* clarifications'

# ---- tampering behind the server's back -------------------------------------------------------------
stop
check "etenderd stops cleanly" [ $? -eq 0 ]
check "etenderd verify: the real history" "$ED" verify --data "$D"
cp -a "$D" "$T/pristine"
verify_fails() { # NAME PATTERN DIR
  "$ED" verify --data "$3" >"$T/v.out" 2>&1; local rc=$?
  if [ $rc -ne 0 ] && grep -qi -- "$2" "$T/v.out"; then ok "$1"; sed -n '1s/^/       /p' "$T/v.out"; else bad "$1 (rc $rc): $(cat "$T/v.out")"; fi
}
fresh() { rm -rf "$T/tamper"; cp -a "$T/pristine" "$T/tamper"; }
drop_triggers='DROP TRIGGER log_leaf_no_update; DROP TRIGGER log_leaf_no_delete; DROP TRIGGER log_leaf_next;'
fresh; sqlite3 "$T/tamper/etender.db" "UPDATE td_tender SET title = '另一个项目' WHERE id = '$TID';"
verify_fails "verify: a projection row changed (tender title)" "td_tender" "$T/tamper"
fresh; sqlite3 "$T/tamper/etender.db" "UPDATE td_tender SET deadline = deadline + 1;"
verify_fails "verify: a projection row changed (deadline)" "td_tender" "$T/tamper"
fresh; sqlite3 "$T/tamper/etender.db" "DELETE FROM td_registration WHERE org = '${ORG[b4]}';"
verify_fails "verify: a registration row deleted" "td_registration" "$T/tamper"
# a careful forger puts the triggers back: verify must name the divergence
triggers=$(sqlite3 "$D/etender.db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'log_leaf'")
fresh; sqlite3 "$T/tamper/etender.db" "$drop_triggers DELETE FROM log_leaf WHERE idx = (SELECT max(idx) FROM log_leaf); $triggers"
verify_fails "verify: the last log row deleted (triggers dropped and put back)" "divergence" "$T/tamper"
fresh; sqlite3 "$T/tamper/etender.db" "$drop_triggers DELETE FROM log_leaf WHERE idx = 3; $triggers"
verify_fails "verify: a log row deleted from the middle (triggers put back)" "divergence" "$T/tamper"
# left without its triggers, the database is refused as well
fresh; sqlite3 "$T/tamper/etender.db" "$drop_triggers DELETE FROM log_leaf WHERE idx = 3;"
verify_fails "verify: a log row deleted, triggers left dropped" "." "$T/tamper"
fresh; head -c 3145728 /dev/zero >"$T/tamper/blobs/$DOCSHA"
verify_fails "verify: a blob replaced" "$DOCSHA\|blob" "$T/tamper"
check "verify: the pristine copy still verifies" "$ED" verify --data "$T/pristine"

# A server serving a rewritten log (the operator rewrites it behind the running
# server; etenderd refuses to start on a log that does not match its signed
# checkpoint): the supervisor's audit (saved checkpoint, pinned keys) fails.
fresh
start "$T/tamper" --witness "$WURL" --witness-key "$WVKEY"
LEAF=$(sqlite3 "$T/tamper/etender.db" "SELECT idx || ' ' || hex(leaf) FROM log_leaf WHERE instr(leaf, CAST('Drawings revised' AS BLOB)) > 0")
LIDX=${LEAF%% *} LHEX=${LEAF#* }
# 'revised' -> 'REVISED' in the clarification's leaf
sqlite3 "$T/tamper/etender.db" "$drop_triggers UPDATE log_leaf SET leaf = X'${LHEX//72657669736564/52455649534544}' WHERE idx = ${LIDX:-0};"
check "tamper: the clarification leaf was rewritten" \
  bash -c "sqlite3 '$T/tamper/etender.db' \"SELECT count(*) FROM log_leaf WHERE instr(leaf, CAST('Drawings REVISED' AS BLOB)) > 0\" | grep -qx 1"
refused "audit verify: a rewritten log is caught" "signed root" super audit verify --server "$URL"
refused "audit verify: caught even by a first-time auditor" "signed root" stat audit verify \
  --server "$URL" --witness-key "$WVKEY"
stop
check "etenderd refuses to serve the rewritten log after a restart" bash -c "! '$ED' serve --data '$T/tamper' --listen 127.0.0.1:0 2>/dev/null"
fresh
start "$T/tamper"
sqlite3 "$T/tamper/etender.db" "$drop_triggers DELETE FROM log_leaf WHERE idx = (SELECT max(idx) FROM log_leaf);"
refused "audit verify: a log cut short is caught" "EVERIFY\|verif\|root\|consisten\|ENOTFOUND\|404" super audit verify --server "$URL"
stop
# A server whose public API shows something other than its log: the title
# served from the projection is changed behind the running server.
fresh
start "$T/tamper"
sqlite3 "$T/tamper/etender.db" "UPDATE td_tender SET title = '另一个项目' WHERE id = '$TID';"
refused "audit verify: an API that differs from the log is caught" "differs from the log" super audit verify --server "$URL"
check "audit verify: it names the field" grep -q 'title is' "$T/err"
stop
start "$D"
works "audit verify: the real server still passes" super audit verify --server "$URL"
stop

check "no sanitizer report from etenderd or the witness" \
  bash -c "! grep -q 'Sanitizer\|runtime error:' '$T/serve.log' '$T/wit.err'"

e2e_end "e2e issue 3"
