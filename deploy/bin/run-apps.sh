#!/usr/bin/env bash
# Runs the engine, the API and the notifier in the foreground until Ctrl-C, then
# stops everything it started (the apps, the loopback mail server, and Kafka when
# it started it).
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
# The demo's terminal is for the story, the tokens and the steps: the apps' JSON logs only from warnings up.
if [ "$SIMULATE" = 1 ]; then export LOG_LEVEL="${LOG_LEVEL:-warn}"; fi
export NOTIFIER_HEALTH_PORT="${NOTIFIER_HEALTH_PORT:-3003}"
export NOTIFIER_DESK_BASE_URL="${NOTIFIER_DESK_BASE_URL:-http://127.0.0.1:${API_PORT}/desk/}"

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
# Without an SMTP server configured, alert e-mails go to a loopback one that prints them.
if [ -z "${NOTIFIER_SMTP_URL:-}" ]; then
  export MAIL_CATCHER_PORT="${MAIL_CATCHER_PORT:-2525}"
  export NOTIFIER_SMTP_URL="smtp://127.0.0.1:${MAIL_CATCHER_PORT}"
  node dist/apps/notifier/src/mail-catcher.js &
  PIDS+=($!)
fi
node dist/apps/notifier/src/main.js &
PIDS+=($!)

# Ready when both readiness endpoints answer 200.
for _ in $(seq 1 120); do
  if node -e '
    const get = (p) => new Promise((ok) => require("http").get({ host: "127.0.0.1", port: p, path: "/health/ready" }, (r) => { r.resume(); ok(r.statusCode === 200); }).on("error", () => ok(false)));
    Promise.all([get(process.env.API_PORT), get(process.env.ENGINE_HEALTH_PORT || 3001), get(process.env.PROJECTOR_HEALTH_PORT || 3002), get(process.env.NOTIFIER_HEALTH_PORT)]).then((a) => process.exit(a.every(Boolean) ? 0 : 1));'; then
    break
  fi
  sleep 0.5
done

say "API: http://127.0.0.1:${API_PORT}/v1   (OpenAPI: http://127.0.0.1:${API_PORT}/docs)"
say "risk desk: http://127.0.0.1:${API_PORT}/desk/   (sign in with a token from npm run token)"
say "get a token: AUTH_JWT_SECRET=... npm run --silent token -- --sub alice --roles viewer --companies '*'"
say "operations: health at /health/live and /health/ready of each process, dead letters: npm run dlq -- counts (docs/operations.md)"
say "alerts: notifier health http://127.0.0.1:${NOTIFIER_HEALTH_PORT}/health/ready, e-mails via ${NOTIFIER_SMTP_URL} (README \"Alerts\")"
if [ "$SIMULATE" = 1 ]; then
  # Alerts for the demo: the simulated customers' agent AG-01, e-mails to credit control and to the agent,
  # and the inbox of demo-credit-manager (one of the tokens the simulator prints).
  node -e '
    const { mintToken } = require("./dist/libs/auth/src/mint-token");
    const token = mintToken({ sub: "demo-setup", roles: ["admin"], companies: "*", ttlSeconds: 300, secret: process.env.AUTH_JWT_SECRET });
    const base = `http://127.0.0.1:${process.env.API_PORT}/v1/companies/IT01`;
    const put = (path, body) => fetch(base + path, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) })
      .then((r) => { if (!r.ok) throw new Error(`PUT ${path}: HTTP ${r.status}`); });
    const eventTypes = ["exposure.statusChanged", "customer.blocked", "document.held"];
    Promise.all([
      put("/sales-agents/AG-01", { name: "Giulia Verdi", email: "giulia.verdi@example.com" }),
      put("/subscriptions/demo-credit-control", { channel: "email", target: "credito@example.com", eventTypes, enabled: true }),
      put("/subscriptions/demo-sales-agent", { channel: "email", target: "sales-agent", eventTypes: ["customer.blocked"], enabled: true }),
      put("/subscriptions/demo-inbox", { channel: "inbox", target: "demo-credit-manager", eventTypes, enabled: true }),
    ]).catch((e) => { console.error(`demo alerts not configured: ${e.message}`); });' || true
  node dist/apps/erp-simulator/src/main.js --demo
fi
say "running; Ctrl-C stops everything"
wait -n "${PIDS[@]}" || true
