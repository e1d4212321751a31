#!/usr/bin/env bash
# Point-in-time recovery, rehearsed end to end on a private PostgreSQL cluster
# (its own port and directory; the machine's shared cluster is never touched):
# WAL archiving on, a seeded shard (bench/seedDatabase.ts), a base backup, a
# write after it, the disaster (every ledger row and inventory deleted), then
# recovery to the moment before it, and the ledger checked on every
# character. Prints the timings docs/operations.md quotes. Needs root (the
# cluster runs as the postgres user) and PostgreSQL 15's server binaries.
#
#   sudo bench/pitrRehearsal.sh [ACCOUNTS]      # default 10000
set -euo pipefail
ACCOUNTS=${1:-10000}
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${PITR_PORT:-55433}
R=$(mktemp -d /tmp/mxo-pitr.XXXXXX)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
URL=postgres://postgres@127.0.0.1:$PORT/mxo
as_pg() { runuser -u postgres -- "$@"; }
seconds() { echo "$(date +%s.%N) - $1" | bc | xargs printf '%.1f'; }
psql_() { psql -X -q -At "$URL" "$@"; }
cleanup() {
  for d in "$R/main" "$R/restored"; do
    [ -f "$d/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$d" -w -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$R"
}
trap cleanup EXIT

mkdir -p "$R/wal" && chown -R postgres:postgres "$R"
as_pg "$BIN/initdb" -D "$R/main" -U postgres --auth=trust >/dev/null
cat >>"$R/main/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$R'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $R/wal/%f && cp %p $R/wal/%f'
archive_timeout = 60
CONF
as_pg "$BIN/pg_ctl" -D "$R/main" -l "$R/main.log" -w start >/dev/null
as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" mxo
cd "$ROOT"
echo "== seed: $(DATABASE_URL=$URL node --import tsx bench/seedDatabase.ts --accounts "$ACCOUNTS" | tail -n 1)"

t=$(date +%s.%N)
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$R/base" -Ft -z -X fetch -c fast
echo "== pg_basebackup -Ft -z: $(seconds "$t") s, $(du -sh "$R/base" | cut -f1)"

psql_ -c "INSERT INTO accounts (id, username, password_hash) VALUES (gen_random_uuid(), 'after_base', 'x')"
sleep 1
TARGET=$(psql_ -c "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US+00')")
sleep 1
psql_ -c "DELETE FROM ledger_entries; DELETE FROM inventory_items; UPDATE characters SET currency = 0"
echo "== the disaster, 1 s after $TARGET: every ledger row and inventory deleted"
psql_ -c "SELECT pg_switch_wal()" >/dev/null
sleep 2
as_pg "$BIN/pg_ctl" -D "$R/main" -w -m fast stop >/dev/null

t=$(date +%s.%N)
mkdir -p "$R/restored" && tar -xzf "$R/base/base.tar.gz" -C "$R/restored"
chown -R postgres:postgres "$R/restored" && chmod 700 "$R/restored"
cat >>"$R/restored/postgresql.conf" <<CONF
archive_mode = off
restore_command = 'cp $R/wal/%f %p'
recovery_target_time = '$TARGET'
recovery_target_action = 'promote'
CONF
touch "$R/restored/recovery.signal"
as_pg "$BIN/pg_ctl" -D "$R/restored" -l "$R/restored.log" -w -t 600 start >/dev/null
until [ "$(psql_ -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = "f" ]; do sleep 0.2; done
echo "== recovered to $TARGET and promoted: $(seconds "$t") s"
grep -E "recovery stopping|archive recovery complete" "$R/restored.log" | sed 's/^/   /'
echo "== ledger rows $(psql_ -c 'SELECT count(*) FROM ledger_entries'), the write after the base backup: $(psql_ -c "SELECT count(*) FROM accounts WHERE username = 'after_base'")"
DATABASE_URL=$URL node --import tsx bench/verifyLedgers.ts | sed 's/^/== /'
