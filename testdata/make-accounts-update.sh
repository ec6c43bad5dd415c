#!/usr/bin/env bash
# Produces testdata/pg15-accounts-update/: real WAL of PostgreSQL 15 (Debian) in which a DBA runs
#   UPDATE accounts SET balance = 0;   -- no WHERE
# on a realistic table. wal_level=logical and REPLICA IDENTITY FULL, 1 MB segments.
# Only the segments covering the scenario are kept; range.txt holds its LSN range and
# catalog.json the catalog snapshot (xlogminer catalog) taken just before the UPDATE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/pg15-accounts-update"
. "$here/pg15-server.sh"
pg15_start -c wal_level=logical

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
pg15_stop

rm -rf "$out"
mkdir -p "$out/pg_wal"
pg15_copy_segments "$start" "$end" "$out/pg_wal"
cp "$work/catalog.json" "$out/catalog.json"
printf 'start %s\nend %s\n' "$start" "$end" > "$out/range.txt"
"$bin/postgres" --version > "$out/server-version.txt"
echo "wrote $out ($start .. $end)"
