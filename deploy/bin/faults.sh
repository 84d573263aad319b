#!/usr/bin/env bash
# `npm run test:faults`: the reliability and security suite (docs/reliability.md).
# Crashes, broker/Redis restarts, Postgres away, scale-out, poison input, API abuse,
# load and graceful shutdown, on a private Kafka broker and redis-server that it may
# break (the shared ones are never touched) and a proxy in front of the shared Postgres.
#
# Environment:
#   FAULTS_PROFILE      full (default: the issue's sizes, ~10 min) or ci (~4 min)
#   FAULTS_SKIP_SETUP   1: packages installed and build done already (deploy/bin/test.sh)
#   FAULTS_KAFKA_PORT   private broker's port (default 19092; controller on the next one)
#   FAULTS_REDIS_PORT   private redis-server's port (default 16379)
#   FAULTS_REDIS_CLUSTER_BASE_PORT  first of the 6 Redis Cluster nodes' ports (default 17100)
#   FAULTS_KAFKA_CLUSTER_PORTS      the 3 cluster brokers' ports (default 19892,19893,19894;
#                                   FAULTS_KAFKA_CLUSTER_CONTROLLER_PORTS default 19895,19896,19897)
#
# Arguments go to jest: `npm run test:faults -- clusters` runs the suites whose path matches.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

export FAULTS_PROFILE="${FAULTS_PROFILE:-full}"
export FAULTS_KAFKA_PORT="${FAULTS_KAFKA_PORT:-19092}"
export FAULTS_REDIS_PORT="${FAULTS_REDIS_PORT:-16379}"
export FAULTS_REPORT="$ROOT/.run/faults/report.jsonl"

if [ "${FAULTS_SKIP_SETUP:-0}" != 1 ]; then
  ensure_node_modules
  check_services
  build
fi
ensure_redis_server

# The private broker starts from an empty data directory every run.
faults_kafka() {
  KAFKA_RUNTIME_DIR="$ROOT/.run/faults/kafka" KAFKA_PORT="$FAULTS_KAFKA_PORT" \
    KAFKA_CONTROLLER_PORT="$((FAULTS_KAFKA_PORT + 1))" KAFKA_HEAP="${FAULTS_KAFKA_HEAP:-512m}" \
    bash "$KAFKA_SH" "$1"
}
mkdir -p .run/faults
rm -f "$FAULTS_REPORT" .run/faults.json
faults_kafka reset >/dev/null
trap 'faults_kafka stop >/dev/null || true' EXIT
faults_kafka start

say "faults suite, $FAULTS_PROFILE profile"
started=$SECONDS
status=0
# --forceExit: clients of a broker or Redis that a test restarted may keep reconnect timers alive.
npx jest --selectProjects faults --runInBand --forceExit --json --outputFile=.run/faults.json "$@" || status=1
node deploy/bin/faults-table.js "$FAULTS_REPORT" .run/faults.json "$((SECONDS - started))"
exit $status
