#!/usr/bin/env bash
# Installs the Debian 12 packages that bench/web_bench.sh compares etenderd
# with: nginx (the reference server, run only with the benchmark's own
# config on a loopback port) and wrk (the load generator). Not needed to
# build or test the platform (that is scripts/deps.sh).
# Safe to run again; does nothing when both are present. On a machine whose
# init system starts services, the package's own nginx service may start on
# port 80 (Debian's default site); the benchmark does not use it
# (`systemctl disable --now nginx` stops it).
set -euo pipefail
pkgs=(nginx wrk curl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
