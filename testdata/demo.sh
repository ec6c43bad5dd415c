#!/usr/bin/env bash
# Mines the shipped WAL of an UPDATE without WHERE (pg15-accounts-update) and prints the REDO SQL
# (what happened) and the UNDO SQL (what puts the rows back). Builds xlogminer on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$here/pg15-accounts-update"
from=$(awk '$1 == "start" {print $2}' "$data/range.txt")
args=(--wal-dir "$data/pg_wal" --catalog "$data/catalog.json" --from-lsn "$from")
echo "-- ==== REDO: what the transaction did${*:+ ($*)} ===="
"$here/../xlogminer" mine "${args[@]}" "$@"
echo "-- ==== UNDO: what puts the rows back ===="
"$here/../xlogminer" mine --undo "${args[@]}" "$@"
