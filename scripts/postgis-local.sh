#!/usr/bin/env bash
# A local PostgreSQL 15 + PostGIS 3 database for geozone, from Debian packages, in one command:
#   bash scripts/postgis-local.sh [--serve] [LAYERS_DIR]   (make postgis; make run-postgis)
# Installs the packages when missing (scripts/install-system-deps.sh), creates a cluster in
# var/postgres (GEOZONE_PG_DIR) on 127.0.0.1:55432 (GEOZONE_PG_PORT) the first time, starts it,
# runs `geozone db init` and, while the database holds no layer set, `geozone db import`
# (default: the shipped layers/). Prints the GEOZONE_DATABASE_URL to use; with --serve it then
# runs `geozone serve` on that database (GEOZONE_HOST / GEOZONE_PORT apply). Safe to re-run.
# Stop it with: pg_ctl -D var/postgres/data stop (as the postgres user when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVE=0
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --serve) SERVE=1 ;;
    *) ARGS+=("$arg") ;;
  esac
done
LAYERS="${ARGS[0]:-layers}"
BIN=/usr/lib/postgresql/15/bin
PORT="${GEOZONE_PG_PORT:-55432}"
DIR="$(realpath -m "${GEOZONE_PG_DIR:-var/postgres}")"
geozone() { .venv/bin/python -m geozone "$@"; }  # this checkout's geozone
bash scripts/install-system-deps.sh >/dev/null
AS=()
if [ "$(id -u)" -eq 0 ]; then AS=(runuser -u postgres --); fi  # initdb refuses root
mkdir -p "$DIR"
if [ ! -f "$DIR/password" ]; then
  (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/password")
fi
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  if [ ${#AS[@]} -gt 0 ]; then chown postgres: "$DIR" "$DIR/password"; fi
  "${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U geozone --pwfile "$DIR/password" \
    -A scram-sha-256 -E UTF8 --locale=C >/dev/null
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" \
    "$PORT" "$DIR" | "${AS[@]}" tee -a "$DIR/data/postgresql.conf" >/dev/null
fi
if ! "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
fi
PASSWORD="$(cat "$DIR/password")"
export GEOZONE_DATABASE_URL="postgresql://geozone:${PASSWORD}@127.0.0.1:${PORT}/geozone"
.venv/bin/python - <<PY
import psycopg
with psycopg.connect("postgresql://geozone:${PASSWORD}@127.0.0.1:${PORT}/postgres", autocommit=True) as c:
    if not c.execute("SELECT 1 FROM pg_database WHERE datname = 'geozone'").fetchone():
        c.execute("CREATE DATABASE geozone")
PY
geozone db init
if geozone db status | grep -q "^layer set     none"; then
  geozone db import "$LAYERS"
fi
geozone db status
echo
echo "export GEOZONE_DATABASE_URL='${GEOZONE_DATABASE_URL}'"
if [ "$SERVE" -eq 1 ]; then
  exec .venv/bin/python -m geozone serve
fi
