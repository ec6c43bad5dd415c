#!/usr/bin/env bash
# Measures `xlogminer follow` against a live PostgreSQL 15 under pgbench: the delay from a
# transaction's COMMIT (the commit time in its commit record) to the moment its first JSON line
# reaches the reader of follow's stdout (p50, p99, max), whether follow keeps up (the WAL between the
# server's current position and what follow reported written, `replay_lsn` in pg_stat_replication,
# sampled every second, during the measured run), and follow's peak RSS. Transactions of a warm-up
# run before (WARMUP seconds) are followed but not counted: the first seconds of a JVM are the JIT's. A benchmark, not a test: the numbers depend on the host.
#
# usage: bench/follow-latency.sh [SECONDS [CLIENTS [SCALE]]]     (default 30 8 10)
# Environment:
#   WARMUP               seconds of pgbench before the measured run, for the JIT (default 30; see below)
#   RATE                 pgbench -R: transactions per second (default: as fast as it goes)
#   NO_CHECKPOINT=1      no CHECKPOINT between `pgbench -i` and follow's start (see below)
#   SHARED_SESSION=1     follow in the script's session, beside pgbench (see below)
#   SERVICE_CGROUPS=1    the server, follow (with the reader) and pgbench each in a cpu cgroup of its
#                        own (cgroup v1, as root), as services would be (see below)
#   STATE_FILE=1         follow with --state-file (its position saved after every transaction), as
#                        a service that resumes would run it
#   FOLLOW_ARGS          more options for follow (e.g. "--gather-ms 10")
#   PG_EXTRA_CONF        more lines for postgresql.conf (e.g. "autovacuum = off")
#   PG_BIN               (default /usr/lib/postgresql/15/bin)
#   XLOGMINER_JAVA_OPTS  JVM options, passed on by the ./xlogminer launcher
#   OUT                  markdown results (default bench/cache/follow-latency.md); the per-second
#                        delays (commit second, transactions, median, max ms) go to
#                        bench/cache/follow-latency-seconds.txt, the server log beside them
# Needs: postgresql-15, python3, cli/target/xlogminer.jar (the ./xlogminer launcher builds it).
set -euo pipefail

tool=follow-latency
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds=${1:-30}
# Under pgbench's full rate a JVM that starts with it falls behind at first: its compiler threads
# take most of the CPU follow gets (C2 ran ~8 s in follow's first 13 s here), and follow was up to
# 12 s behind at the end of a 10 s warm-up and had only just caught up when the measured run began.
# The compilations of the receiver's pgjdbc code, whose calls became hot last, then fell into the
# measured run's first seconds (500-800 ms delays in each run). A service follows for hours: the
# measured run is its steady state, after 30 s (docs/performance.md has both).
warmup=${WARMUP:-30}
clients=${2:-8}
scale=${3:-10}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
out=${OUT:-$here/cache/follow-latency.md}
cache="$here/cache/follow-latency"
die() { echo "$tool: $*" >&2; exit 1; }
say() { echo "$tool: $*" >&2; }
mkdir -p "$here/cache"
# shellcheck source=pg-work.sh
. "$here/pg-work.sh"

as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; die "initdb failed"; }
cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
max_wal_senders = 4
wal_level = replica
fsync = off
${PG_EXTRA_CONF:-}
EOF
# Each PostgreSQL backend makes itself a session of its own (setsid), so under the kernel's
# autogroups (sched_autogroup_enabled, no cgroups) every busy backend weighs as much as follow's
# whole session: at pgbench's full rate follow gets one share in ten or so. On a host where the
# server and follow are services (systemd: a cpu cgroup each) the server's backends share one.
# SERVICE_CGROUPS=1 does that here: a cpu cgroup for the server, one for follow and its reader,
# one for this script and pgbench, of equal weight.
cg=""
if [ "${SERVICE_CGROUPS:-0}" = 1 ]; then
  cg=/sys/fs/cgroup/cpu/xlogminer-$tool.$$
  mkdir "$cg-server" "$cg-follow" "$cg-client" || die "SERVICE_CGROUPS=1: cannot make cpu cgroups under /sys/fs/cgroup/cpu"
  # after the server has stopped (pg-work.sh's cleanup): the script back to the root, the groups gone
  after_stop() {
    echo $$ >/sys/fs/cgroup/cpu/cgroup.procs 2>/dev/null || true
    rmdir "$cg-server" "$cg-follow" "$cg-client" 2>/dev/null || true
  }
fi
in_cgroup() { [ -z "$cg" ] || echo "$BASHPID" >"$cg-$1/cgroup.procs"; }
pg_start
if [ -n "$cg" ]; then
  postmaster=$(head -1 "$data/postmaster.pid")
  for p in "$postmaster" $(pgrep -P "$postmaster"); do
    echo "$p" >"$cg-server/cgroup.procs"   # backends forked from now on start in it
  done
