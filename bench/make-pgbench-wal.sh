#!/usr/bin/env bash
# Generates real WAL for the benchmarks: a throw-away PostgreSQL 15 cluster runs
# `pgbench -i -s SCALE`, a CHECKPOINT, then `pgbench -n -c CLIENTS -j 2 -t TX`; the segments
# that hold the WAL written in between are copied into a cache directory with range.txt
# (start LSN, LSN after the CHECKPOINT, end LSN) and README.txt (what produced it).
#
# usage: bench/make-pgbench-wal.sh [SCALE [TX [CLIENTS [WAL_SEGSIZE_MB [WAL_COMPRESSION]]]]]
#   SCALE            pgbench scale factor                       (default 10)
#   TX               transactions per client                    (default 20000)
#   CLIENTS          pgbench clients                            (default 4)
#   WAL_SEGSIZE_MB   initdb --wal-segsize                       (default 16)
#   WAL_COMPRESSION  wal_compression: off, pglz, lz4 or zstd    (default off)
#
# The cache directory is bench/cache/pgbench-wal-s<SCALE>, with -t<TX>, -c<CLIENTS>,
# -seg<MB> and -<COMPRESSION> appended for each value that is not the default; the
# environment variable WAL_CACHE_DIR overrides it. When the directory exists already the
# script only prints its path. Needs the Debian package postgresql-15; run as root it runs
# the server as the postgres user.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
scale=${1:-10}
tx=${2:-20000}
clients=${3:-4}
segmb=${4:-16}
compression=${5:-off}

die() { echo "make-pgbench-wal: $*" >&2; exit 1; }

for v in "$scale" "$tx" "$clients" "$segmb"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "expected a positive integer, got '$v' (usage: $0 [SCALE [TX [CLIENTS [SEGSIZE_MB [COMPRESSION]]]]])"
done
case "$compression" in off|pglz|lz4|zstd|on) ;; *) die "wal_compression must be off, on, pglz, lz4 or zstd, got '$compression'" ;; esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="pgbench-wal-s$scale"
[ "$tx" = 20000 ] || name="$name-t$tx"
[ "$clients" = 4 ] || name="$name-c$clients"
[ "$segmb" = 16 ] || name="$name-seg$segmb"
[ "$compression" = off ] || name="$name-$compression"
cache="${WAL_CACHE_DIR:-$here/cache/$name}"

if [ -f "$cache/range.txt" ]; then
  echo "$cache"
  exit 0
fi
[ ! -e "$cache" ] || die "$cache exists but has no range.txt (an interrupted run?); remove it and run again"

for tool in initdb pg_ctl postgres psql pgbench; do
  if [ ! -x "$PG_BIN/$tool" ]; then
    echo "make-pgbench-wal: $PG_BIN/$tool not found; install PostgreSQL 15 with: apt-get install postgresql-15" >&2
    exit 1
  fi
done

tool=make-pgbench-wal
. "$here/pg-work.sh"

echo "make-pgbench-wal: initdb in $data (wal segment size ${segmb} MB)" >&2
as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  --wal-segsize="$segmb" >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; die "initdb failed"; }

# fsync=off changes nothing in the WAL's content, only how fast it reaches the disk.
cat >>"$data/postgresql.conf" <<EOF

# make-pgbench-wal.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
max_wal_size = 10GB
wal_keep_size = 10GB
checkpoint_timeout = 1h
autovacuum = off
wal_compression = $compression
fsync = off
EOF

pg_start

server_version=$(sql "SHOW server_version")
start_lsn=$(sql "SELECT pg_current_wal_insert_lsn()")
echo "make-pgbench-wal: start LSN $start_lsn; pgbench -i -s $scale" >&2
pgbench -i -q -s "$scale" >"$work/pgbench-init.log" 2>&1 || { cat "$work/pgbench-init.log" >&2; die "pgbench -i failed"; }
sql "CHECKPOINT"
run_start_lsn=$(sql "SELECT pg_current_wal_insert_lsn()")
echo "make-pgbench-wal: pgbench -n -c $clients -j 2 -t $tx" >&2
pgbench -n -c "$clients" -j 2 -t "$tx" >"$work/pgbench-run.log" 2>&1 || { cat "$work/pgbench-run.log" >&2; die "pgbench failed"; }
end_lsn=$(sql "SELECT pg_current_wal_insert_lsn()")
timeline=$(sql "SELECT timeline_id FROM pg_control_checkpoint()")
echo "make-pgbench-wal: end LSN $end_lsn; stopping the server" >&2

# A clean stop flushes all WAL up to end_lsn to the segment files.
as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
started=0

lsn_value() { local hi=${1%/*} lo=${1#*/}; echo $(( (16#$hi << 32) | 16#$lo )); }
seg_bytes=$(( segmb * 1024 * 1024 ))
per_id=$(( 0x100000000 / seg_bytes ))
start=$(lsn_value "$start_lsn")
end=$(lsn_value "$end_lsn")
first_seg=$(( start / seg_bytes ))
# The segment holding end_lsn itself is needed too: a reader looks there to see that the
# record after the last one starts at or past the end LSN.
last_seg=$(( end / seg_bytes ))

copy_segments "$first_seg" "$last_seg"

cat >"$staging/range.txt" <<EOF
start_lsn=$start_lsn
run_start_lsn=$run_start_lsn
end_lsn=$end_lsn
EOF

cat >"$staging/README.txt" <<EOF
WAL of PostgreSQL $server_version made by bench/make-pgbench-wal.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ):

  initdb -U postgres -A trust -E UTF8 --locale=C --wal-segsize=$segmb
  server settings: max_wal_size=10GB wal_keep_size=10GB checkpoint_timeout=1h autovacuum=off
                   wal_compression=$compression fsync=off (wal_level and the rest: defaults)
  start LSN $start_lsn  (pg_current_wal_insert_lsn() before the first command)
  pgbench -i -q -s $scale
  CHECKPOINT
  run start LSN $run_start_lsn  (pg_current_wal_insert_lsn() after the CHECKPOINT)
  pgbench -n -c $clients -j 2 -t $tx
  end LSN   $end_lsn  (pg_current_wal_insert_lsn() after the last command)

The files are the segments $(seg_name "$first_seg") to $(seg_name "$last_seg") (timeline $timeline, $segmb MB each),
copied after a clean shutdown; the last one is filled only partly by this range (past the end
LSN it holds the shutdown checkpoint, then zeros). The range holds $(( end - start )) bytes of WAL.
range.txt has the LSNs as start_lsn=..., run_start_lsn=... and end_lsn=... lines: start..end is
the whole range (pgbench -i's bulk load, index builds, then the run), run_start..end only the
pgbench run (small records, and a full-page image at each page's first change after the
CHECKPOINT).

pgbench's summary of the run:
$(grep -E '^(scaling factor|number of clients|number of threads|number of transactions actually processed|tps)' "$work/pgbench-run.log" | sed 's/^/  /')
EOF

mkdir -p "$(dirname "$cache")"
mv "$staging" "$cache"
echo "make-pgbench-wal: wrote $(( last_seg - first_seg + 1 )) segments, $(( end - start )) bytes of WAL in range" >&2
echo "$cache"
