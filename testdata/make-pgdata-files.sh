#!/bin/sh
# make-pgdata-files.sh BINROOT: global/pg_control and the relation maps of a fresh cluster of each
# major 13..18 (BINROOT/<major>/bin holding initdb and postgres), with what the server itself says
# of them (pg_control_system(), pg_control_checkpoint(), pg_relation_filenode() of the mapped
# catalogs), read in a single-user session started after the files were copied: it reports the
# files as they were when it started. Run as root (the server runs as postgres) or as postgres.
set -e
BINROOT=$1
OUT=$(cd "$(dirname "$0")" && pwd)/pgdata-files
AS=""; [ "$(id -u)" = 0 ] && AS="runuser -u postgres --"
for m in 13 14 15 16 17 18; do
  B=$BINROOT/$m/bin; D=$(mktemp -d); chown postgres "$D" 2>/dev/null || true
  $AS "$B/initdb" -D "$D/data" -A trust -U postgres >/dev/null
  echo "SELECT 1" | $AS "$B/postgres" --single -D "$D/data" postgres >/dev/null 2>&1
  mkdir -p "$OUT/pg$m"
  cp "$D/data/global/pg_control" "$D/data/global/pg_filenode.map" "$OUT/pg$m/"
  cp "$D/data/base/5/pg_filenode.map" "$OUT/pg$m/base-5-pg_filenode.map" 2>/dev/null \
    || cp "$D/data/base/$(ls "$D/data/base" | sort -n | tail -1)/pg_filenode.map" "$OUT/pg$m/base-5-pg_filenode.map"
  { echo "SELECT 'control ' || s.system_identifier || ' ' || s.pg_control_version || ' ' || s.catalog_version_no || ' ' || c.checkpoint_lsn || ' ' || c.redo_lsn || ' ' || c.timeline_id || ' ' || split_part(c.next_xid, ':', 2) || ' ' || c.oldest_xid AS x FROM pg_control_system() s, pg_control_checkpoint() c"
    echo "SELECT 'map ' || c.relisshared::text || ' ' || c.oid::text || ' ' || pg_relation_filenode(c.oid)::text AS x FROM pg_class c WHERE c.relfilenode = 0 AND c.relkind IN ('r', 'i', 't') ORDER BY c.oid"; } \
    | $AS "$B/postgres" --single -D "$D/data" postgres 2>/dev/null \
    | sed -n 's/^.*x = "\(.*\)".*$/\1/p' > "$OUT/pg$m/expected.txt"
  rm -rf "$D"
done
