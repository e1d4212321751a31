# syntax=docker/dockerfile:1
#
# mxo-server image.
#
#   docker build -t mxo-server .
#   docker run -p 2567:2567 -v mxo-data:/data -e JWT_SECRET="$(openssl rand -base64 48)" \
#     -e TOTP_ENCRYPTION_KEY="$(openssl rand -base64 48)" mxo-server
#
# NODE_ENV=production makes JWT_SECRET and TOTP_ENCRYPTION_KEY (≥ 32 characters
# each) mandatory: without them the server exits with code 2 and says so. Several replicas also need
# REDIS_URL and DATABASE_URL (the embedded database in /data is single-process)
# and a PUBLIC_ADDRESS each that clients can reach. See src/framework/config/config.ts
# for every variable.
#
# Node 24 on Debian 13 (trixie, glibc 2.41) on purpose: "uWebSockets.js" is
# vendor/uwebsockets-select, which loads the first build whose binary loads
# here. @btc-vision/uwebsockets.js 20.57.0 ships Node 24 binaries (ABI 137)
# that need glibc ≥ 2.38: Debian 12 (2.36) cannot load them, nor can Alpine
# (musl). Where no build loads, the server does not serve on an imitation: it
# falls back to the slower ws transport with one warning, or with TRANSPORT=uws
# refuses to start (exit 2). The listening log line says which transport runs.
# deploy/verify-runtime.sh proves this runtime without Docker: a trixie root
# file system from Debian's packages, Node 24 from npm, the server inside it.
# Pin by digest for reproducible builds: node:24.21-trixie-slim@sha256:…
ARG NODE_IMAGE=node:24.21-trixie-slim

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first so source edits reuse this layer. argon2 and
# uWebSockets.js ship prebuilt linux x64 and arm64 binaries, so no compiler
# toolchain is needed (the optional ws accelerators may be skipped on arm64).
# package.json pins msgpackr-extract through overrides so the lock lists every
# platform's optional binary and `npm ci` accepts it on npm 10 and 11 alike.
# vendor/ holds the local package "uWebSockets.js" points to (file: link).
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

COPY . .
# tsc -p tsconfig.build.json → dist/src/index.js (plus rooms/, schema/, entities/);
# vite → dist/web, the /play and /admin pages the server serves.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production \
    PORT=2567 \
    HOST=0.0.0.0 \
    DATA_DIR=/data

WORKDIR /app

# Application files stay owned by root (read-only to the server); only /data,
# where the embedded database and its files live, belongs to the node user.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
# node_modules/uWebSockets.js is a link to vendor/uwebsockets-select.
COPY --from=build /app/vendor ./vendor
COPY --from=build /app/dist ./dist
# District definitions and other runtime data (CONTENT_DIR defaults to ./content).
COPY --from=build /app/content ./content

RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]

USER node
EXPOSE 2567

# /health is the liveness probe (/ready also checks the database and Redis).
# Slim images have no curl: Node's fetch does it. The embedded database takes
# a few seconds to open on first start, hence the start period.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||2567)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# The server drains on SIGTERM (saves every player, closes clients with 4120)
# within SHUTDOWN_TIMEOUT_SECONDS (default 25): give `docker stop` a longer
# timeout than that (docker stop -t 40, compose stop_grace_period: 40s,
# Kubernetes terminationGracePeriodSeconds: 40 with a 5 s preStop sleep, as in
# deploy/k8s), or it is killed mid-save.
STOPSIGNAL SIGTERM

# --experimental-websocket: Node 20 has no global WebSocket without it, and
# Colyseus's reconnection (allowReconnection) needs one. Node 22 and 24 have
# it by default and accept the flag, so the line runs on 20, 22 and 24 alike.
CMD ["node", "--experimental-websocket", "--enable-source-maps", "dist/src/index.js"]
