#!/usr/bin/env bash
# Installs the Debian packages meshboard's tests use (real Redis, HAProxy,
# Chromium, kubectl's kustomize) when they are missing. Run by `npm test`
# (pretest) and by .ci/run. Without root it names what to install and stops.
set -euo pipefail

declare -A need=(
  [redis-server]=redis-server
  [redis-cli]=redis-tools
  [haproxy]=haproxy
  [chromium]=chromium
)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done

if ! command -v kubectl >/dev/null 2>&1; then
  echo "system-deps: kubectl is missing; the manifest tests render overlays with 'kubectl kustomize'." >&2
  echo "system-deps: install kubectl (it is preinstalled on the project's machines) and run again." >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian packages start system services; tests start their own on free ports.
for svc in redis-server haproxy; do
  (command -v systemctl >/dev/null && systemctl stop "$svc") >/dev/null 2>&1 || service "$svc" stop >/dev/null 2>&1 || true
done
echo "system-deps: done"
