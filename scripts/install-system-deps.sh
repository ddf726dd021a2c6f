#!/usr/bin/env bash
# Debian packages the test suite needs: headless Chromium (web map end-to-end tests) and
# GDAL's command-line tools (ogrinfo against the OGC API Features endpoint), and a CJK font
# so screenshots and printed reports show Chinese text instead of boxes; PostgreSQL 15 and
# PostGIS 3 for the database tests (a throw-away cluster, tests/pg_cluster.py); poppler-utils
# (pdftoppm) renders the server's PDF reports so tests can decode their QR code.
# Installs only what is missing; needs root or sudo. Extra package names given as
# arguments are installed too (make bench passes wrk, the HTTP load generator).
set -euo pipefail
need=()
for extra in "$@"; do
  dpkg -s "$extra" >/dev/null 2>&1 || need+=("$extra")
done
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# the CMaps that let poppler draw the PDF report's non-embedded Chinese font (STSong-Light)
dpkg -s poppler-data >/dev/null 2>&1 || need+=(poppler-data)
dpkg -s postgresql-15 >/dev/null 2>&1 || need+=(postgresql-15)
dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages present: chromium, gdal-bin, fonts-wqy-microhei, poppler-utils, poppler-data, postgresql-15, postgresql-15-postgis-3"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
