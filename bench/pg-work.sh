# Sourced by the bench/make-*.sh scripts: runs the server as postgres when we are root, makes the
# work directory and a trap that always stops the server and removes the work directory.
# Expects: tool (the script's name, for messages), cache, PG_BIN, die(); sets: as_pg, work,
# staging, data, started; pg_start then sets port and sql()/pgbench() talk to the server;
# copy_segments and seg_name copy and name segments once timeline and per_id are set.
# As root the server runs as postgres (initdb refuses root); otherwise as the current user.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root, but there is no 'postgres' user to run the server"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

work="$(mktemp -d /tmp/xlogminer-$tool.XXXXXX)"
staging="$cache.tmp.$$"
data="$work/data"
started=0
cleanup() {
  local rc=$?
  if [ "$started" = 1 ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if declare -F after_stop >/dev/null; then   # a script's own clean-up, once the server is down
    after_stop
  fi
  if [ "$rc" != 0 ] && [ -f "$work/server.log" ]; then
    echo "$tool: failed (exit $rc); last lines of the server log:" >&2
    tail -n 20 "$work/server.log" >&2 || true
  fi
  rm -rf "$work" "$staging"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"
[ "$(id -u)" != 0 ] || chown postgres: "$work"

# Starts the server (postgresql.conf written) on a free loopback port; sets port.
pg_start() {
  port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  port=""
  for attempt in 1 2 3 4 5 6 7 8; do
    candidate=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    port_in_use "$candidate" && continue
    started=1
    if as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$work/server.log" -o "-p $candidate" -w -t 60 start >/dev/null; then
      port=$candidate
      break
    fi
    started=0
  done
  [ -n "$port" ] || die "could not start the server on a free port (see the log above)"
  echo "$tool: server up on 127.0.0.1:$port" >&2
}

# SQL and pgbench against the started server.
sql() { as_pg "$PG_BIN/psql" -X -q -A -t -h "$work" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "$1"; }
pgbench() { as_pg "$PG_BIN/pgbench" -h "$work" -p "$port" -U postgres "$@" postgres; }

# The file name of segment number $1 on $timeline (needs timeline and per_id, segments per xlogid).
seg_name() { printf '%08X%08X%08X' "$timeline" $(( $1 / per_id )) $(( $1 % per_id )); }

# Copies segments $1..$2 (numbers) from the cluster's pg_wal into $staging, read-only for all.
copy_segments() {
  local s file
  mkdir -p "$staging"
  for (( s = $1; s <= $2; s++ )); do
    file=$(seg_name "$s")
    [ -f "$data/pg_wal/$file" ] || die "segment $file is not in pg_wal"
    cp "$data/pg_wal/$file" "$staging/$file"
  done
  chmod 644 "$staging"/*
}
