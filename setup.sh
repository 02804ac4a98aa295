#!/usr/bin/env bash
# Set up outreach on a Debian machine: system libraries and fonts, then a virtualenv in .venv.
#   bash setup.sh          what building needs
#   bash setup.sh --test   also what the tests need (LibreOffice, poppler, zbar, Chromium,
#                          test extras)
set -euo pipefail
cd "$(dirname "$0")"

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

# WeasyPrint needs Pango; libharfbuzz-subset0 makes font subsetting ~10x faster;
# Noto fonts cover Latin, Arabic, Devanagari and CJK.
packages=(python3 python3-venv python3-pip libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
          fonts-noto-core fonts-noto-cjk)
if [ "$with_tests" = 1 ]; then
  # chromium: the web page's browser tests (Playwright drives it; it never downloads one)
  packages+=(libreoffice-impress poppler-utils zbar-tools gettext chromium)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$with_tests" = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
# Compile the package now, so no build compiles it again: Python would, every time, where it
# may not write bytecode (PYTHONDONTWRITEBYTECODE, a read-only checkout): a tenth of what a
# deck-only build executes.
.venv/bin/python -m compileall -q outreach >/dev/null
echo "setup: ready (.venv)"
