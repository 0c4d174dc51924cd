#!/usr/bin/env bash
# client/demo.sh — a walk through sealing, threshold opening and the signed
# log on sample data, with the real etender command, on its own files
# (no server): `scripts/demo.sh` runs it after `etenderd demo`.
# Usage: client/demo.sh PATH/TO/etender [WORKDIR]
set -euo pipefail
ET="$(realpath "$1")"
W="${2:-$(mktemp -d /tmp/etender-demo.XXXXXX)}"
mkdir -p "$W"
cd "$W"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. 三位开标密钥保管人各自生成本项目密钥 / Three key holders each make a key for tender T-2026-0042"
for who in agent supervisor dutychief; do
  "$ET" keygen -o "$who.id" >/dev/null
  "$ET" holder keygen --tender T-2026-0042 -i "$who.id" -o "$who.T-2026-0042.key" >"$who.reg"
  head -n1 "$who.reg" >>holders.txt
  echo "  $who: $(head -n1 "$who.reg")"
  echo "    signed registration: $(sed -n 2p "$who.reg" | cut -c1-90)…"
done

say "2. 投标人密封投标文件（2/3 门限） / Bidders seal their bids to the holders, 2 of 3"
for b in 1 2 3; do
  price=$((9800000 - b * 123400))
  cat >"bid$b.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<bid tender="T-2026-0042" bidder="firm-$b"><lot id="1"><price currency="CNY" unit="fen">$price</price><duration days="180"/></lot></bid>
XML
  "$ET" seal --holders holders.txt --threshold 2 --tender T-2026-0042 --bid "B-$b" --part 1 \
    -o "bid$b.age" "bid$b.xml"
  echo "  bid B-$b sealed: $(wc -c <"bid$b.age") bytes, stanzas:"
  grep -a '^-> ' "bid$b.age" | cut -c1-60 | sed 's/^/    /'
done

say "3. 密封文件写入签名的 Merkle 日志 / The sealed bids go into a signed Merkle log"
"$ET" log init --db log.db --origin demo.etender.example/log >vkey.txt
echo "  verifier key: $(cat vkey.txt)"
"$ET" log append --db log.db bid1.age bid2.age bid3.age
say "   回执：第 2 份投标的包含证明 / A receipt: the inclusion proof of bid 2"
"$ET" log prove --db log.db --index 1

say "4. 仅一位保管人无法开标 / One holder alone cannot open"
if "$ET" unseal --tender T-2026-0042 --bid B-1 --holder-key 1=agent.T-2026-0042.key bid1.age; then
  echo "UNEXPECTED: opened by one holder"; exit 1
fi

say "5. 截止后两位保管人开标 / After the deadline, two holders open every bid"
for b in 1 2 3; do
  "$ET" share unwrap --tender T-2026-0042 --bid "B-$b" --index 1 -i agent.T-2026-0042.key -o "s$b-1" "bid$b.age"
  "$ET" share unwrap --tender T-2026-0042 --bid "B-$b" --index 3 -i dutychief.T-2026-0042.key -o "s$b-3" "bid$b.age"
  "$ET" share combine --share "s$b-1" --share "s$b-3" -o "opened$b.xml" "bid$b.age"
  echo "  B-$b: $(grep -o '<price[^<]*</price>' "opened$b.xml")"
done

say "6. 任何人都可以验证日志 / Anyone can verify the log"
"$ET" log verify --db log.db
echo
echo "工作目录 / work folder: $W"
