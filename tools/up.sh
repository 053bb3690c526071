#!/usr/bin/env bash
# Quickstart: install, make sure NATS and Postgres are up, build, provision, start the four
# services, and on an empty store ingest the bundled sample sessions and run a first dream.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Node.js"
source tools/ensure-node.sh   # Node.js 22 LTS: installed into ~/.cache/reverie-node if the machine's is older
node -v

step "Installing dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
else
  echo "node_modules is up to date"
fi

step "NATS and Postgres"
bash tools/ensure-infra.sh

step "Building"
npm run --silent build

export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/reverie}"
REVERIE="node bin/reverie"

step "The local admin key"
# Generated once into .reverie/admin-key (mode 0600): an operator key with every role for tenant
# `default`, which tools/services.sh gives the services and this script gives the CLI.
ADMIN_KEY_FILE=$(bash tools/services.sh admin-key)
export REVERIE_API_KEY="$(cat "$ADMIN_KEY_FILE")"   # this script acts as the local admin, whatever the shell had
echo "Tenant default's admin key (roles ingest, agent, reviewer, approver, admin) is in $ADMIN_KEY_FILE (readable by you only)."

step "Provisioning streams, consumers and the database schema"
$REVERIE setup

step "Starting the services"
bash tools/services.sh start
for _ in $(seq 1 60); do
  $REVERIE status --json >/dev/null 2>&1 && break
  sleep 0.5
done
$REVERIE status || { echo "Some services did not become healthy; see .reverie/logs/" >&2; exit 1; }

lessons=$($REVERIE lessons list --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')
if [ "$lessons" = "0" ]; then
  step "Ingesting the bundled sample sessions (samples/)"
  # The demo transcripts are one folder per user, and each user ingests with an ingest key of
  # their own, as a team would: corroboration counts distinct credentials as well as users, and
  # the admin key, which ingests nothing, may approve what the dream proposes (nobody approves a
  # lesson from sessions they ingested).
  stamp=$(date +%s)
  ingest_as() { # name owner path...
    local name=$1 owner=$2; shift 2
    local token
    token=$($REVERIE keys create --name "$name-$stamp" --roles ingest --owner "$owner" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
    REVERIE_API_KEY="$token" $REVERIE ingest "$@"
  }
  for dir in samples/demo/*/; do
    user="$(basename "$dir")"
    ingest_as "demo-$user" "$user" "$dir" --user "$user"
  done
  ingest_as samples-real samples samples/real
  step "Dreaming over them"
  $REVERIE dream --wait
else
  step "The store already holds $lessons lesson(s); not re-ingesting the samples"
  $REVERIE lessons list --status in-review
fi

cat <<NEXT

Reverie is running (logs in .reverie/logs, stop with \`npm run down\`). The CLI acts with the local
admin key in $ADMIN_KEY_FILE: export it once in your shell (or save it: node bin/reverie login --key - < $ADMIN_KEY_FILE)
  export REVERIE_API_KEY=\$(cat $ADMIN_KEY_FILE)
Reviewer console: http://localhost:4103/console/ (sign in with the key in $ADMIN_KEY_FILE)
Next:
  node bin/reverie lessons list --status in-review     review what was proposed
  node bin/reverie lessons approve <id>               approve one (reject with --reason)
  node bin/reverie agent lessons <agentId>            what an agent is served now
  node bin/reverie ingest ~/.claude/projects          import your own agent logs
  node bin/reverie dream --wait                       dream again over the new sessions
  node bin/reverie keys create --name ci --roles ingest   a key for one job (printed once)
NEXT
