#!/usr/bin/env bash
# Makes sure the PostgreSQL 15 server binaries from Debian are installed (postgres, initdb,
# pg_ctl, pg_waldump, pgbench, contrib extensions); the tests start real servers from them.
# PostgreSQL 13, 14, 16, 17 and 18 come from Maven Central during the build (testkit/pom.xml).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
need=0
for tool in postgres initdb pg_ctl pg_waldump pgbench; do
  [ -x "$bin/$tool" ] || need=1
done
[ -f /usr/share/postgresql/15/extension/pg_walinspect.control ] || need=1
[ -f /usr/share/postgresql/15/extension/pageinspect.control ] || need=1
if [ "$need" = 0 ] && id -u postgres >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-postgresql: PostgreSQL 15 is missing; run as root: apt-get install postgresql-15" >&2
  exit 1
fi
echo "install-postgresql: installing postgresql-15 from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q postgresql-15 >&2
