#!/usr/bin/env bash
# Generates real logical-level WAL and its catalog snapshot for the tuple-decoding and SQL-rendering
# benchmarks: a throw-away PostgreSQL 15 cluster with wal_level=logical runs `pgbench -i -s SCALE`,
# sets REPLICA IDENTITY FULL on the four pgbench tables (so every UPDATE and DELETE logs the whole
# old row), captures a catalog snapshot with `xlogminer catalog`, runs a CHECKPOINT, then
# `pgbench -n -c CLIENTS -j 2 -t TX`. The segments from the CHECKPOINT's REDO point to the end LSN
# are copied into a cache directory with range.txt, catalog.json and README.txt.
#
# usage: bench/make-pgbench-logical-wal.sh [SCALE [TX [CLIENTS]]]
#   SCALE    pgbench scale factor            (default 5)
#   TX       transactions per client         (default 5000)
#   CLIENTS  pgbench clients                 (default 2)
#
# The cache directory is bench/cache/pgbench-logical-wal-s<SCALE>, with -t<TX> and -c<CLIENTS>
# appended for each value that is not the default; the environment variable WAL_CACHE_DIR
# overrides it. When the directory exists already the script only prints its path. Needs the
# Debian package postgresql-15, Java 17 and Maven (the CLI is built when cli/target/xlogminer.jar
# is missing); run as root it runs the server as the postgres user.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
scale=${1:-5}
tx=${2:-5000}
clients=${3:-2}

die() { echo "make-pgbench-logical-wal: $*" >&2; exit 1; }
say() { echo "make-pgbench-logical-wal: $*" >&2; }

for v in "$scale" "$tx" "$clients"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "expected a positive integer, got '$v' (usage: $0 [SCALE [TX [CLIENTS]]])"
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# WAL_LEVEL=replica: the default level and replica identity (old rows must come from the pages).
wal_level="${WAL_LEVEL:-logical}"
case "$wal_level" in logical|replica) ;; *) echo "WAL_LEVEL must be logical or replica" >&2; exit 1 ;; esac
name="pgbench-$wal_level-wal-s$scale"
[ "$tx" = 5000 ] || name="$name-t$tx"
[ "$clients" = 2 ] || name="$name-c$clients"
cache="${WAL_CACHE_DIR:-$here/cache/$name}"
segmb=16

if [ -f "$cache/range.txt" ]; then
  echo "$cache"
  exit 0
fi
[ ! -e "$cache" ] || die "$cache exists but has no range.txt (an interrupted run?); remove it and run again"

for tool in initdb pg_ctl postgres psql pgbench; do
  [ -x "$PG_BIN/$tool" ] || die "$PG_BIN/$tool not found; install PostgreSQL 15 with: apt-get install postgresql-15"
done

jar="$root/cli/target/xlogminer.jar"
if [ ! -f "$jar" ]; then
  say "building $jar"
  (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests package -pl cli -am >&2) || die "building the CLI failed"
fi

tool=make-pgbench-logical-wal
. "$here/pg-work.sh"

say "initdb in $data"
as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  --wal-segsize="$segmb" >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; die "initdb failed"; }

# fsync=off changes nothing in the WAL's content, only how fast it reaches the disk.
cat >>"$data/postgresql.conf" <<EOF

# make-pgbench-logical-wal.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
wal_level = $wal_level
max_wal_size = 10GB
wal_keep_size = 10GB
checkpoint_timeout = 1h
autovacuum = off
wal_compression = off
fsync = off
EOF

pg_start

server_version=$(sql "SHOW server_version")
say "pgbench -i -s $scale"
pgbench -i -q -s "$scale" >"$work/pgbench-init.log" 2>&1 || { cat "$work/pgbench-init.log" >&2; die "pgbench -i failed"; }
if [ "$wal_level" = logical ]; then
  for t in pgbench_accounts pgbench_branches pgbench_tellers pgbench_history; do
    sql "ALTER TABLE $t REPLICA IDENTITY FULL"
  done
fi

mkdir -p "$staging"
say "capturing the catalog with xlogminer catalog"
java -jar "$jar" catalog --jdbc-url "jdbc:postgresql://127.0.0.1:$port/postgres" --user postgres \
  -o "$staging/catalog.json" >&2 || die "xlogminer catalog failed"

