#!/usr/bin/env bash
# Installs the Debian 12 packages the platform builds and tests with.
# Safe to run again; does nothing when everything is present.
set -euo pipefail
pkgs=(meson ninja-build pkg-config gcc libssl-dev libsqlite3-dev libxml2-dev
      libcurl4-openssl-dev check libsubunit-dev libmicrohttpd-dev libjansson-dev
      age sqlite3 openssl xxd bc curl jq python3-jsonschema libxml2-utils)
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
