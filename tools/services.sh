#!/usr/bin/env bash
# Starts or stops the four Reverie services in the background (logs and pids under .reverie/).
#   tools/services.sh start | stop | restart
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=(session-ingest dreaming lesson-governance agent-serving)
STATE=.reverie
mkdir -p "$STATE/logs" "$STATE/pids"

# Defaults for a local, single-machine setup; every one can be overridden from the environment.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/reverie}"
export REVERIE_API_KEYS="${REVERIE_API_KEYS:-reverie-local-dev-key:default}"

running() { local f="$STATE/pids/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

start() {
  for s in "${SERVICES[@]}"; do
    if running "$s"; then echo "  $s already running (pid $(cat "$STATE/pids/$s.pid"))"; continue; fi
    # A larger young generation: ingest keeps ~2,000 events alive while their publishes are acked,
    # and the default semi-space made scavenges ~20% of its CPU (bench/README.md, ingest).
    flags=""; [ "$s" = session-ingest ] && flags="--max-semi-space-size=64"
    nohup node $flags "dist/apps/$s/src/main.js" >>"$STATE/logs/$s.log" 2>&1 &
    echo $! >"$STATE/pids/$s.pid"
    echo "  $s started (pid $!, log $STATE/logs/$s.log)"
  done
}

stop() {
  for s in "${SERVICES[@]}"; do
    if running "$s"; then
      local pid; pid=$(cat "$STATE/pids/$s.pid")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
      echo "  $s stopped"
    fi
    rm -f "$STATE/pids/$s.pid"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
esac
