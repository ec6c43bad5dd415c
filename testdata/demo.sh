#!/usr/bin/env bash
# The headline case on shipped WAL (pg15-accident-replica, made by make-accident-replica.sh): at the
# default wal_level=replica, without REPLICA IDENTITY FULL, a DBA closing account 17 ran an UPDATE
# without WHERE and a DELETE in one transaction. Finds it with `xlogminer stats`, then prints its
# REDO SQL (what it did) and its UNDO SQL (what puts the rows back); the old rows come from the pages.
# Extra arguments go to both mine commands (e.g. --format json). Builds xlogminer on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
xlogminer="$here/../xlogminer"
data="$here/pg15-accident-replica"
from=$(awk '$1 == "start" {print $2}' "$data/range.txt")
args=(--wal-dir "$data/pg_wal" --catalog "$data/catalog.json" --from-lsn "$from")

echo "-- ==== 1. xlogminer stats: which transaction did it? ===="
stats=$("$xlogminer" stats "${args[@]}")
echo "$stats"
# the largest transaction is listed first
xid=$(awk '/^# per transaction/ {listed = 1; next} listed && $1 ~ /^[0-9]+$/ {print $1; exit}' <<<"$stats")
echo
echo "-- ==== 2. REDO of xid $xid: what the transaction did${*:+ ($*)} ===="
"$xlogminer" mine "${args[@]}" --xid "$xid" "$@"
echo "-- ==== 3. UNDO of xid $xid: what puts the rows back ===="
"$xlogminer" mine --undo "${args[@]}" --xid "$xid" "$@"
