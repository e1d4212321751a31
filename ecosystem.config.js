/**
 * pm2 process file for running the compiled server on a host without containers:
 *
 *   npm ci && npm run build
 *   JWT_SECRET=… TOTP_ENCRYPTION_KEY=… npx pm2 start ecosystem.config.js   # one process, embedded database
 *   JWT_SECRET=… TOTP_ENCRYPTION_KEY=… REDIS_URL=redis://… DATABASE_URL=postgres://… \
 *     npx pm2 start ecosystem.config.js
 *                                                           # one process per core, ports 2567, 2568, …
 *   npx pm2 logs mxo-server · npx pm2 stop mxo-server · npx pm2 delete mxo-server
 *
 * This package is "type": "module", so this file is an ES module. pm2 loads it
 * with require(), which works because Node ≥ 20.19 can require() an ES module
 * without top-level await (so none here) and returns its namespace: pm2 reads
 * the `apps` named export from it. `import()` users get the default export.
 * Run pm2 itself on the same Node (≥ 20.19), not an older global one.
 *
 * Environment read here (everything else passes through to the server; see
 * src/framework/config/config.ts):
 *   PORT                      first instance's port (default 2567); instance n listens on PORT + n
 *   PM2_INSTANCES             "max" (one per core) or a number; default "max" when REDIS_URL and
 *                             DATABASE_URL are both set, else 1
 *   PM2_MAX_MEMORY_RESTART    restart an instance above this RSS (default "1G")
 *   SHUTDOWN_TIMEOUT_SECONDS  the server's drain limit (default 25); pm2 waits 5 s longer
 */
const env = process.env;

const basePort = Number(env.PORT ?? 2567);
if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65535) {
  throw new Error(`ecosystem.config.js: PORT must be a port number (got ${JSON.stringify(env.PORT)})`);
}

// Several processes need a shared database and Redis: the embedded database
// (PGlite in DATA_DIR) belongs to one process, and without Redis presence and
// driver each process would run its own matchmaker and its own copy of every
// district.
const shared = Boolean(env.REDIS_URL && env.DATABASE_URL);
const instances = env.PM2_INSTANCES ?? (shared ? "max" : 1);
if (!(instances === "max" || /^-?\d+$/.test(String(instances)))) {
  throw new Error(
    `ecosystem.config.js: PM2_INSTANCES must be "max" or a number (got ${JSON.stringify(instances)})`,
  );
}
if (!shared && String(instances) !== "1") {
  throw new Error(
    "ecosystem.config.js: more than one instance needs both REDIS_URL and DATABASE_URL " +
      "(the embedded database is single-process); set them or PM2_INSTANCES=1",
  );
}

const shutdownSeconds = Number(env.SHUTDOWN_TIMEOUT_SECONDS) || 25;

/** Variables passed through only when set, so the server's own defaults apply otherwise. */
const passThrough = Object.fromEntries(
  [
    "REDIS_URL",
    "DATABASE_URL",
    "JWT_SECRET",
    "TOTP_ENCRYPTION_KEY",
    "DATA_DIR",
    "HOST",
    "LOG_LEVEL",
    "TRANSPORT",
  ]
    .filter((name) => env[name] !== undefined && env[name] !== "")
    .map((name) => [name, env[name]]),
);

export const apps = [
  {
    name: "mxo-server",
    // The compiled entry (`npm run build`); run from the repository root so
    // ./content and ./data resolve as in `npm run start:prod`.
    script: "dist/src/index.js",
    cwd: import.meta.dirname,
    // Node 20 needs --experimental-websocket for the global WebSocket that
    // Colyseus's reconnection uses (allowReconnection throws without it).
    node_args: ["--experimental-websocket", "--enable-source-maps"],

    // Fork, not cluster: Colyseus does not proxy between processes; a seat
    // reservation sends the client to the process holding the room
    // (ws://<publicAddress>/<processId>/<roomId>), so each process needs an
    // address of its own. Node's cluster module would put them all behind one
    // port, and uWebSockets.js listens natively with SO_REUSEPORT, where the
    // kernel would spread connections across processes at random.
    exec_mode: "fork",
    instances,
    // pm2 sets PORT = base + n for the n-th instance (2567, 2568, …). With
    // REDIS_URL set and PUBLIC_ADDRESS unset, each process advertises
    // <hostname>:<its port>; do not set one PUBLIC_ADDRESS for all instances.
    // Put a load balancer in front for HTTP (/auth, /characters, matchmaking),
    // and let WebSocket clients reach every port (or route by it).
    increment_var: "PORT",
    env: {
      // Production refuses to start without JWT_SECRET and TOTP_ENCRYPTION_KEY
      // (≥ 32 characters each), which all instances must share.
      NODE_ENV: env.NODE_ENV ?? "production",
      PORT: basePort,
      ...passThrough,
    },

    // The server does not call process.send("ready"); "online" means forked.
    wait_ready: false,
    // pm2 stops with SIGINT, which the server treats like SIGTERM: it drains
    // (saves every player, closes clients with 4120) for up to
    // SHUTDOWN_TIMEOUT_SECONDS. SIGKILL must come later than that.
    kill_timeout: (shutdownSeconds + 5) * 1000,
    // A restart drains and kicks that instance's players, so set this well above normal use.
    max_memory_restart: env.PM2_MAX_MEMORY_RESTART ?? "1G",
    autorestart: true,
    // Exit code 2 is a configuration error (src/index.ts): restarting cannot
    // fix it. (With exp_backoff_restart_delay set, pm2 lists such a process as
    // "waiting restart", but it stays down; see `pm2 logs` for the reason.)
    stop_exit_codes: [2],
    // Back off instead of restarting in a tight loop while, say, Postgres is down.
    exp_backoff_restart_delay: 1000,
    min_uptime: "30s",
    max_restarts: 10,
    // One log file for all instances; pino lines carry their pid.
    merge_logs: true,
  },
];

export default { apps };
