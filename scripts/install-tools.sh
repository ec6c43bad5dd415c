#!/usr/bin/env bash
# Makes sure the archivers and compressors the archive tests drive are installed (Debian packages):
# pgBackRest and Barman (ArchivedWalIT archives a real server's WAL with them), and the gzip, lz4,
# zstd, bzip2 and xz command-line tools (its archive_command; bench/compare.sh's compressed cases).
set -euo pipefail
need=()
for pair in pgbackrest:pgbackrest barman:barman gzip:gzip lz4:lz4 zstd:zstd bzip2:bzip2 xz:xz-utils; do
  command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-tools: missing ${need[*]}; run as root: apt-get install ${need[*]}" >&2
  exit 1
fi
echo "install-tools: installing ${need[*]} from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q "${need[@]}" >&2
