# Stand-in for haproxy:2.6, built by scripts/container-bases.sh when that tag
# is absent. Debian bookworm's HAProxy is 2.6; laid out like the official
# image: config at /usr/local/etc/haproxy/haproxy.cfg, the `haproxy` user,
# master-worker in the foreground, SIGUSR1 for a graceful stop.
FROM meshboard-standin/bookworm:minbase
RUN apt-get update \
 && apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /usr/local/etc/haproxy /var/lib/haproxy \
 && chown haproxy:haproxy /var/lib/haproxy \
 && haproxy -v
COPY haproxy-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER haproxy
WORKDIR /var/lib/haproxy
STOPSIGNAL SIGUSR1
LABEL org.meshboard.standin="haproxy:2.6"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
