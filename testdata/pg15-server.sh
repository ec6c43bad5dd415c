# Sourced by the make-*.sh scripts here: a throw-away PostgreSQL 15 (Debian) server with 1 MB WAL
# segments in a temporary directory, run as the OS user postgres (runuser) when root, stopped and
# deleted when the script exits.
#   pg15_start [-c name=value]...   initdb and start; then $port is its port and "${psql[@]}" its psql
#   pg15_stop                       a clean shutdown
#   pg15_copy_segments FROM TO DIR  copies the segments holding the LSNs FROM..TO into DIR
# $bin is the binaries' directory, $work the temporary directory.
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/postgres" ] || { echo "needs PostgreSQL 15: apt-get install postgresql-15" >&2; exit 1; }

work="$(mktemp -d /tmp/xlogminer-testdata.XXXXXX)"
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; as_pg=(runuser -u postgres --); fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
pg15_cleanup() { "${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" stop -m fast >/dev/null 2>&1 || true; rm -rf "$work"; }
trap pg15_cleanup EXIT

pg15_start() {
  "${as_pg[@]}" "$bin/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --locale=C --wal-segsize=1 >/dev/null
  "${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w start -o \
    "-p $port -k $work -c listen_addresses=127.0.0.1 -c autovacuum=off -c max_wal_size=1GB -c wal_keep_size=1GB $*" >/dev/null
}

pg15_stop() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" stop -m fast >/dev/null
}

# The segment number of an LSN such as 0/62D0C0, with 1 MB segments.
pg15_segno() { echo $(( 0x${1#*/} / 1048576 + (0x${1%/*} << 12) )); }

pg15_copy_segments() {
  local s name
  for ((s = $(pg15_segno "$1"); s <= $(pg15_segno "$2"); s++)); do
    name=$(printf '%08X%08X%08X' 1 $((s / 4096)) $((s % 4096)))
    cp "$work/data/pg_wal/$name" "$3/"
    chmod 644 "$3/$name"
  done
}
