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
# Node 20 on Debian 12 (bookworm, glibc 2.36) on purpose: the uWebSockets.js
# build in use (@trufflesuite/uws-js-unofficial) ships Node 20 binaries only
# and needs glibc ≥ 2.27, so neither Node 22 nor Alpine (musl) would load it
# (the server would fall back to the slower ws transport with a warning).
# Pin by digest for reproducible builds: node:20.20-bookworm-slim@sha256:…
ARG NODE_IMAGE=node:20.20-bookworm-slim

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first so source edits reuse this layer. argon2 and
# uWebSockets.js ship prebuilt linux x64 and arm64 binaries, so no compiler
# toolchain is needed (the optional ws accelerators may be skipped on arm64).
# package.json pins msgpackr-extract through overrides so the lock lists every
# platform's optional binary and `npm ci` accepts it on npm 10 and 11 alike.
COPY package.json package-lock.json ./
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
# Colyseus's reconnection (allowReconnection) needs one.
CMD ["node", "--experimental-websocket", "--enable-source-maps", "dist/src/index.js"]
