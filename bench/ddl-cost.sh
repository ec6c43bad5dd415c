#!/usr/bin/env bash
# What following the catalog through schema changes costs `xlogminer mine`: on a throw-away
# PostgreSQL 15 cluster (wal_level=replica), the same row changes twice, first alone, then with
# schema changes between them (each round creates a table, adds, renames and drops a column, and
# drops the table: about 60 rows of pg_class, pg_attribute, pg_type and pg_index a round), each
# range with a catalog snapshot taken before it. Times REDO and UNDO of each range (best of RUNS)
# and prints a markdown table for docs/performance.md.
#
# usage: bench/ddl-cost.sh [ROUNDS [ROWS]]   (default 400 rounds of 500 inserted rows)
# Environment: RUNS (default 3), PG_BIN (default /usr/lib/postgresql/15/bin)
# Needs: postgresql-15 and cli/target/xlogminer.jar (the ./xlogminer launcher builds it if missing).
set -euo pipefail

tool=ddl-cost
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
rounds=${1:-400}
rows=${2:-500}
runs=${RUNS:-3}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cache="$here/cache/ddl-cost"
die() { echo "$tool: $*" >&2; exit 1; }
[ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb not found: apt-get install postgresql-15"
# shellcheck source=bench/pg-work.sh
. "$here/pg-work.sh"

as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust >/dev/null
cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
wal_level = replica
autovacuum = off
max_wal_size = 4GB
wal_keep_size = 4GB
EOF
pg_start

sql "CREATE TABLE acc (id int PRIMARY KEY, v text, n int)"

# one range: the round's rows, and with $1 = ddl the schema changes between them
workload() {
  local kind=$1 script="$work/$1.sql"
  : >"$script"
  for ((i = 1; i <= rounds; i++)); do
    local base=$(( (i - 1) * rows ))
    echo "INSERT INTO acc SELECT g, 'v' || g, g FROM generate_series($base + 1, $base + $rows) g;" >>"$script"
    echo "UPDATE acc SET n = n + 1 WHERE id > $base AND id <= $base + $rows / 5;" >>"$script"
    echo "DELETE FROM acc WHERE id > $base + $rows - $rows / 10 AND id <= $base + $rows;" >>"$script"
    if [ "$kind" = ddl ]; then
      cat >>"$script" <<EOF
CREATE TABLE t$i (id int PRIMARY KEY, a text, b numeric(10,2));
INSERT INTO t$i VALUES (1, 'x', 1.5);
ALTER TABLE t$i ADD COLUMN c int DEFAULT 0;
ALTER TABLE t$i RENAME COLUMN a TO aa;
ALTER TABLE t$i DROP COLUMN b;
DROP TABLE t$i;
EOF
    fi
  done
  as_pg "$PG_BIN/psql" -X -q -h "$work" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -f "$script" >/dev/null
}

mkdir -p "$cache"
declare -A from to commits
for kind in plain ddl; do
  sql "TRUNCATE acc; CHECKPOINT" >/dev/null
  "$root/xlogminer" catalog --jdbc-url "jdbc:postgresql://127.0.0.1:$port/postgres" --user postgres \
    -o "$cache/$kind.catalog.json" 2>/dev/null
  from[$kind]=$(sql "SELECT pg_current_wal_insert_lsn()")
  workload "$kind"
  to[$kind]=$(sql "SELECT pg_current_wal_flush_lsn()")
done
echo "$tool: ranges: plain ${from[plain]}..${to[plain]}, ddl ${from[ddl]}..${to[ddl]}" >&2

# best wall time of $runs runs of: xlogminer mine ... > /dev/null
best() {
  local b="" t
  for ((r = 0; r < runs; r++)); do
    t=$( { TIMEFORMAT=%R; time "$root/xlogminer" "$@" >/dev/null 2>"$work/mine.err"; } 2>&1 )
    if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
  done
  echo "$b"
}

echo "| range | WAL bytes | row changes | schema changes | REDO (s) | UNDO (s) |"
echo "| --- | --- | --- | --- | --- | --- |"
for kind in plain ddl; do
  range=(--wal-dir "$data/pg_wal" --catalog "$cache/$kind.catalog.json" --from-lsn "${from[$kind]}" --to-lsn "${to[$kind]}")
  "$root/xlogminer" mine "${range[@]}" --format json >"$work/$kind.json" 2>"$work/$kind.err" \
    || { cat "$work/$kind.err" >&2; exit 1; }
  changes=$(grep -c '"op":"\(insert\|update\|delete\|truncate\)"' "$work/$kind.json" || true)
  ddl=$(grep -c '"op":"ddl"' "$work/$kind.json" || true)
  bytes=$(sql "SELECT pg_wal_lsn_diff('${to[$kind]}', '${from[$kind]}')")
  redo=$(best mine "${range[@]}")
  undo=$(best mine "${range[@]}" --undo)
  echo "| $kind | $bytes | $changes | $ddl | $redo | $undo |"
done
