#!/usr/bin/env bash
# Shared steps of the project's commands: install what is missing, build, start Kafka.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KAFKA_SH="$ROOT/deploy/kafka/kafka.sh"
KAFKA_STARTED_HERE=0

say() { echo "[credit-exposure] $*"; }

# npm ci when node_modules is missing or older than the lock file.
ensure_node_modules() {
  local marker="$ROOT/node_modules/.package-lock.json"
  if [ ! -f "$marker" ] || [ "$ROOT/package-lock.json" -nt "$marker" ]; then
    say "installing npm packages (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The risk desk's browser tests drive Debian's Chromium (a browser download by the test tool does not work here).
ensure_chromium() {
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [ -x "$chromium" ] && return
  say "installing Chromium for the browser tests (apt-get install chromium)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  # Waits for another apt run holding the dpkg lock (a machine's own start-up updates) instead of failing.
  local apt=($sudo apt-get -o DPkg::Lock::Timeout=300)
  "${apt[@]}" install -y -q chromium >/dev/null ||
    { "${apt[@]}" update -q >/dev/null && "${apt[@]}" install -y -q chromium >/dev/null; }
}

build() {
  say "building"
  (cd "$ROOT" && npm run --silent build)
}

# Postgres and Redis are expected on the machine; say clearly when they are not.
check_services() {
  local pg_url="${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
  local redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
  node -e '
    const net = require("net");
    const targets = process.argv.slice(1).map((u) => { const x = new URL(u); return [x.hostname, Number(x.port) || (x.protocol.startsWith("redis") ? 6379 : 5432), u.split(":")[0]]; });
    let failed = 0, left = targets.length;
    for (const [host, port, what] of targets) {
      const s = net.connect({ host, port, timeout: 3000 });
      const done = (ok) => { if (!ok) { failed++; console.error(`[credit-exposure] ${what} is not reachable at ${host}:${port}`); } s.destroy(); if (--left === 0) process.exit(failed ? 1 : 0); };
      s.on("connect", () => done(true)); s.on("error", () => done(false)); s.on("timeout", () => done(false));
    }' "$pg_url" "$redis_url"
}

kafka_is_local() {
  case "${KAFKA_BROKERS:-127.0.0.1:9092}" in
    127.0.0.1:9092 | localhost:9092) return 0 ;;
    *) return 1 ;;
  esac
}

# Starts the local broker unless one already answers; remembers whether it did.
ensure_kafka() {
  if ! kafka_is_local; then
    say "using the configured Kafka at $KAFKA_BROKERS"
    return
  fi
  if (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; then
    say "Kafka already running on 127.0.0.1:9092"
    return
  fi
  bash "$KAFKA_SH" start
  KAFKA_STARTED_HERE=1
}

stop_kafka_if_started() {
  if [ "$KAFKA_STARTED_HERE" = 1 ]; then bash "$KAFKA_SH" stop || true; fi
}

# The faults suite runs its own redis-server (it restarts it); install it when missing.
ensure_redis_server() {
  if command -v "${FAULTS_REDIS_SERVER:-redis-server}" >/dev/null 2>&1; then return; fi
  say "installing redis-server (the faults suite runs its own instance)"
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq && $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq redis-server >/dev/null
  else
    echo "[credit-exposure] redis-server is required by the faults suite; install it" >&2
    return 1
  fi
}
