#!/usr/bin/env bash
# Times xlogminer against PostgreSQL 15's pg_waldump on the same >= 1 GB of pgbench WAL, in one
# run, with hyperfine (every command writes to /dev/null):
#
#   pg_waldump -p DIR -s START -e END              reference of records, REDO and UNDO
#   pg_waldump -p DIR -s START -e END --stats      reference of stats
#   xlogminer records                              target <= 1.0 x pg_waldump
#   xlogminer stats --catalog DIR/catalog.json     target <= 2.0 x pg_waldump --stats
#   xlogminer mine  --catalog DIR/catalog.json     target <= 1.0 x pg_waldump (REDO SQL)
#   xlogminer mine  --catalog ... --undo           target <= 1.0 x pg_waldump (UNDO SQL),
#                                                  and peak RSS <= 1 GB
#   xlogminer --version                            the JVM's start-up alone, for information
#   xlogminer records / mine on a zstd and an lz4  target <= 1.3 x the same command on the plain
#     copy of the WAL (COMPRESSED=1), and on an    segments; the copies, DIR-zst, DIR-lz4 and
#     lz4 copy of linked 64 kB blocks (as          DIR-lz4-linked beside DIR (one file per segment,
#     pgBackRest writes it)                        as an archive_command writes them), are made
#                                                  on first use
#
# Each xlogminer command is first run once, untimed: a failure stops the script and shows its
# stderr; `records` must print as many lines as pg_waldump (a warning if not). Peak RSS is the
# max of RSS_RUNS runs under `/usr/bin/time -f %M`, apart from hyperfine. Beside each mean wall
# time, the mean user and system CPU of the same runs: xlogminer's above its wall time is the share
# of the second core it used. The results are printed and written as a markdown table to $OUT,
# ready for docs/performance.md.
#
# usage: bench/compare.sh [SCALE [TX [CLIENTS]]]
#        bench/compare.sh WAL_DIR
#   SCALE TX CLIENTS  passed to `WAL_LEVEL=replica bench/make-pgbench-logical-wal.sh`, which makes
#                     the WAL or reuses its cache directory (default 80 70000 4:
#                     bench/cache/pgbench-replica-wal-s80-t70000-c4, ~1.2 GB in range)
#   WAL_DIR           a directory made by that script (range.txt, catalog.json, segments)
# Environment:
#   RUNS                 timed runs of each command, after 1 warm-up (default 3)
#   INTERLEAVE=1         time in rounds instead, each command once per round in turn (no hyperfine
#                        statistics, but a slow spell of a shared host falls on every command alike)
#   RSS_RUNS             runs of each command for the peak RSS (default: RUNS)
#   OUT                  markdown results (default bench/cache/compare-results.md)
#   PG_WALDUMP           (default /usr/lib/postgresql/15/bin/pg_waldump)
#   XLOGMINER_JAVA_OPTS  JVM options, passed on by the ./xlogminer launcher
#   COMPRESSED           1 (default): also time the compressed copies; 0: skip them
# Both 1 GB checks take their stricter reading: at least 2^30 bytes of WAL (end - start LSN), at
# most 10^9 bytes of RSS (976,562 kB). MB = 10^6 bytes.
# Needs: hyperfine and /usr/bin/time (apt-get install -y hyperfine time), postgresql-15, and
# cli/target/xlogminer.jar (the ./xlogminer launcher builds it if missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs=${RUNS:-3}
interleave=${INTERLEAVE:-0}
compressed=${COMPRESSED:-1}
rss_runs=${RSS_RUNS:-$runs}
out=${OUT:-$here/cache/compare-results.md}
pg_waldump=${PG_WALDUMP:-/usr/lib/postgresql/15/bin/pg_waldump}
xlogminer="$root/xlogminer"
min_wal_bytes=$(( 1 << 30 ))
max_undo_rss_kb=976562

die() { echo "compare: $*" >&2; exit 1; }
warn() { echo "compare: WARNING: $*" >&2; }

