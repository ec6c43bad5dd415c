#!/usr/bin/env bash
# Produces testdata/pg15-accident-replica/: real WAL of PostgreSQL 15 (Debian) at the DEFAULT
# wal_level=replica with the default replica identity, in which a DBA closing account 17 runs
#   BEGIN;
#   UPDATE public.accounts SET balance = 0, updated_at = now();    -- meant: WHERE id = 17
#   DELETE FROM public.standing_orders WHERE account_id = 17;
#   COMMIT;
# after a few ordinary transactions. Neither record carries the old rows at this level: xlogminer
# takes them from the full-page images after the checkpoint and the pages it keeps current, so the
# segments are kept from that checkpoint's REDO point on. 1 MB segments; range.txt holds the LSN
# range of the activity, catalog.json the catalog snapshot (xlogminer catalog) taken before it.
# Last, the UNDO that ./testdata/demo.sh prints is applied to the server, and the tables are
# compared with their contents before the accident.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/pg15-accident-replica"
. "$here/pg15-server.sh"
pg15_start                                  # wal_level left at its default (replica)
[ "$("${psql[@]}" -Atc "SHOW wal_level")" = replica ] || { echo "wal_level is not replica" >&2; exit 1; }

"${psql[@]}" <<'SQL'
CREATE TABLE public.accounts (
    id          integer PRIMARY KEY,
    owner       text NOT NULL,
    iban        varchar(34) NOT NULL,
    balance     numeric(12,2) NOT NULL,
    opened_on   date NOT NULL,
    updated_at  timestamptz
);
CREATE TABLE public.standing_orders (
    id          integer PRIMARY KEY,
    account_id  integer NOT NULL,
    payee_iban  varchar(34) NOT NULL,
    amount      numeric(12,2) NOT NULL,
    day_of_month smallint NOT NULL,
    memo        text
);
INSERT INTO public.accounts
SELECT g,
       (ARRAY['Ada Lovelace','Grace Hopper','Edsger Dijkstra','Barbara Liskov','Donald Knuth'])[1 + g % 5] || ' #' || g,
       'DE' || lpad((g * 7919)::text, 20, '0'),
       round((g * 37.5 % 10000)::numeric, 2),
       date '2020-01-01' + g,
       NULL
FROM generate_series(1, 50) g;
INSERT INTO public.standing_orders                 -- three for each of the accounts 1 to 20
SELECT g,
       1 + (g * 7) % 20,
       'FR' || lpad((g * 104729)::text, 25, '0'),
       round((10 + g * 12.5 % 400)::numeric, 2),
       1 + g % 28,
       (ARRAY['rent','insurance','gym','savings','phone'])[1 + g % 5]
FROM generate_series(1, 60) g;
SQL
# The catalog snapshot the miner needs, captured read-only by xlogminer itself.
"$here/../xlogminer" catalog --jdbc-url "jdbc:postgresql://127.0.0.1:$port/postgres" --user postgres -o "$work/catalog.json"
"${psql[@]}" -c "CHECKPOINT"
redo=$("${psql[@]}" -Atc "SELECT redo_lsn FROM pg_control_checkpoint()")
start=$("${psql[@]}" -Atc "SELECT pg_current_wal_insert_lsn()")

# A morning's ordinary work: deposits, a transfer, a new standing order.
"${psql[@]}" <<'SQL'
UPDATE public.accounts SET balance = balance + 250.00, updated_at = now() WHERE id = 3;
UPDATE public.accounts SET balance = balance + 1200.00, updated_at = now() WHERE id = 42;
BEGIN;
UPDATE public.accounts SET balance = balance - 80.00, updated_at = now() WHERE id = 8;
UPDATE public.accounts SET balance = balance + 80.00, updated_at = now() WHERE id = 21;
COMMIT;
INSERT INTO public.standing_orders VALUES (61, 12, 'IT60X0542811101000000123456', 45.00, 5, 'newspaper');
SQL

# The tables as they are before the accident, to check the UNDO against below.
dump() {
  "${psql[@]}" -Atc "COPY (SELECT * FROM public.accounts ORDER BY id) TO STDOUT"
  "${psql[@]}" -Atc "COPY (SELECT * FROM public.standing_orders ORDER BY id) TO STDOUT"
}
dump > "$work/before.txt"

# The accident: closing account 17, the WHERE of the UPDATE forgotten.
xid=$("${psql[@]}" -At <<'SQL'
BEGIN;
SELECT txid_current();
UPDATE public.accounts SET balance = 0, updated_at = now();
DELETE FROM public.standing_orders WHERE account_id = 17;
COMMIT;
SQL
)
end=$("${psql[@]}" -Atc "SELECT pg_current_wal_insert_lsn()")
"${psql[@]}" -Atc "SELECT pg_switch_wal()" >/dev/null

rm -rf "$out"
mkdir -p "$out/pg_wal"
pg15_copy_segments "$redo" "$end" "$out/pg_wal"
cp "$work/catalog.json" "$out/catalog.json"
printf 'start %s\nend %s\ncheckpoint_redo %s\naccident_xid %s\n' "$start" "$end" "$redo" "$xid" > "$out/range.txt"
"$bin/postgres" --version > "$out/server-version.txt"
echo "wrote $out ($start .. $end, from the checkpoint's REDO point $redo; accident xid $xid)"

# The check: the demo's UNDO of the accident, run against the server, gives the tables back.
"$here/../xlogminer" mine --undo --wal-dir "$out/pg_wal" --catalog "$out/catalog.json" --from-lsn "$start" \
  --xid "$xid" > "$work/undo.sql"
"${psql[@]}" -f "$work/undo.sql"
dump > "$work/after-undo.txt"
if cmp -s "$work/before.txt" "$work/after-undo.txt"; then
  echo "UNDO check: after the UNDO of xid $xid, accounts and standing_orders equal their contents before the accident ($(wc -l < "$work/before.txt") rows)"
else
  echo "UNDO check FAILED: the tables differ from their contents before the accident:" >&2
  diff "$work/before.txt" "$work/after-undo.txt" >&2 || true
  exit 1
fi
pg15_stop
