#!/usr/bin/env bash
# `npm run bench [-- options]`: the benchmark on the local stack (see docs/performance.md).
# Options: --customers N (10000) --events-per-customer K (20) --partitions P (3)
#          --latency-samples S (1000) --background-rate R (2000 events/s)
#          --only history|stages --skip-history --history-customers N (10)
#          --history-cycles K (2000) --history-phases P (4)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node_modules
check_services
build
ensure_kafka
trap stop_kafka_if_started EXIT
node dist/bench/src/main.js "$@"
