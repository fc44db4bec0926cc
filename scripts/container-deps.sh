#!/usr/bin/env bash
# Installs what `npm run test:containers` needs when it is missing: Debian's
# Docker engine (dockerd and /usr/bin/docker, Docker 20.10 with BuildKit
# built in), Compose 1.29 (`docker-compose`; Compose v2 is used instead when
# present) and debootstrap (for the offline stand-in base images).
# Without root it names what to install and stops.
set -euo pipefail

declare -A need=(
  [/usr/bin/docker]=docker.io
  [dockerd]=docker.io
  [debootstrap]=debootstrap
)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
if ! command -v docker-compose >/dev/null 2>&1 && ! /usr/bin/docker compose version >/dev/null 2>&1; then
  missing+=(docker-compose)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "container-deps: missing Debian packages: ${missing[*]}" >&2
  echo "container-deps: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "container-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "container-deps: done"
