#!/usr/bin/env bash
# Starts or stops the four Reverie services in the background (logs and pids under .reverie/).
#   tools/services.sh start | stop | restart | admin-key
# `admin-key` makes sure the local admin key exists and prints the file that holds it.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=(session-ingest dreaming lesson-governance agent-serving)
STATE=.reverie
mkdir -p "$STATE/logs" "$STATE/pids"

# Defaults for a local, single-machine setup; every one can be overridden from the environment.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/reverie}"

# The local admin: an operator key with every role for tenant `default`, generated once (random,
# 256 bits) into a file only its owner can read. The services accept it through REVERIE_API_KEYS
# (next to any keys set there already); the CLI presents it as REVERIE_API_KEY (tools/up.sh).
ADMIN_KEY_FILE="$STATE/admin-key"
ADMIN_ROLES=ingest+agent+reviewer+approver+admin

ensure_admin_key() {
  if [ ! -s "$ADMIN_KEY_FILE" ]; then
    (umask 077 && node -e 'process.stdout.write("local-admin-" + require("node:crypto").randomBytes(32).toString("base64url"))' >"$ADMIN_KEY_FILE.tmp")
    mv "$ADMIN_KEY_FILE.tmp" "$ADMIN_KEY_FILE"
  fi
  chmod 600 "$ADMIN_KEY_FILE"
}

service_keys() {
  local key entry; key=$(cat "$ADMIN_KEY_FILE"); entry="$key:default:$ADMIN_ROLES"
  case ",${REVERIE_API_KEYS:-}," in
    *",$key:"*) printf '%s' "$REVERIE_API_KEYS" ;;        # already listed (with whatever roles it was given)
    ",,") printf '%s' "$entry" ;;
    *) printf '%s,%s' "$entry" "$REVERIE_API_KEYS" ;;
  esac
}

running() { local f="$STATE/pids/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

start() {
  ensure_admin_key
  REVERIE_API_KEYS=$(service_keys)
  export REVERIE_API_KEYS
  # The reviewer console (lesson-governance's /console/) calls every service from the browser.
  export REVERIE_CONSOLE_ORIGINS="${REVERIE_CONSOLE_ORIGINS:-http://localhost:4103,http://127.0.0.1:4103}"
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
  admin-key) ensure_admin_key; echo "$ADMIN_KEY_FILE" ;;
  *) echo "usage: $0 start|stop|restart|admin-key" >&2; exit 2 ;;
esac
