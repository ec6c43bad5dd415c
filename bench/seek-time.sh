#!/usr/bin/env bash
# Measures how --from-time finds a window near the end of a long WAL: the time of `stats` over
# the whole WAL, against `stats --from-time/--to-time` of a window near its end found by the
# search over segment heads, and by the index (`xlogminer index`, timed too).
#
# usage: bench/seek-time.sh [WAL_DIR [WINDOW_SECONDS]]
#   WAL_DIR         a directory of segments with catalog.json ("" or none: made here, see below)
#   WINDOW_SECONDS  the window, ending 30 s before the last commit      (default 300)
#
# Without WAL_DIR a throw-away PostgreSQL 15 cluster runs `pgbench -i -s 10`, then
# `pgbench -c 4 -j 2 -T SECONDS` (SEEK_RUN_SECONDS, default 900) with checkpoint_timeout=30s and
# max_wal_size=1GB, so that the WAL holds a checkpoint every 30 s at most; the catalog is captured
# before the run. The segments are kept in bench/cache/seek-wal-T<SECONDS> (WAL_CACHE_DIR
# overrides) and reused. The index is written to a temporary file, never into WAL_DIR.
# Needs the Debian package postgresql-15; run as root it runs the server as the postgres user.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
xlogminer="$here/../xlogminer"
window=${2:-300}
die() { echo "seek-time: $*" >&2; exit 1; }

make_wal() {
  local seconds=${SEEK_RUN_SECONDS:-900}
  cache="${WAL_CACHE_DIR:-$here/cache/seek-wal-T$seconds}"
  if [ -f "$cache/catalog.json" ]; then
    return
  fi
  [ ! -e "$cache" ] || die "$cache exists but has no catalog.json (an interrupted run?); remove it and run again"
  tool=seek-time
  . "$here/pg-work.sh"
  as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; die "initdb failed"; }
  cat >>"$data/postgresql.conf" <<CONF

# seek-time.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
max_wal_size = 1GB
min_wal_size = 80MB
wal_keep_size = 100GB
checkpoint_timeout = 30s
autovacuum = off
fsync = off
CONF
  pg_start
  pgbench -i -q -s 10 >"$work/pgbench-init.log" 2>&1 || { cat "$work/pgbench-init.log" >&2; die "pgbench -i failed"; }
  mkdir -p "$staging"
  "$xlogminer" catalog --jdbc-url "jdbc:postgresql://127.0.0.1:$port/postgres" --user postgres -o "$staging/catalog.json"
  echo "seek-time: pgbench -c 4 -j 2 -T $seconds" >&2
  pgbench -n -c 4 -j 2 -T "$seconds" >"$work/pgbench-run.log" 2>&1 || { cat "$work/pgbench-run.log" >&2; die "pgbench failed"; }
  sql "CHECKPOINT" >/dev/null
  as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  started=0
  cp "$data"/pg_wal/0000000* "$staging/"
  chmod 644 "$staging"/*
  grep -E '^(number of transactions actually processed|tps)' "$work/pgbench-run.log" >"$staging/README.txt" || true
  mkdir -p "$(dirname "$cache")"
  mv "$staging" "$cache"
}

if [ -n "${1:-}" ]; then
  cache=$1
else
  make_wal
fi
[ -f "$cache/catalog.json" ] || die "$cache has no catalog.json"

tmp="$(mktemp -d /tmp/xlogminer-seek-time.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
segments=$(ls "$cache" | grep -cE '^[0-9A-F]{24}$')
bytes=$(du -sb "$cache" | cut -f1)
echo "seek-time: $cache: $segments segments, $bytes bytes"

# runs NAME ARGS...: times a command, keeps its stderr, prints seconds and the records read
timed() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  t1=$(date +%s.%N)
  printf '%-22s %8.2f s  %s\n' "$name" "$(echo "$t1 - $t0" | bc)" \
    "$(grep -oE '[0-9]+ records read from [0-9A-F/]+' "$tmp/$name.err" || grep -oE 'indexed .*' "$tmp/$name.err")"
}

stats=("$xlogminer" stats --wal-dir "$cache" --catalog "$cache/catalog.json" --top 5)
timed whole "${stats[@]}"
# the last commit of the busiest table: the end of its "first .. last" column (the row after the heading)
last=$(awk '/^# per table/{getline; getline; print $NF; exit}' "$tmp/whole.out")
end=$(date -u -d "$last" +%s) || die "no commit time in the whole run's output"
to=$(date -u -d "@$(( end - 30 ))" +%Y-%m-%dT%H:%M:%SZ)
from=$(date -u -d "@$(( end - 30 - window ))" +%Y-%m-%dT%H:%M:%SZ)
echo "seek-time: window $from .. $to (the last commit: $last)"
timed window-search "${stats[@]}" --from-time "$from" --to-time "$to"
timed index "$xlogminer" index --wal-dir "$cache" -o "$tmp/index.jsonl"
timed index-again "$xlogminer" index --wal-dir "$cache" -o "$tmp/index.jsonl"
timed window-index "${stats[@]}" --from-time "$from" --to-time "$to" --index "$tmp/index.jsonl"
start=$(grep -oE 'reading from [0-9A-F/]+' "$tmp/window-index.err" | cut -d' ' -f3)
timed window-lsn "${stats[@]}" --from-lsn "$start" --to-time "$to" --index "$tmp/index.jsonl"
for f in window-search window-index; do
  echo "$f: $(grep -E 'reading from|reading stops' "$tmp/$f.err" | tr '\n' ' ')"
done
echo "seek-time: top transactions of the window, search and index agree: $(cmp -s "$tmp/window-search.out" "$tmp/window-index.out" && echo yes || echo NO)"
