#!/usr/bin/env bash
# tests/client/cli.sh — end-to-end tests of the etender command: keys, sealing,
# interop with the age tool both ways, threshold opening (at once and by
# hand), bilingual errors that leave no half-written output, the local log.
# Usage: cli.sh PATH/TO/etender
set -u
ET="$1"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()   { pass=$((pass+1)); echo "ok   - $1"; }
bad()  { fail=$((fail+1)); echo "FAIL - $1"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
# expect_fail NAME CMD...: non-zero exit and a bilingual message (a '/' between zh and en)
expect_fail() {
  local name="$1"; shift
  if "$@" 2>"$T/err" >/dev/null; then bad "$name (succeeded)"; return; fi
  if grep -q ' / ' "$T/err" && grep -qP '[\x{4e00}-\x{9fff}]' "$T/err"; then ok "$name"
  else bad "$name (message not bilingual: $(cat "$T/err"))"; fi
}

head -c 200000 /dev/urandom >"$T/plain"
printf 'bid.xml: <bid><price>1234500</price></bid>\n' >"$T/bid.xml"

# --- help for every command
for c in keygen seal unseal "holder" "share" "log" witness pin audit open deposit; do
  check "help: $c" "$ET" $c --help >/dev/null
done
check "help: top" "$ET" --help >/dev/null
expect_fail "unknown command" "$ET" frobnicate
expect_fail "witness serve without --listen/--data/--log-key" "$ET" witness serve --name w.example/x
expect_fail "witness keygen without -o" "$ET" witness keygen --name w.example/x
expect_fail "audit verify without --server" "$ET" audit verify
expect_fail "open without a subcommand" "$ET" open
expect_fail "open release without --holder-key and -i" "$ET" open release T-1
expect_fail "open object without --text" "$ET" open object T-1
expect_fail "open: an unknown subcommand" "$ET" open frobnicate T-1
expect_fail "open xml without --bid" "$ET" open xml T-1
expect_fail "deposit record without its fields" "$ET" deposit record --org org-x
expect_fail "audit verify: only http(s) URLs" env ETENDER_HOME="$T/eh" "$ET" audit verify --server file:///etc
expect_fail "audit verify: nothing listening" env ETENDER_HOME="$T/eh" "$ET" audit verify --server http://127.0.0.1:9
# pinning a witness key explicitly shows the fingerprint of docs/witness.md
FP=$(ETENDER_HOME="$T/eh" "$ET" pin --server http://x.example/ --witness-key "witness.example/w1+fa907ab1+BBd/ty19GFLTgn0bpbxHRh1z8KJgLgoFYGUz+ASOvOdD" 2>/dev/null)
check "pin: fingerprint vector" grep -q "fingerprint 5e8a 4ee4 3ae2 ebe9 742d f35c c56e 7c28 793c d95b 8044 049c 8e0c 8305 40b1 7fea" <<<"$FP"
check "pin: config dir is 0700" [ "$(stat -c %a "$T/eh")" = "700" ]
expect_fail "pin: another witness key is refused" env ETENDER_HOME="$T/eh" "$ET" pin --server http://x.example --witness-key "witness.example/w1+f8e2cdfa+BPhYMEKnkhy+O7qFdMgdPd0brvU2ex5wjLi8uEGQJJ5+"
check "pin --reset" env ETENDER_HOME="$T/eh" "$ET" pin --server http://x.example --reset
check "pin: after reset another key is accepted" env ETENDER_HOME="$T/eh" "$ET" pin --server http://x.example --witness-key "witness.example/w1+f8e2cdfa+BPhYMEKnkhy+O7qFdMgdPd0brvU2ex5wjLi8uEGQJJ5+"
expect_fail "pin: a witness key is not a log key" env ETENDER_HOME="$T/eh" "$ET" pin --server http://x.example --log-key "witness.example/w1+fa907ab1+BBd/ty19GFLTgn0bpbxHRh1z8KJgLgoFYGUz+ASOvOdD"

# --- keygen
R=$("$ET" keygen -o "$T/me.key")
check "keygen prints age1 recipient" [ "${R:0:4}" = "age1" ]
check "identity file is 0600" [ "$(stat -c %a "$T/me.key")" = "600" ]
expect_fail "keygen never overwrites" "$ET" keygen -o "$T/me.key"

# --- seal / unseal round trip, binary and armored
check "seal" "$ET" seal -r "$R" -o "$T/c.age" "$T/plain"
check "unseal" "$ET" unseal -i "$T/me.key" -o "$T/p2" "$T/c.age"
check "round trip equal" cmp -s "$T/plain" "$T/p2"
check "seal armored" "$ET" seal -a -r "$R" -o "$T/c.asc" "$T/plain"
check "armored starts with PEM line" grep -q -- '-----BEGIN AGE ENCRYPTED FILE-----' "$T/c.asc"
check "unseal armored" "$ET" unseal -i "$T/me.key" -o "$T/p3" "$T/c.asc"
check "armored round trip equal" cmp -s "$T/plain" "$T/p3"
check "stdin to stdout" bash -c "'$ET' seal -r '$R' <'$T/bid.xml' | '$ET' unseal -i '$T/me.key' | cmp -s - '$T/bid.xml'"

# --- interop with the age tool, both ways
if command -v age >/dev/null && command -v age-keygen >/dev/null; then
  age-keygen -o "$T/age.key" 2>/dev/null
  AR=$(age-keygen -y "$T/age.key")
  check "etender seal -> age -d" bash -c "'$ET' seal -r '$AR' '$T/plain' | age -d -i '$T/age.key' | cmp -s - '$T/plain'"
  check "etender seal -a -> age -d" bash -c "'$ET' seal -a -r '$AR' '$T/plain' | age -d -i '$T/age.key' | cmp -s - '$T/plain'"
  check "age -r -> etender unseal (age-keygen identity)" bash -c "age -r '$AR' '$T/plain' | '$ET' unseal -i '$T/age.key' | cmp -s - '$T/plain'"
  check "age -r -> etender unseal (etender identity)" bash -c "age -r '$R' '$T/plain' | '$ET' unseal -i '$T/me.key' | cmp -s - '$T/plain'"
  check "age -a -> etender unseal" bash -c "age -a -r '$R' '$T/plain' | '$ET' unseal -i '$T/me.key' | cmp -s - '$T/plain'"
  check "age multi-recipient -> etender" bash -c "age -r '$AR' -r '$R' '$T/plain' | '$ET' unseal -i '$T/me.key' | cmp -s - '$T/plain'"
else
  bad "age tool not installed (scripts/deps.sh installs it)"
fi

# --- errors: wrong key, corrupt, truncated, missing; no half-written output
"$ET" keygen -o "$T/other.key" >/dev/null
expect_fail "wrong key" "$ET" unseal -i "$T/other.key" -o "$T/out1" "$T/c.age"
check "wrong key leaves no output" [ ! -e "$T/out1" ]
cp "$T/c.age" "$T/corrupt.age"
b=$(od -An -tu1 -j150000 -N1 "$T/corrupt.age" | tr -d ' ')   # flip every bit of one byte
printf "\\$(printf '%03o' $(( b ^ 255 )))" | dd of="$T/corrupt.age" bs=1 seek=150000 conv=notrunc 2>/dev/null
expect_fail "corrupt payload" "$ET" unseal -i "$T/me.key" -o "$T/out2" "$T/corrupt.age"
check "corrupt payload leaves no output" [ -z "$(ls "$T" | grep -E '^out2')" ]
head -c 100000 "$T/c.age" >"$T/trunc.age"
expect_fail "truncated file" "$ET" unseal -i "$T/me.key" -o "$T/out3" "$T/trunc.age"
check "truncated leaves no output" [ -z "$(ls "$T" | grep -E '^out3')" ]
expect_fail "missing input" "$ET" unseal -i "$T/me.key" -o "$T/out4" "$T/nonexistent"
expect_fail "missing identity file" "$ET" unseal -i "$T/nokey" "$T/c.age"
expect_fail "bad recipient" "$ET" seal -r age1notarecipient "$T/plain"
expect_fail "no recipient" "$ET" seal "$T/plain"

# --- threshold: 2 of 3 key holders
for i in 1 2 3; do
  "$ET" keygen -o "$T/holder$i.id" >/dev/null
  "$ET" holder keygen --tender T-2026-001 -i "$T/holder$i.id" -o "$T/h$i.key" >"$T/h$i.out"
  head -n1 "$T/h$i.out" >>"$T/holders"
done
check "holder keygen prints a signed registration line" grep -q '^etender-holder-key/v1 T-2026-001 age1' "$T/h1.out"
check "holder key is 0600" [ "$(stat -c %a "$T/h1.key")" = "600" ]
check "seal to holders" "$ET" seal --holders "$T/holders" --threshold 2 --tender T-2026-001 --bid B-7 --part 1 -o "$T/bid.age" "$T/bid.xml"
check "bid header has 3 etender-share stanzas" [ "$(grep -a -c '^-> etender-share' "$T/bid.age")" = "3" ]
check "open with holders 1,3" "$ET" unseal --tender T-2026-001 --bid B-7 --holder-key 1="$T/h1.key" --holder-key 3="$T/h3.key" -o "$T/open13" "$T/bid.age"
check "opened bid equals plaintext" cmp -s "$T/open13" "$T/bid.xml"
check "open with holders 2,3" "$ET" unseal --tender T-2026-001 --bid B-7 --holder-key 2="$T/h2.key" --holder-key 3="$T/h3.key" -o "$T/open23" "$T/bid.age"
expect_fail "one holder alone cannot open" "$ET" unseal --tender T-2026-001 --bid B-7 --holder-key 1="$T/h1.key" -o "$T/open1" "$T/bid.age"
check "nothing written by a failed opening" [ ! -e "$T/open1" ]
expect_fail "stanza bound to another bid" "$ET" unseal --tender T-2026-001 --bid B-8 --holder-key 1="$T/h1.key" --holder-key 2="$T/h2.key" "$T/bid.age"
expect_fail "stanza bound to another part" "$ET" unseal --tender T-2026-001 --bid B-7 --part 2 --holder-key 1="$T/h1.key" --holder-key 2="$T/h2.key" "$T/bid.age"
# by hand: each holder unwraps its own share; then combine
check "holder 1 unwraps its share" "$ET" share unwrap --tender T-2026-001 --bid B-7 --index 1 -i "$T/h1.key" -o "$T/s1" "$T/bid.age"
check "holder 2 unwraps its share" "$ET" share unwrap --tender T-2026-001 --bid B-7 --index 2 -i "$T/h2.key" -o "$T/s2" "$T/bid.age"
check "share file is 0600" [ "$(stat -c %a "$T/s1")" = "600" ]
expect_fail "holder 3's key does not unwrap share 1" "$ET" share unwrap --tender T-2026-001 --bid B-7 --index 1 -i "$T/h3.key" -o "$T/s31" "$T/bid.age"
check "combine 2 shares" "$ET" share combine --share "$T/s1" --share "$T/s2" -o "$T/open-hand" "$T/bid.age"
check "combined opening equals plaintext" cmp -s "$T/open-hand" "$T/bid.xml"
expect_fail "one share does not combine" "$ET" share combine --share "$T/s1" -o "$T/x" "$T/bid.age"
"$ET" seal --holders "$T/holders" --threshold 2 --tender T-2026-001 --bid B-9 -o "$T/bid9.age" "$T/bid.xml"
"$ET" share unwrap --tender T-2026-001 --bid B-9 --index 3 -i "$T/h3.key" -o "$T/s9-3" "$T/bid9.age"
expect_fail "shares of another bid do not mix" "$ET" share combine --share "$T/s1" --share "$T/s9-3" -o "$T/x" "$T/bid.age"
sed 's/^index 2$/index 3/' "$T/s2" >"$T/s2as3"; chmod 600 "$T/s2as3"
expect_fail "mislabelled share is refused by the header MAC" "$ET" share combine --share "$T/s1" --share "$T/s2as3" -o "$T/x" "$T/bid.age"
check "no output after a refused combine" [ ! -e "$T/x" ]

# --- the local log
check "log init" bash -c "'$ET' log init --db '$T/log.db' --origin example.org/etender-demo >'$T/vkey'"
check "vkey format" grep -qE '^example.org/etender-demo\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$' "$T/vkey"
check "log append" bash -c "'$ET' log append --db '$T/log.db' '$T/bid.age' '$T/bid9.age' '$T/bid.xml' >'$T/app'"
check "append signs a checkpoint" grep -q '^— example.org/etender-demo ' "$T/app"
check "log prove" "$ET" log prove --db "$T/log.db" --index 1
check "log consistency" "$ET" log consistency --db "$T/log.db" --from 1
check "log verify" "$ET" log verify --db "$T/log.db"
expect_fail "log prove past the end" "$ET" log prove --db "$T/log.db" --index 3
if command -v sqlite3 >/dev/null; then
  sqlite3 "$T/log.db" "UPDATE log_leaf SET leaf = x'00' WHERE idx = 1" 2>/dev/null
  check "append-only: UPDATE refused by trigger" "$ET" log verify --db "$T/log.db"
  triggers=$(sqlite3 "$T/log.db" "SELECT name FROM sqlite_master WHERE type='trigger'")
  for t in $triggers; do sqlite3 "$T/log.db" "DROP TRIGGER $t"; done
  sqlite3 "$T/log.db" "UPDATE log_leaf SET leaf = x'00' WHERE idx = 1"
  expect_fail "tampered leaf detected" "$ET" log verify --db "$T/log.db"
else
  bad "sqlite3 not installed"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
