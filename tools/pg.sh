#!/usr/bin/env bash
# A throw-away local PostgreSQL for the indexer's tests, benchmark and CI (Debian's `postgresql` package).
#
#   tools/pg.sh start   # installs PostgreSQL if missing (root + apt-get), initialises and starts it; prints the URL
#   tools/pg.sh url     # prints the URL of the running server (exit 1 when it is not running)
#   tools/pg.sh status  # "running <url>" or "stopped" (exit 3 when stopped)
#   tools/pg.sh stop    # stops it (the data directory is kept; `rm -rf "$FLOCK_PG_DIR"` to wipe it)
#
# Idempotent: `start` on a running server only prints its URL. Only the URL goes to stdout, so
#   export FLOCK_TEST_DATABASE_URL="$(tools/pg.sh start)"
# works. Everything lives under $FLOCK_PG_DIR (default /tmp/flock-pg): data/, sock/ (the Unix socket directory, so no
# write access to /var/run/postgresql is needed), port, server.log. The server listens on 127.0.0.1 only, on
# $FLOCK_PG_PORT (default: the first free port from 54329 up), with trust authentication for local connections: it is
# a test database, never expose it. As root the server runs as the `postgres` user (PostgreSQL refuses to run as
# root); as any other user it runs as that user.
set -euo pipefail

DIR="${FLOCK_PG_DIR:-/tmp/flock-pg}"
DATA="$DIR/data"
SOCK="$DIR/sock"
LOG="$DIR/server.log"
PORT_FILE="$DIR/port"
DB_USER="postgres"

die() { echo "pg.sh: $*" >&2; exit 1; }
note() { echo "pg.sh: $*" >&2; }

pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$d" ] && [ -x "$d/pg_ctl" ] && echo "$d"
}

install_postgres() {
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and this is not root: run 'apt-get install -y postgresql' first"
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get"
  note "installing PostgreSQL (apt-get install -y postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || note "apt-get update failed; trying the install anyway"
  # policy-rc.d 101: do not let the package start the distribution's own cluster (we run our own below).
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
  apt-get install -y -qq --no-install-recommends postgresql >&2 || { [ "$created_policy" = 1 ] && rm -f "$policy"; die "apt-get install postgresql failed"; }
  [ "$created_policy" = 1 ] && rm -f "$policy"
  return 0
}

# Runs a command as the server's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

is_running() {
  local bin
  bin="$(pg_bindir)" || return 1
  [ -f "$DATA/PG_VERSION" ] || return 1
  as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

url() { echo "postgresql://$DB_USER@127.0.0.1:$(cat "$PORT_FILE")/postgres"; }

wait_accepting() {
  local bin="$1" port="$2" i
  for i in $(seq 1 100); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$DB_USER" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "the server did not accept connections on 127.0.0.1:$port (see $LOG)"
}

start() {
  local bin
  bin="$(pg_bindir)" || { install_postgres; bin="$(pg_bindir)" || die "no pg_ctl under /usr/lib/postgresql/*/bin after the install"; }
  if is_running; then url; return 0; fi
  mkdir -p "$DIR" "$SOCK"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user (the postgresql package creates it)"
    chown postgres "$DIR" "$SOCK"
    [ -d "$DATA" ] && chown -R postgres "$DATA"
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres "$DATA"
    note "initdb $DATA ($bin)"
    as_owner "$bin/initdb" -D "$DATA" -U "$DB_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
      as_owner "$bin/initdb" -D "$DATA" -U "$DB_USER" --auth=trust --encoding=UTF8 --no-locale >"$DIR/initdb.log" 2>&1 ||
      die "initdb failed: $(tail -n 5 "$DIR/initdb.log")"
  fi
  local port="${FLOCK_PG_PORT:-}"
  if [ -z "$port" ]; then
    port=54329
    while port_in_use "$port"; do port=$((port + 1)); done
  elif port_in_use "$port"; then
    die "port $port is already in use"
  fi
  echo "$port" >"$PORT_FILE"
  touch "$LOG"
  [ "$(id -u)" = 0 ] && chown postgres "$LOG" "$PORT_FILE"
  note "starting PostgreSQL on 127.0.0.1:$port (data $DATA, log $LOG)"
  # Ponder keeps a pool of up to 30 connections per instance; tests run a few instances side by side.
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $SOCK -c max_connections=300 -c shared_buffers=128MB" start >&2 ||
    die "pg_ctl start failed: $(tail -n 10 "$LOG")"
  wait_accepting "$bin" "$port"
  url
}

stop() {
  local bin
  if ! bin="$(pg_bindir)" || ! is_running; then note "not running"; return 0; fi
  as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) if is_running; then url; else die "not running (tools/pg.sh start)"; fi ;;
  status) if is_running; then echo "running $(url)"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: tools/pg.sh start|stop|url|status" >&2; exit 2 ;;
esac
