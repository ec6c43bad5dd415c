#!/usr/bin/env bash
# Times applying UNDO to a real server: guarded (the default of --undo) against unguarded
# (--undo-guard=none), for a 100,000-row accident of each kind, on a throw-away PostgreSQL 15
# cluster at wal_level=replica (old rows from the pages):
#
#   update   UPDATE accounts SET balance = 0       (UNDO: 100,000 UPDATEs by key)
#   delete   DELETE FROM accounts                  (UNDO: 100,000 INSERTs)
#
# Each accident is made once and mined once into both scripts (the mining times are printed too);
# then, RUNS rounds, each script is applied in turn, as the README says to apply UNDO
# (psql -X -q -v ON_ERROR_STOP=1 -1 -f FILE, output to /dev/null), after making the accident again
# (the same values: both scripts still apply) and a VACUUM, so that every run starts from the same
# state. Of each psql run, the wall time and the CPU time of the server backend that ran the script
# (the postmaster's children's time, taken after it reaped the backend: on a busy shared host the
# wall time mostly measures waiting, the CPU time what the statements cost). Printed, and written
# as a markdown table to $OUT, are the medians of each and their ratios (target: guarded <= 2.0 x
# unguarded).
#
# usage: bench/undo-apply.sh [ROWS]    (default 100000)
# Environment:
#   RUNS     rounds (default 5)
#   KINDS    accidents to time (default "update delete")
#   OUT      markdown results (default bench/cache/undo-apply-results.md)
#   PG_BIN   (default /usr/lib/postgresql/15/bin)
# Needs: postgresql-15 (apt-get install postgresql-15) and the ./xlogminer launcher (it builds
# cli/target/xlogminer.jar when missing). Run as root, the server runs as the postgres user.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
rows=${1:-100000}
runs=${RUNS:-5}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out=${OUT:-$here/cache/undo-apply-results.md}
x="$here/../xlogminer"

die() { echo "undo-apply: $*" >&2; exit 1; }
[[ "$rows" =~ ^[1-9][0-9]*$ ]] || die "expected a positive number of rows, got '$rows'"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$runs'"
for t in initdb pg_ctl postgres psql; do
  [ -x "$PG_BIN/$t" ] || die "$PG_BIN/$t not found; install PostgreSQL 15 with: apt-get install postgresql-15"
done

tool=undo-apply
cache="$here/cache/undo-apply"   # pg-work.sh's staging name only: nothing is cached
. "$here/pg-work.sh"

as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; die "initdb failed"; }
cat >>"$data/postgresql.conf" <<EOF

# undo-apply.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
max_wal_size = 4GB
wal_keep_size = 4GB
checkpoint_timeout = 1h
autovacuum = off
shared_buffers = 256MB
EOF
pg_start

psql_file() { as_pg "$PG_BIN/psql" -X -q -h "$work" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -1 -f "$1" >/dev/null; }
now() { date +%s.%N; }
# CPU seconds of the postmaster's reaped children (utime + stime of its children, in clock ticks)
tick=$(getconf CLK_TCK)
backend_cpu() { awk -v t="$tick" '{printf "%.2f", ($16 + $17) / t}' "/proc/$(head -1 "$data/postmaster.pid")/stat"; }
lsn() { sql "SELECT pg_current_wal_insert_lsn()"; }

sql "CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2), note text,
       opened date, updated timestamptz)"
sql "INSERT INTO accounts SELECT g, 'owner ' || g, (g * 37.5)::numeric % 10000, CASE WHEN g % 3 = 0 THEN NULL
       ELSE 'note ' || g END, date '2020-01-01' + g % 1000, timestamptz '2024-03-01 12:00+00' + g * interval '1 s'
     FROM generate_series(1, $rows) g"
sql "CREATE TABLE accounts_saved AS SELECT * FROM accounts"
sql "VACUUM ANALYZE accounts"
"$x" catalog --jdbc-url "jdbc:postgresql://127.0.0.1:$port/postgres" --user postgres -o "$work/catalog.json"

