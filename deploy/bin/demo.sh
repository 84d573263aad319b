#!/usr/bin/env bash
# `npm run demo`: the whole stack with a simulated ERP stream.
exec bash "$(dirname "${BASH_SOURCE[0]}")/run-apps.sh" --simulate
