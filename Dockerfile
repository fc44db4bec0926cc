# meshboard image: docker build -t <registry>/meshboard:<tag> .
# Three stages: production dependencies, build, and a small non-root runtime.
# The toolchain (python3, make, g++) is for better-sqlite3's native addon and
# stays in the build stages.
#
# No `# syntax=` line and no `RUN --mount`: the file builds with the engine's
# own frontend (Docker 20.10's built-in BuildKit, current Docker, the classic
# builder that Compose 1.29 uses) without pulling a frontend image, so it
# builds offline. Layer caching on package-lock.json does what an npm cache
# mount would. Offline, with stand-in bases: docs/deploy-kubernetes.md.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# Every dependency, native addons compiled once, for this libc.
FROM toolchain AS deps
RUN npm ci --no-audit --no-fund

# Compile the server and bundle the client into dist/.
FROM deps AS build
COPY . .
RUN npm run build

# Production dependencies only: the same install with the dev ones pruned
# (not a second `npm ci`, which would compile better-sqlite3 again).
FROM deps AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# The runtime runs node only: drop the package managers it ships with.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && mkdir -p /app/data \
 && chown 1000:1000 /app/data
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json says "type": "module", which dist/ needs.
COPY package.json ./
# uid:gid 1000 is the image's `node` user; numeric so that Kubernetes can
# verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000
# Docker and Compose use this; Kubernetes uses the manifests' probes instead.
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node as PID 1 receives SIGTERM directly; the app handles it (drain, then exit).
CMD ["node", "dist/server/main.js"]
