#!/usr/bin/env bash
# Offline stand-ins for the base images meshboard's Dockerfile and
# docker-compose.yml use, for machines that cannot pull from a registry.
# For each tag that is ABSENT locally it builds an image from Debian packages
# (debootstrap) that behaves like the official one where meshboard relies on
# it; a tag already present (a real image, or a stand-in from an earlier run)
# is never touched. The recipes are in scripts/container-bases/.
#
#   bash scripts/container-bases.sh          # build what is missing
#   bash scripts/container-bases.sh --list   # the tags it provides
#
# Needs root (debootstrap), debootstrap, and a running Docker engine.
# DOCKER (default /usr/bin/docker: Debian's client, with BuildKit built in)
# and MESHBOARD_CONTAINER_CACHE (where the Debian rootfs tarball is kept so
# re-runs skip debootstrap) can be overridden.
set -euo pipefail

# tag -> recipe in scripts/container-bases/<recipe>.Dockerfile
declare -A RECIPE=(
  [node:20-bookworm-slim]=node
  [redis:7.4-alpine]=redis
  [haproxy:2.6]=haproxy
)
ROOTFS_TAG=meshboard-standin/bookworm:minbase
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ "${1:-}" = --list ]; then
  printf '%s\n' "${!RECIPE[@]}" | sort
  exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
recipes=$here/container-bases
DOCKER=${DOCKER:-/usr/bin/docker}
CACHE=${MESHBOARD_CONTAINER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meshboard/containers}
log() { echo "container-bases: $*"; }
die() { echo "container-bases: $*" >&2; exit 1; }

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

"$DOCKER" info >/dev/null 2>&1 || die "no Docker engine answers ($DOCKER info failed); start dockerd first"

missing=()
for tag in "${!RECIPE[@]}"; do
  if have_image "$tag"; then log "$tag present, kept"; else missing+=("$tag"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The Debian rootfs every stand-in starts from, imported once as ROOTFS_TAG.
if ! have_image "$ROOTFS_TAG"; then
  tarball=$CACHE/$SUITE-minbase.tar
  if [ ! -s "$tarball" ]; then
    [ "$(id -u)" = 0 ] || die "debootstrap needs root"
    command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
    log "debootstrap $SUITE (minbase) from $MIRROR"
    debootstrap --variant=minbase "$SUITE" "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
    # Package lists and caches are fetched again by each stand-in's apt-get.
    rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
    mkdir -p "$CACHE"
    tar -C "$work/rootfs" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$work/rootfs"
  fi
  log "importing $tarball as $ROOTFS_TAG"
  "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    "$tarball" "$ROOTFS_TAG" >/dev/null
fi

build() { # tag recipe context
  log "building stand-in $1"
  "$DOCKER" build --network host -q -t "$1" -f "$recipes/$2.Dockerfile" "$3" >/dev/null
}

for tag in "${missing[@]}"; do
  recipe=${RECIPE[$tag]}
  case $recipe in
    node)
      # The machine's Node 20 (Debian 12 builds link the same glibc/libstdc++).
      node_bin=$(command -v node) || die "node is missing"
      node_prefix=$(dirname "$(dirname "$(readlink -f "$node_bin")")")
      [ "$("$node_bin" -p 'process.versions.node.split(".")[0]')" = 20 ] || die "the machine's node is not Node 20"
      ctx=$work/node
      mkdir -p "$ctx"
      cp "$(readlink -f "$node_bin")" "$ctx/node"
      cp -a "$node_prefix/lib/node_modules/npm" "$ctx/npm"
      cp -a "$node_prefix/include/node" "$ctx/include-node"
      cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-bundle.crt"
      cp "$recipes/node.Dockerfile" "$ctx/"
      build "$tag" node "$ctx"
      ;;
    *)
      build "$tag" "$recipe" "$recipes"
      ;;
  esac
done
log "done"
