#!/usr/bin/env bash
# Runs assay's whole test suite, as CI does (.ci/run calls exactly this):
#   1. makes sure PostgreSQL is present (Debian packages) and starts a throwaway server on
#      127.0.0.1 for the PostgreSQL half of the store and server tests;
#   2. installs the OpenAPI reference validator (PyPI openapi-spec-validator);
#   3. checks formatting and clippy, then runs every test of the workspace (dev profile).
# Nothing outside the registries is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ]; then
  echo "== installing PostgreSQL from Debian packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(pg_bin)"

# PostgreSQL refuses to run as root: run it as the 'postgres' user the package creates.
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PG_DIR="$(mktemp -d /tmp/assay-pg.XXXXXX)"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
PG_PORT="${ASSAY_TEST_PG_PORT:-55432}"
stop_pg() { run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop_pg EXIT
echo "== starting PostgreSQL ($PG_BIN) on 127.0.0.1:$PG_PORT"
run_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust >/dev/null
run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
  -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=400 -c fsync=off -c synchronous_commit=off" >/dev/null
export ASSAY_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"

if ! python3 -c 'import openapi_spec_validator' 2>/dev/null; then
  echo "== installing openapi-spec-validator"
  python3 -m pip install -q openapi-spec-validator
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
