#!/usr/bin/env bash
# `npm run test:containers`: the image and docker-compose.yml for real.
#   1. installs Docker, Compose and debootstrap when missing (scripts/container-deps.sh);
#   2. starts dockerd if no engine answers, and stops it at the end (only that one);
#   3. builds the offline stand-in bases that are absent (scripts/container-bases.sh)
#      and the app image meshboard:local with the engine's BuildKit;
#   4. runs test/containers/*.containers.ts (vitest, a config of its own);
#   5. removes every container, network and volume of this run, even on failure,
#      and prints one summary line.
# Logs go to test-artifacts/containers/.
set -uo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
export DOCKER=${DOCKER:-/usr/bin/docker}
# Names of everything this run creates start with this (test/containers/docker.ts).
export MESHBOARD_CT_RUN=${MESHBOARD_CT_RUN:-$$}
prefix="meshboard-ct-$MESHBOARD_CT_RUN-"
art=test-artifacts/containers
mkdir -p "$art"
dockerd_pid=""
detail=""

summary() { echo "test:containers: $1 in $(($(date +%s) - t0)) s${detail:+ ($detail)}"; }
fail() {
  summary "FAIL: $*"
  exit 1
}

cleanup() {
  local code=$?
  if "$DOCKER" info >/dev/null 2>&1; then
    local ids
    ids=$("$DOCKER" ps -aq --filter "name=$prefix")
    [ -n "$ids" ] && "$DOCKER" rm -f $ids >/dev/null 2>&1
    ids=$("$DOCKER" network ls -q --filter "name=$prefix")
    [ -n "$ids" ] && "$DOCKER" network rm $ids >/dev/null 2>&1
    ids=$("$DOCKER" volume ls -q --filter "name=$prefix")
    [ -n "$ids" ] && "$DOCKER" volume rm -f $ids >/dev/null 2>&1
  fi
  if [ -n "$dockerd_pid" ]; then
    kill -TERM "$dockerd_pid" 2>/dev/null
    wait "$dockerd_pid" 2>/dev/null
  fi
  return $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== container tools"
bash scripts/container-deps.sh || fail "Docker, Compose or debootstrap is missing and could not be installed (see above)"

echo "== Docker engine"
if ! "$DOCKER" info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || fail "no Docker engine answers and dockerd is not installed"
  [ "$(id -u)" = 0 ] || fail "no Docker engine answers, and starting dockerd needs root"
  dockerd >"$art/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 120); do
    "$DOCKER" info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! "$DOCKER" info >/dev/null 2>&1; then
    fail "dockerd could not start: $(tail -1 "$art/dockerd.log") (log: $art/dockerd.log)"
  fi
  echo "started dockerd (pid $dockerd_pid), stopped at the end"
fi
engine=$("$DOCKER" version --format '{{.Server.Version}}')

echo "== the doctor CLI (dist/)"
# `npm test` (CI runs it first) has built it; build again only when src/ changed since.
if [ ! -f dist/cli/main.js ] || [ -n "$(find src -newer dist/cli/main.js -print -quit)" ]; then
  npm run --silent build:server >"$art/build-server.log" 2>&1 || { tail -20 "$art/build-server.log" >&2; fail "npm run build:server failed"; }
fi

echo "== base images (stand-ins for those absent)"
bash scripts/container-bases.sh || fail "stand-in base images could not be built"

echo "== meshboard:local"
# --network host: the build's apt-get and npm ci reach the package registries
# through the machine's own network; nothing else runs on the host network.
if ! DOCKER_BUILDKIT=1 "$DOCKER" build --network host --progress plain -t meshboard:local . >"$art/image-build.log" 2>&1; then
  tail -30 "$art/image-build.log" >&2
  fail "docker build failed (log: $art/image-build.log)"
fi
size=$("$DOCKER" image inspect -f '{{.Size}}' meshboard:local)
base=$("$DOCKER" image inspect -f '{{.Size}}' node:20-bookworm-slim)
image="image $((size / 1000000)) MB, $(((size - base) / 1000000)) MB above node:20-bookworm-slim"
echo "$image"

echo "== tests"
npx vitest run --config test/containers/vitest.config.ts \
  --reporter=default --reporter=json --outputFile.json="$art/results.json"
status=$?
counts=$(node -e '
  try {
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${r.numPassedTests}/${r.numTotalTests} tests passed`);
  } catch { console.log("no test results"); }' "$art/results.json")
compose=$( (docker-compose version --short 2>/dev/null || "$DOCKER" compose version --short) | head -1)
detail="$counts; Docker $engine, Compose $compose; $image"
[ $status -eq 0 ] || fail "tests failed"
summary "PASS"
