#!/usr/bin/env bash
# Runs the engine and the API in the foreground until Ctrl-C, then stops
# everything it started (the apps, and Kafka when it started it).
# Usage: run-apps.sh [--simulate]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
SIMULATE=0
[ "${1:-}" = "--simulate" ] && SIMULATE=1

ensure_node_modules
check_services
build
ensure_kafka
if [ -z "${AUTH_JWT_SECRET:-}" ] && [ -f .env ]; then set -a; source .env; set +a; fi
if [ -z "${AUTH_JWT_SECRET:-}" ]; then
  if [ "$SIMULATE" = 1 ]; then
    # A demo needs a secret to sign its tokens; one is made for this run only.
    AUTH_JWT_SECRET="demo-$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))')"
    export AUTH_JWT_SECRET
    say "AUTH_JWT_SECRET not set: using a random one for this demo run"
  else
    say "AUTH_JWT_SECRET is required (at least 32 characters); see .env.example"
    stop_kafka_if_started
    exit 2
  fi
fi
export API_PORT="${API_PORT:-3000}"

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_kafka_if_started
}
trap cleanup INT TERM EXIT

node dist/libs/postgres/src/migrate.js
# The engine folds in one process and projects into Postgres in another (docs/performance.md).
export NODE_OPTIONS="${NODE_OPTIONS:-} --max-semi-space-size=64"
ENGINE_ROLE=fold node dist/apps/exposure-engine/src/main.js &
PIDS+=($!)
ENGINE_ROLE=project ENGINE_HEALTH_PORT="${PROJECTOR_HEALTH_PORT:-3002}" node dist/apps/exposure-engine/src/main.js &
PIDS+=($!)
node dist/apps/risk-api/src/main.js &
PIDS+=($!)

# Ready when both readiness endpoints answer 200.
for _ in $(seq 1 120); do
  if node -e '
    const get = (p) => new Promise((ok) => require("http").get({ host: "127.0.0.1", port: p, path: "/health/ready" }, (r) => { r.resume(); ok(r.statusCode === 200); }).on("error", () => ok(false)));
    Promise.all([get(process.env.API_PORT), get(process.env.ENGINE_HEALTH_PORT || 3001), get(process.env.PROJECTOR_HEALTH_PORT || 3002)]).then((a) => process.exit(a.every(Boolean) ? 0 : 1));'; then
    break
  fi
  sleep 0.5
done

say "API: http://127.0.0.1:${API_PORT}/v1   (OpenAPI: http://127.0.0.1:${API_PORT}/docs)"
say "risk desk: http://127.0.0.1:${API_PORT}/desk/   (sign in with a token from npm run token)"
say "get a token: AUTH_JWT_SECRET=... npm run --silent token -- --sub alice --roles viewer --companies '*'"
if [ "$SIMULATE" = 1 ]; then
  node dist/apps/erp-simulator/src/main.js --demo
fi
say "running; Ctrl-C stops everything"
wait -n "${PIDS[@]}" || true
