#!/usr/bin/env bash
# Install the Debian packages the project needs, or say exactly how to.
# Pango (with HarfBuzz) is WeasyPrint's text engine; HarfBuzz-Subset cuts the
# fonts it embeds (without it WeasyPrint 70 warns, which fails every build); the
# Noto fonts give every language its glyphs; poppler-utils and qpdf read the PDFs
# back in tests.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
          fonts-noto-core fonts-noto-cjk poppler-utils qpdf ghostscript)
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
