#!/usr/bin/env bash
# Produces testdata/pg15-accounts-update/: real WAL of PostgreSQL 15 (Debian) in which a DBA runs
#   UPDATE accounts SET balance = 0;   -- no WHERE
# on a realistic table. wal_level=logical and REPLICA IDENTITY FULL, 1 MB segments.
# Only the segments covering the scenario are kept; range.txt holds its LSN range and
# catalog.json the catalog snapshot (xlogminer catalog) taken just before the UPDATE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/pg15-accounts-update"
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/postgres" ] || { echo "needs PostgreSQL 15: apt-get install postgresql-15" >&2; exit 1; }

work="$(mktemp -d /tmp/xlogminer-testdata.XXXXXX)"
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; as_pg=(runuser -u postgres --); fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
stop() { "${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" stop -m fast >/dev/null 2>&1 || true; rm -rf "$work"; }
trap stop EXIT

"${as_pg[@]}" "$bin/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --locale=C --wal-segsize=1 >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w start -o \
  "-p $port -k $work -c listen_addresses=127.0.0.1 -c wal_level=logical -c autovacuum=off -c max_wal_size=1GB -c wal_keep_size=1GB" >/dev/null
psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)

"${psql[@]}" <<'SQL'
CREATE TABLE public.accounts (
    id          integer PRIMARY KEY,
    owner       text NOT NULL,
    iban        varchar(34) NOT NULL,
    balance     numeric(12,2) NOT NULL,
    opened_on   date NOT NULL,
    updated_at  timestamptz
);
ALTER TABLE public.accounts REPLICA IDENTITY FULL;
INSERT INTO public.accounts
SELECT g,
       (ARRAY['Ada Lovelace','Grace Hopper','Edsger Dijkstra','Barbara Liskov','Donald Knuth'])[1 + g % 5] || ' #' || g,
       'DE' || lpad((g * 7919)::text, 20, '0'),
       round((g * 37.5 % 10000)::numeric, 2),
       date '2020-01-01' + g,
       NULL
FROM generate_series(1, 50) g;
CHECKPOINT;
SQL
# The catalog snapshot the miner needs, captured read-only by xlogminer itself.
"$here/../xlogminer" catalog --jdbc-url "jdbc:postgresql://127.0.0.1:$port/postgres" --user postgres -o "$work/catalog.json"
start=$("${psql[@]}" -Atc "SELECT pg_current_wal_insert_lsn()")
"${psql[@]}" -c "UPDATE public.accounts SET balance = 0"
end=$("${psql[@]}" -Atc "SELECT pg_current_wal_insert_lsn()")
"${psql[@]}" -Atc "SELECT pg_switch_wal()" >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" stop -m fast >/dev/null

rm -rf "$out"
mkdir -p "$out/pg_wal"
first=$(( 0x${start#*/} / 1048576 + (0x${start%/*} << 12) ))
last=$(( 0x${end#*/} / 1048576 + (0x${end%/*} << 12) ))
for ((s = first; s <= last; s++)); do
  name=$(printf '%08X%08X%08X' 1 $((s / 4096)) $((s % 4096)))
  cp "$work/data/pg_wal/$name" "$out/pg_wal/"
done
cp "$work/catalog.json" "$out/catalog.json"
printf 'start %s\nend %s\n' "$start" "$end" > "$out/range.txt"
"$bin/postgres" --version > "$out/server-version.txt"
echo "wrote $out ($start .. $end)"