sql "CHECKPOINT"
start_lsn=$(sql "SELECT pg_current_wal_insert_lsn()")
redo_lsn=$(sql "SELECT redo_lsn FROM pg_control_checkpoint()")
say "start LSN $start_lsn (checkpoint REDO $redo_lsn); pgbench -n -c $clients -j 2 -t $tx"
pgbench -n -c "$clients" -j 2 -t "$tx" >"$work/pgbench-run.log" 2>&1 || { cat "$work/pgbench-run.log" >&2; die "pgbench failed"; }
end_lsn=$(sql "SELECT pg_current_wal_insert_lsn()")
timeline=$(sql "SELECT timeline_id FROM pg_control_checkpoint()")
say "end LSN $end_lsn; stopping the server"

# A clean stop flushes all WAL up to end_lsn to the segment files.
as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
started=0

lsn_value() { local hi=${1%/*} lo=${1#*/}; echo $(( (16#$hi << 32) | 16#$lo )); }
seg_bytes=$(( segmb * 1024 * 1024 ))
per_id=$(( 0x100000000 / seg_bytes ))
start=$(lsn_value "$start_lsn")
redo=$(lsn_value "$redo_lsn")
end=$(lsn_value "$end_lsn")
# From the REDO point's segment, so that a miner asked to start at start_lsn finds the checkpoint;
# to the segment holding end_lsn, where a reader sees that the next record starts at or past it.
first_seg=$(( redo / seg_bytes ))
last_seg=$(( end / seg_bytes ))
copy_segments "$first_seg" "$last_seg"

# run_start_lsn equals start_lsn: RecordReaderBenchmark's -p range=run reads the same range.
cat >"$staging/range.txt" <<EOF
start_lsn=$start_lsn
run_start_lsn=$start_lsn
end_lsn=$end_lsn
checkpoint_redo_lsn=$redo_lsn
EOF

cat >"$staging/README.txt" <<EOF
WAL of PostgreSQL $server_version made by bench/make-pgbench-logical-wal.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ):

  initdb -U postgres -A trust -E UTF8 --locale=C --wal-segsize=$segmb
  server settings: wal_level=$wal_level max_wal_size=10GB wal_keep_size=10GB checkpoint_timeout=1h
                   autovacuum=off wal_compression=off fsync=off
  pgbench -i -q -s $scale
  ALTER TABLE pgbench_accounts|pgbench_branches|pgbench_tellers|pgbench_history REPLICA IDENTITY FULL
  xlogminer catalog --jdbc-url jdbc:postgresql://127.0.0.1:PORT/postgres --user postgres -o catalog.json
  CHECKPOINT                    (its REDO point: $redo_lsn)
  start LSN $start_lsn  (pg_current_wal_insert_lsn() after the CHECKPOINT)
  pgbench -n -c $clients -j 2 -t $tx
  end LSN   $end_lsn  (pg_current_wal_insert_lsn() after the last command)

The files are the segments $(seg_name "$first_seg") to $(seg_name "$last_seg") (timeline $timeline, $segmb MB each),
copied after a clean shutdown, from the one holding the checkpoint's REDO point to the one holding
the end LSN (past it: the shutdown checkpoint, then zeros). range.txt has start_lsn, run_start_lsn
(the same), end_lsn and checkpoint_redo_lsn lines. start..end holds $(( end - start )) bytes of WAL:
only the pgbench run, whose UPDATEs and DELETEs log the whole old row (REPLICA IDENTITY FULL) and
whose new tuples are logged whole even with a full-page image (wal_level=logical). catalog.json is
the snapshot taken before the CHECKPOINT, and matches every relation the run touches.

pgbench's summary of the run:
$(grep -E '^(scaling factor|number of clients|number of threads|number of transactions actually processed|tps)' "$work/pgbench-run.log" | sed 's/^/  /')
EOF

mkdir -p "$(dirname "$cache")"
mv "$staging" "$cache"
say "wrote $(( last_seg - first_seg + 1 )) segments, $(( end - start )) bytes of WAL in range"
echo "$cache"
