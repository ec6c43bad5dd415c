#!/usr/bin/env bash
# Times `xlogminer records` against PostgreSQL 15's pg_waldump over the same WAL range, both
# writing their one line per record to /dev/null, with hyperfine; then measures each one's
# peak RSS with /usr/bin/time. The JVM's start-up alone is timed too (`xlogminer records
# --help`), to tell the fixed cost from the per-record cost.
#
# usage: bench/compare-pg_waldump.sh [WAL_DIR] [RUNS]
#   WAL_DIR  made by bench/make-pgbench-wal.sh (default bench/cache/pgbench-wal-s10); its
#            range.txt gives the LSN range
#   RUNS     timed runs of each command (default 10)
# Needs: hyperfine (apt-get install -y hyperfine), /usr/bin/time (apt-get install -y time),
# postgresql-15, and cli/target/xlogminer.jar (the ./xlogminer launcher builds it if missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
dir="$(cd "${1:-$here/cache/pgbench-wal-s10}" && pwd)"
runs=${2:-10}
pg_waldump=${PG_WALDUMP:-/usr/lib/postgresql/15/bin/pg_waldump}
xlogminer="$root/xlogminer"

die() { echo "compare-pg_waldump: $*" >&2; exit 1; }
[ -f "$dir/range.txt" ] || die "$dir/range.txt not found: run bench/make-pgbench-wal.sh first"
command -v hyperfine >/dev/null || die "hyperfine not found: apt-get install -y hyperfine"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: apt-get install -y time"
[ -x "$pg_waldump" ] || die "$pg_waldump not found: apt-get install postgresql-15"

start_lsn=$(sed -n 's/^start_lsn=//p' "$dir/range.txt")
end_lsn=$(sed -n 's/^end_lsn=//p' "$dir/range.txt")
[ -n "$start_lsn" ] && [ -n "$end_lsn" ] || die "$dir/range.txt has no start_lsn= and end_lsn= lines"

waldump_cmd="$pg_waldump -p $dir -s $start_lsn -e $end_lsn"
xlogminer_cmd="$xlogminer records --wal-dir $dir --from-lsn $start_lsn --to-lsn $end_lsn"
startup_cmd="$xlogminer records --help"

# First runs outside the timing: build the jar if needed, and check both read the same records.
"$xlogminer" records --help >/dev/null
n_waldump=$($waldump_cmd 2>/dev/null | wc -l)
n_xlogminer=$($xlogminer_cmd 2>/dev/null | wc -l)
echo "range $start_lsn..$end_lsn of $dir: pg_waldump $n_waldump records, xlogminer $n_xlogminer records"
[ "$n_waldump" = "$n_xlogminer" ] || echo "compare-pg_waldump: warning: the record counts differ" >&2

json="$(mktemp /tmp/compare-pg_waldump.XXXXXX.json)"
trap 'rm -f "$json"' EXIT
hyperfine --warmup 2 --runs "$runs" --export-json "$json" \
  -n pg_waldump "$waldump_cmd > /dev/null 2>&1" \
  -n xlogminer "$xlogminer_cmd > /dev/null 2>&1" \
  -n jvm-start-up "$startup_cmd > /dev/null 2>&1"

mean() { sed -n "/\"command\": \"$1\"/,/\"mean\"/s/.*\"mean\": \([0-9.e-]*\).*/\1/p" "$json" | head -n 1; }
t_waldump=$(mean pg_waldump)
t_xlogminer=$(mean xlogminer)
t_startup=$(mean jvm-start-up)
awk -v w="$t_waldump" -v x="$t_xlogminer" -v s="$t_startup" 'BEGIN {
  printf "mean: pg_waldump %.3f s, xlogminer %.3f s, JVM start-up %.3f s\n", w, x, s
  printf "xlogminer / pg_waldump = %.2f; without the start-up: %.2f\n", x / w, (x - s) / w
}'

peak_rss() {
  local max=0 kb
  for _ in 1 2 3; do
    kb=$( { /usr/bin/time -f '%M' bash -c "$1 > /dev/null 2>/dev/null"; } 2>&1 | tail -n 1)
    [ "$kb" -gt "$max" ] && max=$kb
  done
  echo "$max"
}
echo "peak RSS (max of 3 runs): pg_waldump $(peak_rss "$waldump_cmd") kB," \
  "xlogminer $(peak_rss "$xlogminer_cmd") kB, JVM start-up $(peak_rss "$startup_cmd") kB"
