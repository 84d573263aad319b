#!/usr/bin/env bash
# `npm test`: installs what is missing, starts Kafka if needed, runs the unit and
# the integration suites against the real Kafka, Redis and Postgres, the risk desk's
# browser tests (Chromium from apt), then the faults suite's ci profile on its own
# broker and Redis (docs/reliability.md), stops what it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node_modules
ensure_chromium
check_services
build
ensure_kafka
trap stop_kafka_if_started EXIT
mkdir -p .run
status=0
say "unit tests"
npx jest --selectProjects unit --json --outputFile=.run/unit.json || status=1
say "integration tests (real Kafka, Redis, Postgres)"
npx jest --selectProjects integration --runInBand --json --outputFile=.run/integration.json || status=1
say "browser tests (the risk desk in Chromium, real stack)"
npx jest --selectProjects browser --runInBand --json --outputFile=.run/browser.json || status=1
# The full profile is `npm run test:faults`; set FAULTS_PROFILE=full to run it here instead.
FAULTS_PROFILE="${FAULTS_PROFILE:-ci}" FAULTS_SKIP_SETUP=1 bash "$ROOT/deploy/bin/faults.sh" || status=1
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of [".run/unit.json", ".run/integration.json", ".run/browser.json", ".run/faults.json"]) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; skipped += r.numPendingTests;
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);'
exit $status
