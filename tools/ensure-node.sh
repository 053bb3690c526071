# Sourced by .ci/run and tools/test.sh: makes sure the `node` on PATH is Node.js 22 LTS (>= 22.12,
# package.json's engines). When it is older (e.g. Debian's Node 20, past its end of life), installs
# the official Node.js binary as published on the npm registry (package node-linux-<arch>) into a
# cache folder, once, and puts its bin first on PATH for everything the caller runs next (npm,
# npx, jest, the services). Downloads from nodejs.org are not needed: only the npm registry.
#   REVERIE_NODE_CACHE   where the binary is kept (default ~/.cache/reverie-node)
REVERIE_NODE_MIN=22.12.0
REVERIE_NODE_VERSION=22.23.5

reverie_node_ok() {
  # True when `node` runs and is at least REVERIE_NODE_MIN (and of a supported major, 22 or later).
  local v
  v=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  node -e '
    const [a, b] = process.argv.slice(1).map((s) => s.split(".").map(Number));
    const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    process.exit(cmp >= 0 ? 0 : 1);
  ' "$v" "$REVERIE_NODE_MIN" 2>/dev/null
}

reverie_ensure_node() {
  reverie_node_ok && return 0
  local found arch dir cache tmp
  found=$(node -v 2>/dev/null || echo 'none')
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) arch=x64 ;;
    Linux-aarch64 | Linux-arm64) arch=arm64 ;;
    *)
      echo "Node.js >= $REVERIE_NODE_MIN is required (found $found); install Node.js 22 LTS for $(uname -s) $(uname -m) and run this again." >&2
      return 1 ;;
  esac
  cache=${REVERIE_NODE_CACHE:-$HOME/.cache/reverie-node}
  dir="$cache/node-v$REVERIE_NODE_VERSION-linux-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    command -v npm >/dev/null || { echo "Node.js >= $REVERIE_NODE_MIN is required (found $found) and npm is not there to install it." >&2; return 1; }
    echo "Node.js $found is older than $REVERIE_NODE_MIN: installing Node.js $REVERIE_NODE_VERSION (npm package node-linux-$arch) into $dir" >&2
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/.install.XXXXXX")
    if ! npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error "node-linux-$arch@$REVERIE_NODE_VERSION" >&2; then
      rm -rf "$tmp"
      echo "could not install node-linux-$arch@$REVERIE_NODE_VERSION from the npm registry; install Node.js 22 LTS (>= $REVERIE_NODE_MIN) yourself and run this again." >&2
      return 1
    fi
    # A concurrent run may have put it in place meanwhile: keep the first one.
    mv -T "$tmp/node_modules/node-linux-$arch" "$dir" 2>/dev/null || true
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  hash -r
  if ! reverie_node_ok; then
    echo "Node.js in $dir does not run or is too old ($(node -v 2>&1)); remove $dir and run this again." >&2
    return 1
  fi
  echo "Using Node.js $(node -v) from $dir (the system's is $found)" >&2
}

reverie_ensure_node
