#!/usr/bin/env bash
# `npm start`: the whole stack against the configured Kafka, Redis and Postgres, no simulated stream.
exec bash "$(dirname "${BASH_SOURCE[0]}")/run-apps.sh"