for v in "$runs" "$rss_runs"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "RUNS and RSS_RUNS must be positive integers, got '$v'"
done
[[ "$interleave" =~ ^[01]$ ]] || die "INTERLEAVE must be 0 or 1, got '$interleave'"
[[ "$compressed" =~ ^[01]$ ]] || die "COMPRESSED must be 0 or 1, got '$compressed'"
command -v hyperfine >/dev/null || die "hyperfine not found: apt-get install -y hyperfine"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: apt-get install -y time"
[ -x "$pg_waldump" ] || die "$pg_waldump not found: apt-get install postgresql-15"

if [ $# -eq 1 ] && [ -d "$1" ]; then
  dir="$(cd "$1" && pwd)"
else
  [ $# -le 3 ] || die "usage: $0 [SCALE [TX [CLIENTS]]] | $0 WAL_DIR"
  [[ "${1:-80}" =~ ^[0-9]+$ ]] || die "'$1' is neither a directory nor a SCALE (usage: $0 [SCALE [TX [CLIENTS]]] | $0 WAL_DIR)"
  scale=${1:-80}
  [ "$scale" -ge 50 ] || warn "scale $scale is below the 50 the benchmark asks for"
  dir=$(WAL_LEVEL=replica "$here/make-pgbench-logical-wal.sh" "$scale" "${2:-70000}" "${3:-4}") \
    || die "bench/make-pgbench-logical-wal.sh failed"
fi
[ -f "$dir/range.txt" ] || die "$dir/range.txt not found: make the WAL with bench/make-pgbench-logical-wal.sh"
[ -f "$dir/catalog.json" ] || die "$dir/catalog.json not found: stats and mine need it"

start_lsn=$(sed -n 's/^start_lsn=//p' "$dir/range.txt")
end_lsn=$(sed -n 's/^end_lsn=//p' "$dir/range.txt")
[ -n "$start_lsn" ] && [ -n "$end_lsn" ] || die "$dir/range.txt has no start_lsn= and end_lsn= lines"
lsn_value() { local hi=${1%/*} lo=${1#*/}; echo $(( (16#$hi << 32) | 16#$lo )); }
wal_bytes=$(( $(lsn_value "$end_lsn") - $(lsn_value "$start_lsn") ))
seg_bytes=$(stat -c %s "$dir"/[0-9A-F]??????????????????????? | awk '{ s += $1 } END { print s + 0 }')
if [ "$wal_bytes" -lt "$min_wal_bytes" ]; then
  warn "****************************************************************************"
  warn "only $wal_bytes bytes of WAL in $start_lsn..$end_lsn: the benchmark needs at least"
  warn "1 GB ($min_wal_bytes bytes); make more with a larger SCALE or TX"
  warn "****************************************************************************"
fi

d=$(printf %q "$dir")
x=$(printf %q "$xlogminer")
p=$(printf %q "$pg_waldump")
range="--wal-dir $d --from-lsn $start_lsn --to-lsn $end_lsn"
# id|name|command|reference id|target; a reference has no reference nor target.
benchmarks=(
  "waldump|pg_waldump|$p -p $d -s $start_lsn -e $end_lsn||"
  "waldump-stats|pg_waldump --stats|$p -p $d -s $start_lsn -e $end_lsn --stats||"
  "records|xlogminer records|$x records $range|waldump|1.0"
  "stats|xlogminer stats|$x stats --catalog $d/catalog.json $range|waldump-stats|2.0"
  "redo|xlogminer mine (REDO)|$x mine --catalog $d/catalog.json $range|waldump|1.0"
  "undo|xlogminer mine --undo (UNDO)|$x mine --catalog $d/catalog.json $range --undo|waldump|1.0"
  "start-up|JVM start-up (xlogminer --version)|$x --version||"
)

# Compressed copies of the segments, one file each, made once beside the WAL directory (DIR-NAME):
# compressed_copy TOOL EXT NAME [OPTION...]
compressed_copy() {
  local tool=$1 ext=$2 to="$dir-$3" f
  shift 3
  if [ ! -f "$to/.complete" ]; then
    command -v "$tool" >/dev/null || die "$tool not found: scripts/install-tools.sh"
    echo "compare: making $to ($tool $*)" >&2
    rm -rf "$to" && mkdir -p "$to"
    for f in "$dir"/[0-9A-F]???????????????????????; do
      "$tool" -q "$@" -c "$f" >"$to/$(basename "$f").$ext"
    done
    touch "$to/.complete"
  fi
  printf %q "$to"
}
if [ "$compressed" = 1 ]; then
  # name|label|tool|ext|options: the tools' defaults, and LZ4 of linked 64 kB blocks as pgBackRest writes it
  for c in "zst|zstd|zstd|zst|" "lz4|lz4|lz4|lz4|" "lz4-linked|lz4, linked blocks|lz4|lz4|-BD -B4"; do
    IFS='|' read -r name label tool ext opts <<<"$c"
    # shellcheck disable=SC2086 # the options are words
    cd_=$(compressed_copy "$tool" "$ext" "$name" $opts)
    crange="--wal-dir $cd_ --from-lsn $start_lsn --to-lsn $end_lsn"
    benchmarks+=(
      "records-$name|xlogminer records ($label archive)|$x records $crange|records|1.3"
      "redo-$name|xlogminer mine (REDO, $label archive)|$x mine --catalog $d/catalog.json $crange|redo|1.3"
    )
  done
fi

tmp="$(mktemp -d /tmp/compare.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

# Untimed first runs: build the jar if needed, check every command works, count its lines.
"$xlogminer" --version >/dev/null || die "./xlogminer --version failed (building the jar?)"
declare -A lines
for b in "${benchmarks[@]}"; do
  IFS='|' read -r id name cmd _ <<<"$b"
  echo "compare: checking $name" >&2
  rc=0
  n=$(bash -c "$cmd" 2>"$tmp/err" | wc -l) || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "--- stderr of $name (last 40 lines):" >&2
    tail -n 40 "$tmp/err" >&2
    die "$name failed with exit status $rc: $cmd"
  fi
  lines[$id]=$n
done
records=${lines[waldump]}
[ "${lines[records]}" = "$records" ] \
  || warn "xlogminer records printed ${lines[records]} lines, pg_waldump $records"

if [ "$interleave" = 1 ]; then
  # Rounds: every command once per round, in turn, so that a slow spell of the host falls on all of
  # them alike (hyperfine runs each command's runs back to back). The check runs above warmed up.
  : >"$tmp/times"
  for (( r = 1; r <= runs; r++ )); do
    echo "compare: round $r of $runs" >&2
    for b in "${benchmarks[@]}"; do
      IFS='|' read -r id name cmd _ <<<"$b"
      /usr/bin/time -f '%e %U %S' -o "$tmp/one" bash -c "$cmd > /dev/null 2>&1" \
        || die "$name failed in round $r: $cmd"
      echo "$id $(tail -n 1 "$tmp/one")" >>"$tmp/times"
    done
  done
  # mean and sample standard deviation of the wall time, and mean user and system CPU, in seconds,
  # as hyperfine reports them (/usr/bin/time gives hundredths)
  field() {
    awk -v id="$1" -v what="$2" '$1 == id { n++; x = $2; s += x; q += x * x; u += $3; y += $4 }
      END { m = s / n; v = n > 1 ? (q - n * m * m) / (n - 1) : 0; if (v < 0) v = 0
            if (what == "mean") printf "%.6f\n", m; else if (what == "user") printf "%.6f\n", u / n
            else if (what == "system") printf "%.6f\n", y / n
            else if (n > 1) printf "%.6f\n", sqrt(v); else print "null" }' "$tmp/times"
  }
else
  hf_args=()
  for b in "${benchmarks[@]}"; do
    IFS='|' read -r id name cmd _ <<<"$b"
    hf_args+=(-n "$id" "$cmd > /dev/null 2>&1")
  done
  hyperfine --warmup 1 --runs "$runs" --export-json "$tmp/hf.json" "${hf_args[@]}"

  field() { sed -n "/\"command\": \"$1\"/,/\"$2\"/s/.*\"$2\": \([^,]*\),.*/\1/p" "$tmp/hf.json" | head -n 1; }
fi
peak_rss() {
  local max=0 kb i
  for (( i = 0; i < rss_runs; i++ )); do
    kb=$( { /usr/bin/time -f '%M' bash -c "$1 > /dev/null 2>/dev/null"; } 2>&1 | tail -n 1)
    [ "$kb" -gt "$max" ] && max=$kb
  done
  echo "$max"
}

: >"$tmp/rows"
for b in "${benchmarks[@]}"; do
  IFS='|' read -r id name cmd ref target <<<"$b"
  echo "compare: peak RSS of $name" >&2
  echo "$id|$name|$(field "$id" mean)|$(field "$id" stddev)|$ref|$target|$(peak_rss "$cmd")|$(field "$id" user)|$(field "$id" system)" >>"$tmp/rows"
done

java_version=$(java -version 2>&1 | head -n 1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
  if [ "$interleave" = 1 ]; then
    echo "Run on $(date -u +%Y-%m-%dT%H:%M:%SZ) by bench/compare.sh: $runs interleaved round(s), each command once per round in turn, after one untimed run each;"
  else
    echo "Run on $(date -u +%Y-%m-%dT%H:%M:%SZ) by bench/compare.sh: hyperfine, 1 warm-up and $runs timed run(s) each;"
  fi
  echo "peak RSS is the max of $rss_runs run(s) under /usr/bin/time. MB = 10^6 bytes."
  echo
  echo "* WAL: \`${dir#"$root"/}\`, $start_lsn .. $end_lsn: $wal_bytes bytes in range ($seg_bytes bytes of segments), $records records (pg_waldump lines)"
  echo "* output lines: records ${lines[records]}, REDO SQL ${lines[redo]}, UNDO SQL ${lines[undo]}"
  echo "* machine: $(nproc) CPUs ($cpu), load average $(cut -d' ' -f1-3 /proc/loadavg); $java_version; $("$pg_waldump" --version); XLOGMINER_JAVA_OPTS='${XLOGMINER_JAVA_OPTS:-}'"
  echo
  awk -F'|' -v max_rss="$max_undo_rss_kb" '
    { id[NR] = $1; name[NR] = $2; nm[$1] = $2; mean[$1] = $3; sd[NR] = $4; ref[NR] = $5; target[NR] = $6; rss[NR] = $7
      usr[NR] = $8; sys[NR] = $9 }
    END {
      print "| command | mean ± σ (s) | user + sys (s) | ratio | target | met | peak RSS |"
      print "| --- | --- | --- | --- | --- | --- | --- |"
      for (i = 1; i <= NR; i++) {
        m = mean[id[i]]; ratio = "—"; tgt = "—"; met = "—"
        if (ref[i] != "") ratio = sprintf("%.2f × %s", m / mean[ref[i]], nm[ref[i]])
        if (target[i] != "") { tgt = "≤ " target[i]; met = (m / mean[ref[i]] <= target[i] + 0) ? "yes" : "no" }
        s = (sd[i] == "null") ? "n/a" : sprintf("%.3f", sd[i])
        printf "| %s | %.3f ± %s | %.2f + %.2f | %s | %s | %s | %.1f MB |\n", name[i], m, s, usr[i], sys[i], ratio, tgt, met,
          rss[i] * 1.024 / 1000
        if (id[i] == "undo") undo = rss[i]
      }
      printf "\nUNDO peak RSS: %.1f MB (%d kB), target ≤ 1 GB (%d kB): met %s\n", \
        undo * 1.024 / 1000, undo, max_rss, (undo <= max_rss) ? "yes" : "no"
    }' "$tmp/rows"
  echo
  echo "Commands, each writing to /dev/null:"
  echo
  echo '```sh'
  for b in "${benchmarks[@]}"; do IFS='|' read -r _ _ cmd _ <<<"$b"; c=${cmd//"$x"/./xlogminer}; echo "${c//"$root"\//}"; done
  echo '```'
} >"$tmp/results.md"

mkdir -p "$(dirname "$out")"
cp "$tmp/results.md" "$out"
echo
cat "$out"
echo
echo "compare: results written to $out" >&2
