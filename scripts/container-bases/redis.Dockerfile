# Stand-in for redis:7.4-alpine, built by scripts/container-bases.sh when that
# tag is absent. Debian's Redis (7.0) with what meshboard relies on from the
# official image: `redis-server` and `redis-cli` on PATH, /data as the working
# directory and volume, the server dropping root to the `redis` user, and
# protected mode off (the official build turns it off; containers reach Redis
# over Docker's network, not loopback).
FROM meshboard-standin/bookworm:minbase
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /data
WORKDIR /data
EXPOSE 6379
LABEL org.meshboard.standin="redis:7.4-alpine"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