fi
pgbench -i -s "$scale" -q >/dev/null 2>&1
# A server in service has checkpoints every few minutes; right after `pgbench -i` the WAL since the
# last one holds the whole load of pgbench_accounts, and follow (which reads from the checkpoint
# before its start) would track all of it as rows put since an image: a transient of a bulk load,
# not the steady state measured here (docs/performance.md shows both).
[ "${NO_CHECKPOINT:-0}" = 1 ] || sql "CHECKPOINT" >/dev/null
url="jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres"

# follow, its stdout read line by line by a timer that keeps each transaction's first arrival
"$root/xlogminer" --version >/dev/null
# follow runs in a session of its own, as a service of its own would (the kernel shares the CPU
# between sessions first, sched_autogroup, then between their threads): in the script's session
# its two threads would share that session's part with pgbench's eight (SHARED_SESSION=1 does that).
# So does the reader of its output, which the delays are measured at: starved, it would hold follow
# up at a full pipe.
own_session=(setsid)
[ "${SHARED_SESSION:-0}" = 1 ] && own_session=()
state_args=()
[ "${STATE_FILE:-0}" = 1 ] && state_args=(--state-file "$work/follow.state")
(in_cgroup follow; exec "${own_session[@]}" "$root/xlogminer" follow --jdbc-url "$url" --slot bench --create-slot --format json "${state_args[@]}" ${FOLLOW_ARGS:-} 2>"$work/follow.err") \
  | (in_cgroup follow; exec "${own_session[@]}" python3 -c '
import os, re, sys, time
# The reader competes for the same two cores as the server, pgbench and follow, so it must cost
# little CPU: it takes what the pipe has in one read(2), notes the time once for all of it, finds
# the two fields with one pattern (never inside a value: quotes in JSON strings are escaped), and
# writes the first arrival of each transaction once per read. (A loop over lines, with a write per
# transaction, cost about half as much CPU as follow itself.) A JVM message matches nothing.
field = re.compile(rb"\"commit_lsn\":\"([^\"]*)\",\"commit_time\":\"([^\"]*)\"")
seen = set()
rest = b""
with open(sys.argv[1], "wb") as f:
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            break
        now = b" %.6f\n" % time.time()
        end = chunk.rfind(b"\n")
        if end < 0:
            rest += chunk
            continue
        lines, rest = rest + chunk[:end + 1], chunk[end + 1:]
        out = []
        for m in field.finditer(lines):
            if m.group(1) not in seen:
                seen.add(m.group(1))
                out.append(m.group(2) + now)
        if out:
            f.write(b"".join(out))
            f.flush()
' "$work/arrivals.txt") &
pipeline=$!
in_cgroup client   # this script, and so pgbench and psql
for _ in $(seq 1 100); do
  [ "$(sql "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
  sleep 0.2
done
sleep 2
follow_pid=$(pgrep -f "xlogminer.jar follow --jdbc-url jdbc:postgresql://127.0.0.1:$port/" || true)
[ -n "$follow_pid" ] || die "follow did not start: $(cat "$work/follow.err")"
say "follow (pid $follow_pid) streaming; warm-up: pgbench -c $clients for ${warmup}s (not measured)"
pgbench -n -c "$clients" -j "$clients" -T "$warmup" >/dev/null 2>&1
# the measured run starts once follow has written every warm-up transaction: on a saturated host the
# JIT's first seconds leave a backlog that would otherwise fall into the measured run's first seconds
warm=$(sql "SELECT count(*) FROM pgbench_history")
for _ in $(seq 1 600); do
  [ "$(wc -l <"$work/arrivals.txt")" -ge "$warm" ] && break
  sleep 0.1
done
say "follow wrote the $warm warm-up transactions; $(wc -l <"$work/arrivals.txt") so far"
sleep 1
measured_from=$(date +%s.%N)
# follow's CPU and the transactions committed so far: the measured run's CPU per transaction, without the JIT's warm-up
cpu_from=$(awk -v hz="$(getconf CLK_TCK)" '{print $14 / hz "," $15 / hz}' "/proc/$follow_pid/stat")
committed_from=$(sql "SELECT count(*) FROM pgbench_history")
say "pgbench -c $clients for ${seconds}s"

: >"$work/lag.txt"
( while sleep 1; do
    sql "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn)::bigint, (SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = 'bench') FROM pg_stat_replication" >>"$work/lag.txt" || true
  done ) &
sampler=$!
pgbench -n -c "$clients" -j "$clients" -T "$seconds" ${RATE:+-R "$RATE"} >"$work/pgbench.txt" 2>&1
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.txt" | head -1)
committed=$(sql "SELECT count(*) FROM pgbench_history")   # one row per pgbench transaction, warm-up too
for _ in $(seq 1 300); do
  [ "$(wc -l <"$work/arrivals.txt")" -ge "$committed" ] && break
  sleep 0.2
done
say "$committed transactions committed, $(wc -l <"$work/arrivals.txt") followed"
kill "$sampler" 2>/dev/null || true
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$follow_pid/status")
# follow's CPU (user + system, all its threads) from its start, warm-up included
cpu_s=$(awk -v hz="$(getconf CLK_TCK)" '{print $14 / hz "," $15 / hz}' "/proc/$follow_pid/stat")
reader_pid=$(pgrep -f "arrivals.txt" | head -1 || true)
reader_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$reader_pid/stat" 2>/dev/null || echo "?")
say "reader (pid $reader_pid) CPU: $reader_cpu s"
kill -TERM "$follow_pid"
wait "$pipeline" || true
cp "$work/arrivals.txt" "$work/lag.txt" "$here/cache/" 2>/dev/null || true
cp "$work/server.log" "$here/cache/follow-latency-server.log" 2>/dev/null || true
sql "SELECT pg_drop_replication_slot('bench')" >/dev/null

load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$work/arrivals.txt" "$work/lag.txt" "$seconds" "$clients" "$scale" "${tps:-?}" "$rss_kb" "$out" "$measured_from" "$load" "$cpu_s" "$committed" "$here/cache/follow-latency-seconds.txt" "$cpu_from" "$committed_from" <<'EOF'
import sys, datetime
arrivals, lagfile, seconds, clients, scale, tps, rss_kb, out, measured_from, load, cpu_s, committed, per_second, cpu_from, committed_from = sys.argv[1:]
delays = []
seconds_seen = {}   # commit second (UTC) -> the delays of the transactions committed in it
for line in open(arrivals):
    t, now = line.split()
    commit = datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()
    if commit >= float(measured_from):
        delays.append((float(now) - commit) * 1000)
        seconds_seen.setdefault(int(commit), []).append(delays[-1])
delays.sort()
# per commit second: transactions, median and maximum delay (to set beside the server log's times)
with open(per_second, "w") as f:
    for s in sorted(seconds_seen):
        d = sorted(seconds_seen[s])
        f.write("%s %5d %8.1f %8.1f\n" % (datetime.datetime.utcfromtimestamp(s).strftime("%H:%M:%S"),
                                          len(d), d[len(d) // 2], d[-1]))
def pct(p):
    return delays[min(len(delays) - 1, int(p / 100 * len(delays)))]
lags = [l.split("|") for l in open(lagfile) if l.strip() and l.split("|")[0].strip()]
written = [int(l[0]) for l in lags]
sent = [int(l[1]) for l in lags]
slot = [int(l[2]) for l in lags if l[2].strip()]
mb = lambda b: b / 1e6
rows = [
    ("pgbench", "-c %s -j %s -T %s, scale %s: %s tps" % (clients, clients, seconds, scale, tps)),
    ("transactions followed (after the warm-up)", str(len(delays))),
    ("COMMIT -> written p50 / p99 / max", "%.1f / %.1f / %.1f ms" % (pct(50), pct(99), delays[-1])),
    ("WAL not yet written out (current - replay_lsn), mean / max", "%.2f / %.2f MB" % (mb(sum(written) / len(written)), mb(max(written)))),
    ("WAL not yet sent (current - sent_lsn), max", "%.2f MB" % mb(max(sent))),
    ("WAL the slot keeps (current - restart_lsn), max", "%.2f MB" % mb(max(slot)) if slot else "-"),
    ("follow peak RSS", "%.0f MB" % (int(rss_kb) / 1000)),
    ("follow CPU per transaction, warm-up included: user + system", "%.1f + %.1f us (%s + %s s for %s)" % (
        float(cpu_s.split(",")[0]) * 1e6 / int(committed), float(cpu_s.split(",")[1]) * 1e6 / int(committed),
        cpu_s.split(",")[0], cpu_s.split(",")[1], committed)),
    ("follow CPU per transaction of the measured run: user + system", "%.1f + %.1f us" % (
        (float(cpu_s.split(",")[0]) - float(cpu_from.split(",")[0])) * 1e6 / (int(committed) - int(committed_from)),
        (float(cpu_s.split(",")[1]) - float(cpu_from.split(",")[1])) * 1e6 / (int(committed) - int(committed_from)))),
    ("host load average (1, 5, 15 min) at the end", load),
]
with open(out, "w") as f:
    f.write("| follow-latency | |\n| --- | --- |\n")
    for k, v in rows:
        f.write("| %s | %s |\n" % (k, v))
print(open(out).read())
EOF
