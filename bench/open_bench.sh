#!/usr/bin/env bash
# bench/open_bench.sh — the opening of BIDS sealed bids of SIZE_MIB MiB
# (issue 4, point 8) against the limit OpenSSL gives on this machine in the
# same run: `openssl speed -evp chacha20-poly1305` and `openssl speed -evp
# sha256` (16 KiB blocks); an opening must decrypt (ChaCha20-Poly1305) and
# hash (SHA-256) every byte it processes, so one core's limit is
# 1 / (1/chacha + 1/sha) MB/s, and the opening's figure is the bytes it read
# per CPU-second used (all threads; = wall throughput / cores used), as a
# fraction of that limit. Target: >= 0.70. bench/open_bench.c does the
# opening (bid_open over a real ledger and blob store, keys really released)
# and counts the bytes it actually read, so the figure stays honest whatever
# bid_open reads. Asserts no speed; fails only if a bid does not open.
#
# Usage: bench/open_bench.sh BUILD_DIR [BIDS=200] [SIZE_MIB=20]
#   BUILD_DIR must have test hooks (the test clock reaches the deadline):
#   meson setup build-x --buildtype=release -Dtest_hooks=enabled
#   Data in $OB_TMP (default /var/tmp, the local disk); needs BIDS * SIZE_MIB
#   MiB free, else BIDS is scaled down and the script says so.
set -euo pipefail
usage() { echo "usage: $0 BUILD_DIR [BIDS=200] [SIZE_MIB=20]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BUILD="$(realpath "$1")"
N="${2:-200}"
MIB="${3:-20}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] && [[ "$MIB" =~ ^[1-9][0-9]*$ ]] || usage
OB="$BUILD/bench/open_bench"
[ -x "$OB" ] || { echo "open_bench: $OB missing (a build with test hooks is needed)" >&2; exit 2; }
TMP="${OB_TMP:-/var/tmp}"
AVAIL_MIB=$(( $(df -Pk "$TMP" | awk 'NR == 2 { print $4 }') / 1024 ))
if (( N * (MIB + 1) + 1024 > AVAIL_MIB )); then
  N2=$(( (AVAIL_MIB - 1024) / (MIB + 1) ))
  (( N2 >= 3 )) || { echo "open_bench: no room for 3 bids of $MIB MiB" >&2; exit 1; }
  echo "open_bench: SCALED DOWN: ${AVAIL_MIB} MiB free; $N2 bids instead of $N" >&2
  N=$N2
fi

speed() { # MB/s (10^6 bytes) of `openssl speed -evp ALG` on 16 KiB blocks
  openssl speed -evp "$1" -seconds 3 -bytes 16384 2>/dev/null | tail -n 1 |
    awk '{ v = $NF; sub(/k$/, "", v); printf "%.1f\n", v / 1000 }'
}
echo "open_bench: $N bids of $MIB MiB; uptime before: $(uptime)"
CHACHA="$(speed chacha20-poly1305)"
SHA="$(speed sha256)"
LIMIT="$(awk -v c="$CHACHA" -v s="$SHA" 'BEGIN { printf "%.1f", 1 / (1 / c + 1 / s) }')"
echo "openssl speed, 16 KiB blocks: chacha20-poly1305 $CHACHA MB/s, sha256 $SHA MB/s;" \
  "combined limit per core 1/(1/c + 1/s) = $LIMIT MB/s"
OUT="$("$OB" "$TMP" "$N" "$MIB" "$LIMIT")" || { echo "$OUT"; echo "open_bench: the opening failed" >&2; exit 1; }
echo "$OUT" | grep -v '^RESULT'
echo "open_bench: uptime after: $(uptime)"
RATIO="$(echo "$OUT" | sed -n 's/^RESULT .*ratio=\([0-9.]*\).*/\1/p')"
ALL="$(echo "$OUT" | sed -n 's/^RESULT_ALL .*ratio=\([0-9.]*\).*/\1/p')"
awk -v r="$RATIO" -v a="$ALL" 'BEGIN {
  printf "bid_open: bytes read per CPU-second / limit per core: %.2f   target >= 0.70: %s\n",
    r, (r >= 0.70 ? "met" : "MISSED")
  printf "reference (every part hashed and decrypted, platform crypto): %.2f of the limit\n", a }'
