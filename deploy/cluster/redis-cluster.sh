#!/usr/bin/env bash
# Local Redis Cluster (3 masters, 3 replicas) from Debian's redis-server, on loopback, without Docker.
#
# Usage: redis-cluster.sh start|stop|status|reset|nodes|kill-node <port>|start-node <port>
#
# Environment:
#   REDIS_CLUSTER_BASE_PORT  first node's port; the six nodes use it and the next five  default 17100
#   REDIS_CLUSTER_DIR        data, pid, log and nodes.conf of each node                 default /tmp/redis-cluster-$BASE_PORT
#   REDIS_CLUSTER_NODE_TIMEOUT_MS  how long a silent master stays before its replica takes over  default 2000
#
# `start` prints REDIS_CLUSTER_NODES=127.0.0.1:<port>,... (what the apps will read to use the cluster).
# `kill-node` SIGKILLs one node (a master dies: its replica is promoted), `start-node` brings it back
# (as a replica of whoever took over): the faults suite uses both. `reset` stops every node and deletes
# the data directory, so the next start creates a fresh cluster.
set -euo pipefail

BASE_PORT="${REDIS_CLUSTER_BASE_PORT:-17100}"
DIR="${REDIS_CLUSTER_DIR:-/tmp/redis-cluster-$BASE_PORT}"
NODE_TIMEOUT_MS="${REDIS_CLUSTER_NODE_TIMEOUT_MS:-2000}"
NODES=6
START_TIMEOUT_S=60

log() { echo "[redis-cluster] $*"; }
die() {
  echo "[redis-cluster] ERROR: $*" >&2
  exit 1
}

command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server)"
command -v redis-cli >/dev/null || die "redis-cli not found (apt-get install redis-tools)"

ports() {
  local i
  for ((i = 0; i < NODES; i++)); do echo $((BASE_PORT + i)); done
}

node_list() { ports | sed 's/^/127.0.0.1:/' | paste -sd, -; }

cli() {
  local port="$1"
  shift
  redis-cli -h 127.0.0.1 -p "$port" "$@"
}

answers() { [[ "$(cli "$1" PING 2>/dev/null || true)" == PONG ]]; }

pid_of() {
  local file="$DIR/$1/redis.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start_node() {
  local port="$1"
  if answers "$port"; then
    pid_of "$port" >/dev/null || die "127.0.0.1:$port answers but was not started by this script (pick another REDIS_CLUSTER_BASE_PORT)"
    return 0
  fi
  mkdir -p "$DIR/$port"
  # No persistence: a node that dies comes back empty and resyncs from its master, as after a disk loss.
  redis-server --bind 127.0.0.1 --port "$port" --dir "$DIR/$port" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout "$NODE_TIMEOUT_MS" \
    --appendonly no --save "" --daemonize yes --pidfile "$DIR/$port/redis.pid" \
    --logfile "$DIR/$port/redis.log" --protected-mode yes >/dev/null
  local deadline=$((SECONDS + 10))
  until answers "$port"; do
    ((SECONDS < deadline)) || die "node 127.0.0.1:$port did not start; see $DIR/$port/redis.log"
    sleep 0.1
  done
}

# The first node that answers (the base node may be the one killed).
any_port() {
  local port
  for port in $(ports); do
    if answers "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# Every node that answers sees the cluster ok (all slots served).
cluster_ok() {
  local port
  for port in $(ports); do
    answers "$port" || continue
    [[ "$(cli "$port" CLUSTER INFO 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p')" == ok ]] || return 1
  done
}

# True once the cluster has been created (a node knows of the others).
cluster_created() {
  [[ "$(cli "$BASE_PORT" CLUSTER INFO 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')" == "$NODES" ]]
}

cmd_start() {
  local port t0=$SECONDS
  for port in $(ports); do start_node "$port"; done
  if ! cluster_created; then
    log "creating the cluster: 3 masters, 3 replicas on $(node_list)"
    # shellcheck disable=SC2046
    redis-cli --cluster create $(ports | sed 's/^/127.0.0.1:/') --cluster-replicas 1 --cluster-yes \
      >"$DIR/create.log" 2>&1 || {
      cat "$DIR/create.log" >&2
      die "redis-cli --cluster create failed"
    }
  fi
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until cluster_ok; do
    ((SECONDS < deadline)) || die "the cluster is not ok after ${START_TIMEOUT_S}s (see $DIR/*/redis.log)"
    sleep 0.5
  done
  log "ready in $((SECONDS - t0))s"
  echo "REDIS_CLUSTER_NODES=$(node_list)"
}

stop_node() {
  local port="$1" pid
  pid="$(pid_of "$port")" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.1
  done
  rm -f "$DIR/$port/redis.pid"
}

cmd_stop() {
  local port
  for port in $(ports); do stop_node "$port"; done
  log "stopped"
}

cmd_status() {
  local port up=0 role
  for port in $(ports); do
    if answers "$port"; then
      up=$((up + 1))
      role="$(cli "$port" ROLE 2>/dev/null | head -1 | tr -d '\r')"
      log "127.0.0.1:$port up ($role)"
    else
      log "127.0.0.1:$port down"
    fi
  done
  if ((up == 0)); then
    log "not running"
    return 3
  fi
  if cluster_ok; then log "cluster_state ok ($up of $NODES nodes up)"; else log "cluster_state not ok ($up of $NODES nodes up)"; fi
}

cmd_reset() {
  cmd_stop
  case "$DIR" in
    "" | / | "$HOME" | "$HOME/") die "refusing to delete REDIS_CLUSTER_DIR=$DIR" ;;
  esac
  rm -rf "$DIR"
  log "deleted $DIR"
}

valid_port() {
  local port="${1:-}"
  [[ "$port" =~ ^[0-9]+$ ]] && ((port >= BASE_PORT && port < BASE_PORT + NODES)) ||
    die "expected one of the cluster's ports $BASE_PORT..$((BASE_PORT + NODES - 1)), got '${port}'"
}

mkdir -p "$DIR"
case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  nodes) cli "$(any_port || die 'no node is running')" CLUSTER NODES ;;
  kill-node)
    valid_port "${2:-}"
    pid="$(pid_of "$2")" || die "node $2 is not running"
    kill -KILL "$pid"
    rm -f "$DIR/$2/redis.pid"
    log "killed 127.0.0.1:$2 (pid $pid)"
    ;;
  start-node)
    valid_port "${2:-}"
    # Its nodes.conf is kept: it rejoins the cluster it belonged to.
    start_node "$2"
    log "started 127.0.0.1:$2"
    ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
