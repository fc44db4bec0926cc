#!/usr/bin/env bash
# Builds meshboard with bench/levers/prototype.patch applied (server-side levers
# that are not shipped: `drafts` batches, Redis skipped for boards no other node
# hosts, a hand-written draft check; each behind a PROTO_* variable) into a
# temporary copy, and prints the entry to pass as BENCH_PROTOTYPE_ENTRY or
# --meshboard-entry. The working tree is not touched.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$(mktemp -d /tmp/meshboard-prototype-XXXXXX)}"
mkdir -p "$out"
cp -r "$root/src" "$root/package.json" "$root"/tsconfig*.json "$out/"
ln -sfn "$root/node_modules" "$out/node_modules"
(cd "$out" && patch -s -p1 < "$root/bench/levers/prototype.patch")
(cd "$out" && node node_modules/typescript/bin/tsc -p tsconfig.server.json) >&2
mkdir -p "$out/dist"
ln -sfn "$root/dist/client" "$out/dist/client"
echo "$out/dist/server/main.js"
