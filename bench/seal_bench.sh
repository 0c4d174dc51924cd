#!/usr/bin/env bash
# bench/seal_bench.sh — throughput of `etender seal` / `etender unseal` against
# the `age` tool on the same file, in the same run, output to /dev/null; and
# OpenSSL's own ChaCha20-Poly1305 speed as the ceiling.
# Usage: bench/seal_bench.sh PATH/TO/etender [SIZE_MIB=1024] [RUNS=3]
set -euo pipefail
ET="$(realpath "$1")"
MB="${2:-1024}"
RUNS="${3:-3}"
T=$(mktemp -d /var/tmp/etbench.XXXXXX)
trap 'rm -rf "$T"' EXIT
head -c "${MB}M" /dev/urandom >"$T/in"
age-keygen -o "$T/key" 2>/dev/null
R=$(age-keygen -y "$T/key")
"$ET" seal -r "$R" -o "$T/et.age" "$T/in"
age -r "$R" -o "$T/age.age" "$T/in"

# best wall time of RUNS runs, in seconds
best() {
  local b=999999 i s e d
  for ((i = 0; i < RUNS; i++)); do
    s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    d=$(echo "$e - $s" | bc -l)
    if (( $(echo "$d < $b" | bc -l) )); then b=$d; fi
  done
  echo "$b"
}
mbps() { echo "scale=1; $MB / $1" | bc -l; }

t_es=$(best "$ET" seal -r "$R" -o /dev/null "$T/in")
t_as=$(best age -r "$R" -o /dev/null "$T/in")
t_eu=$(best "$ET" unseal -i "$T/key" -o /dev/null "$T/et.age")
t_au=$(best age -d -i "$T/key" -o /dev/null "$T/age.age")

echo "file: ${MB} MiB, best of ${RUNS} runs, output to /dev/null"
printf 'seal    etender %8s MiB/s   age %8s MiB/s   ratio %s\n' "$(mbps "$t_es")" "$(mbps "$t_as")" "$(echo "scale=2; $t_as / $t_es" | bc -l)"
printf 'unseal  etender %8s MiB/s   age %8s MiB/s   ratio %s\n' "$(mbps "$t_eu")" "$(mbps "$t_au")" "$(echo "scale=2; $t_au / $t_eu" | bc -l)"
echo "reference: openssl speed -evp chacha20-poly1305 (16 KiB blocks):"
openssl speed -evp chacha20-poly1305 -seconds 2 -bytes 16384 2>/dev/null | tail -1
