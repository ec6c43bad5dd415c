#!/usr/bin/env bash
# The whole test suite: unit tests (surefire) and the integration tests that start real
# PostgreSQL 13-18 servers (failsafe). Installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-postgresql.sh
./scripts/install-tools.sh
exec mvn -B -ntp verify "$@"
