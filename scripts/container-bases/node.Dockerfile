# Stand-in for node:20-bookworm-slim, built by scripts/container-bases.sh when
# that tag is absent and cannot be pulled. Laid out like the official image:
# node, npm and the headers under /usr/local, a `node` user with uid/gid 1000.
# The context holds the machine's Node 20 (binary, npm, headers) and CA bundle.
FROM meshboard-standin/bookworm:minbase
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY include-node /usr/local/include/node
COPY ca-bundle.crt /usr/local/share/meshboard-standin/ca-bundle.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
# The machine's CA bundle, so npm reaches the registry through whatever TLS
# the machine's network presents. node-gyp cannot download headers offline
# (and better-sqlite3's prebuilt binaries cannot be fetched): it compiles
# against the headers shipped here.
ENV NODE_VERSION=20 \
    NODE_EXTRA_CA_CERTS=/usr/local/share/meshboard-standin/ca-bundle.crt \
    npm_config_cafile=/usr/local/share/meshboard-standin/ca-bundle.crt \
    npm_config_nodedir=/usr/local
LABEL org.meshboard.standin="node:20-bookworm-slim"
CMD ["node"]
