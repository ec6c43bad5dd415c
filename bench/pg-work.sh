# Sourced by the bench/make-*.sh scripts: runs the server as postgres when we are root, makes the
# work directory and a trap that always stops the server and removes the work directory.
# Expects: tool (the script's name, for messages), cache, PG_BIN, die(); sets: as_pg, work,
# staging, data, started (set it to 1 once the server runs).
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
