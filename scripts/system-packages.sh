#!/usr/bin/env bash
# Install the Debian packages listed in system-packages.txt, and the font packages
# templates/fonts.yaml names under `packages`, or say exactly how to. These are
# the one place they are named: the Makefile, the CI workflow and the README all
# use this script.
set -euo pipefail
root="$(dirname "$0")/.."
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$root/system-packages.txt")
# `packages:` in fonts.yaml: "  Family Name: debian-package" lines until the next key.
mapfile -t fonts < <(awk '/^packages:/ {inside = 1; next} /^[^ #]/ {inside = 0}
                          inside && /:/ {sub(/^[^:]*:[ \t]*/, ""); sub(/[ \t]*(#.*)?$/, "");
                                         if ($0 != "") print}' "$root/templates/fonts.yaml" | sort -u)
packages+=("${fonts[@]}")
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"
  fc-cache -f >/dev/null 2>&1 || true
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Run, as root:  $line" >&2
  exit 1
fi
