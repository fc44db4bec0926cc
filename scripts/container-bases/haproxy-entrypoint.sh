#!/bin/sh
# As the official image's entrypoint: bare options mean haproxy, which runs
# master-worker (-W) in the foreground (-db).
set -e
case "$1" in
  -*) set -- haproxy "$@" ;;
esac
if [ "$1" = haproxy ]; then
  shift
  set -- haproxy -W -db "$@"
fi
exec "$@"