# DELETE, not TRUNCATE: a new relfilenode would not be the catalog's
restore() { sql "DELETE FROM accounts"; sql "INSERT INTO accounts SELECT * FROM accounts_saved"; sql "VACUUM accounts"; }
declare -A accident=([update]="UPDATE accounts SET balance = 0" [delete]="DELETE FROM accounts")

results=()
for kind in ${KINDS:-update delete}; do
  restore
  sql "CHECKPOINT"
  from=$(lsn)
  sql "${accident[$kind]}"
  to=$(lsn)
  sql "SELECT pg_switch_wal()" >/dev/null   # WAL flushed past the range's end (a page boundary, maybe)
  range=(--wal-dir "$data/pg_wal" --catalog "$work/catalog.json" --from-lsn "$from" --to-lsn "$to")
  for g in none changed; do
    t0=$(now)
    "$x" mine "${range[@]}" --undo --undo-guard=$g >"$work/$kind-$g.sql" 2>"$work/$kind-$g.err" \
      || { cat "$work/$kind-$g.err" >&2; die "mining $kind --undo-guard=$g failed"; }
    t1=$(now)
    n=$(grep -c -E '^(WITH u AS \(|UPDATE |INSERT |EXECUTE )' "$work/$kind-$g.sql" || true)
    [ "$n" = "$rows" ] || { cat "$work/$kind-$g.err" >&2; die "$kind --undo-guard=$g: $n statements, expected $rows"; }
    printf 'undo-apply: %s --undo-guard=%-7s mined in %.1f s, %d MB\n' "$kind" "$g" "$(echo "$t1 - $t0" | bc)" \
      $(( $(stat -c %s "$work/$kind-$g.sql") / 1000000 )) >&2
  done
  declare -a tn=() tc=() cn=() cc=()
  for r in $(seq 1 "$runs"); do
    order=(none changed)
    [ $((r % 2)) = 0 ] && order=(changed none)
    for g in "${order[@]}"; do
      sql "${accident[$kind]}"
      sql "VACUUM accounts"
      sleep 0.5; c0=$(backend_cpu)
      t0=$(now); psql_file "$work/$kind-$g.sql"; t1=$(now)
      sleep 0.5; c1=$(backend_cpu)   # the backend has exited and been reaped
      c=$(echo "$c1 - $c0" | bc)
      [ "$(sql "SELECT count(*) FROM (SELECT * FROM accounts EXCEPT SELECT * FROM accounts_saved) d")" = 0 ] \
        && [ "$(sql "SELECT count(*) FROM accounts")" = "$rows" ] || die "$kind $g: UNDO did not restore the table"
      t=$(echo "$t1 - $t0" | bc)
      if [ "$g" = none ]; then tn+=("$t"); cn+=("$c"); else tc+=("$t"); cc+=("$c"); fi
      printf 'undo-apply: %s round %d --undo-guard=%-7s %.2f s, backend CPU %.2f s\n' "$kind" "$r" "$g" "$t" "$c" >&2
    done
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
  mn=$(median "${tn[@]}"); mc=$(median "${tc[@]}"); bn=$(median "${cn[@]}"); bc_=$(median "${cc[@]}")
  results+=("$(printf '| %s | %d | %.2f s | %.2f s | %.2f x | %.2f s | %.2f s | %.2f x |' "${accident[$kind]}" \
    "$rows" "$mn" "$mc" "$(echo "$mc / $mn" | bc -l)" "$bn" "$bc_" "$(echo "$bc_ / $bn" | bc -l)")")
done

mkdir -p "$(dirname "$out")"
{
  echo "Applying UNDO with psql -1 (PostgreSQL $(sql 'SHOW server_version'), median of $runs runs):"
  echo
  echo "| accident | rows | wall, unguarded (--undo-guard=none) | wall, guarded (default) | ratio | backend CPU, unguarded | backend CPU, guarded | ratio |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${results[@]}"
} | tee "$out"
