#!/usr/bin/env bash
# Folding in guarded UNDO, measured: ROWS rows each updated TIMES times in one range
# (UPDATE accounts SET balance = balance + 1, TIMES transactions), on a throw-away PostgreSQL 15
# cluster at wal_level=replica. Mines the range into guarded UNDO folded (the default: a statement
# per row), per change (--undo-per-change) and unguarded (--undo-guard=none), each with the peak
# RSS of the run (/usr/bin/time), and the folded one again in a small heap (-Xmx${SMALL_HEAP}),
# which must give the same script; then applies each script once as the README says
# (psql -X -q -v ON_ERROR_STOP=1 -1 -f), the accident made again and vacuumed before each, and
# checks that the table is back as it was. A row's changes fold while its first is among the last
# 16,384 pieces of the script (rows and transactions): with the defaults each row's next change
# comes 10,000 changes after the last, so each row is one statement; with ROWS past the window
# (100000 5, say) nothing folds, and the scripts are alike.
#
# usage: bench/undo-fold.sh [ROWS [TIMES]]     (default 10000 20)
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin), SMALL_HEAP (default 96m).
# Needs: postgresql-15, /usr/bin/time, and the ./xlogminer launcher. Run as root (the server runs
# as the postgres user).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
rows=${1:-10000}
times=${2:-20}
small=${SMALL_HEAP:-96m}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
x="$here/../xlogminer"

die() { echo "undo-fold: $*" >&2; exit 1; }
[[ "$rows" =~ ^[1-9][0-9]*$ && "$times" =~ ^[1-9][0-9]*$ ]] || die "expected ROWS and TIMES, positive numbers"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: apt-get install time"

tool=undo-fold
cache="$here/cache/undo-fold"   # pg-work.sh's staging name only: nothing is cached
. "$here/pg-work.sh"

as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; die "initdb failed"; }
cat >>"$data/postgresql.conf" <<CONF

# undo-fold.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
max_wal_size = 4GB
wal_keep_size = 4GB
checkpoint_timeout = 1h
autovacuum = off
shared_buffers = 256MB
CONF
pg_start

psql_file() { as_pg "$PG_BIN/psql" -X -q -h "$work" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -1 -f "$1" >/dev/null 2>&1; }
now() { date +%s.%N; }
lsn() { sql "SELECT pg_current_wal_insert_lsn()"; }

sql "CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2), note text)"
sql "INSERT INTO accounts SELECT g, 'owner ' || g, g % 10000, CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || g END
     FROM generate_series(1, $rows) g"
sql "CREATE TABLE accounts_saved AS SELECT * FROM accounts"
sql "VACUUM ANALYZE accounts"
"$x" catalog --jdbc-url "jdbc:postgresql://127.0.0.1:$port/postgres" --user postgres -o "$work/catalog.json"

accident() { for _ in $(seq 1 "$times"); do sql "UPDATE accounts SET balance = balance + 1"; done; }
restored() {
  [ "$(sql "SELECT count(*) FROM (SELECT * FROM accounts EXCEPT SELECT * FROM accounts_saved) d")" = 0 ] \
    && [ "$(sql "SELECT count(*) FROM accounts")" = "$rows" ]
}

sql "CHECKPOINT"
from=$(lsn)
accident
to=$(lsn)
sql "SELECT pg_switch_wal()" >/dev/null
range=(--wal-dir "$data/pg_wal" --catalog "$work/catalog.json" --from-lsn "$from" --to-lsn "$to")

declare -A opts=([folded]="--undo" [per-change]="--undo --undo-per-change" [unguarded]="--undo --undo-guard=none")
for v in folded per-change unguarded; do
  t0=$(now)
  # shellcheck disable=SC2086
  /usr/bin/time -f %M -o "$work/$v.rss" "$x" mine "${range[@]}" ${opts[$v]} >"$work/$v.sql" 2>"$work/$v.err" \
    || { cat "$work/$v.err" >&2; die "mining $v failed"; }
  t1=$(now)
  printf 'undo-fold: %-10s mined in %5.1f s, peak RSS %4d MB, %4d MB of SQL, %7d statements\n' "$v" \
    "$(echo "$t1 - $t0" | bc)" $(( $(cat "$work/$v.rss") / 1000 )) $(( $(stat -c %s "$work/$v.sql") / 1000000 )) \
    "$(grep -c -E '^(WITH u AS \(|UPDATE |INSERT |DELETE |EXECUTE )' "$work/$v.sql" || true)" >&2
done
XLOGMINER_JAVA_OPTS="-Xmx$small" /usr/bin/time -f %M -o "$work/small.rss" "$x" mine "${range[@]}" --undo \
  >"$work/small.sql" 2>"$work/small.err" || { cat "$work/small.err" >&2; die "mining in -Xmx$small failed"; }
cmp -s "$work/small.sql" "$work/folded.sql" || die "the folded script differs in -Xmx$small"
printf 'undo-fold: folded in -Xmx%s: the same script, peak RSS %d MB\n' "$small" $(( $(cat "$work/small.rss") / 1000 )) >&2

first=1
for v in folded per-change unguarded; do
  if [ "$first" = 0 ]; then
    accident
  fi
  first=0
  sql "VACUUM accounts"
  t0=$(now); psql_file "$work/$v.sql" || die "applying $v failed"; t1=$(now)
  restored || die "$v: UNDO did not restore the table"
  printf 'undo-fold: %-10s applied in %6.2f s\n' "$v" "$(echo "$t1 - $t0" | bc)" >&2
done
