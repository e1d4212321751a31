import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { lookup } from "node:dns/promises";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { http, joinDistrict, newPlayer, waitFor } from "../helpers/api.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { useRedisDatabase } from "../helpers/redis.js";
import { freePort, tempDataDir } from "../helpers/serverProcess.js";

/**
 * The pm2 deployment path end to end: the compiled server (dist/), started by
 * the repository's own pm2 from ecosystem.config.js as two fork-mode instances
 * on consecutive ports, sharing Postgres and Redis. pm2 runs with a PM2_HOME of
 * its own, so the machine's pm2 daemon (if any) is never touched.
 */

const ROOT = resolve(import.meta.dirname, "../..");
/** The repository's pm2 (devDependency), run on this very Node. */
const PM2_BIN = join(ROOT, "node_modules/.bin/pm2");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

interface Pm2Process {
  pid: number;
  name: string;
  pm_id: number;
  pm2_env: {
    status: string;
    restart_time?: number;
    exit_code?: number;
    pm_out_log_path?: string;
    pm_err_log_path?: string;
  };
}

function run(file: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`${[file, ...args].join(" ")} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolveRun(stdout);
      },
    );
  });
}

/** Whether a plain (non-SO_REUSEPORT) listener can take `port` on `host` right now. */
function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolveProbe) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolveProbe(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolveProbe(true)));
  });
}

/** A port p such that p and p + 1 are both free on `host`. */
async function twoFreePorts(host: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    if (base + 1 > 65535) continue;
    if ((await canListen(base, host)) && (await canListen(base + 1, host))) return base;
  }
  throw new Error("no two consecutive free ports found");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("under pm2 (ecosystem.config.js, two instances, Redis + Postgres)", function () {
  this.timeout(120_000);

  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let redis: Awaited<ReturnType<typeof useRedisDatabase>> | undefined;
  let data: ReturnType<typeof tempDataDir> | undefined;
  let pm2Home: string | undefined;
  let pm2Env: NodeJS.ProcessEnv = {};
  let pm2Started = false;
  let basePort = 0;
  /** The host part of each instance's publicAddress (what resolvePublicAddress computes). */
  let advertisedHost = "";
  let instancePids: number[] = [];
  const rooms: Room<any>[] = [];
  const leaveCodes = new Map<Room<any>, number>();

  const urls = (n: 0 | 1) => ({
    http: `http://127.0.0.1:${basePort + n}`,
    ws: `ws://127.0.0.1:${basePort + n}`,
  });

  const pm2 = (...args: string[]) => run(process.execPath, [PM2_BIN, ...args], pm2Env);

  async function jlist(): Promise<Pm2Process[]> {
    const out = await pm2("jlist");
    // jlist prints one JSON array; skip anything pm2 may print before it.
    const start = out.indexOf("[");
    if (start < 0) throw new Error(`pm2 jlist printed no JSON:\n${out}`);
    return (JSON.parse(out.slice(start)) as Pm2Process[]).filter((p) => p.name === "mxo-server");
  }

  /** Everything the instances wrote, from the log files pm2 keeps under PM2_HOME/logs. */
  async function instanceLogs(): Promise<string> {
    const paths = new Set<string>();
    try {
      for (const p of await jlist()) {
        if (p.pm2_env.pm_out_log_path) paths.add(p.pm2_env.pm_out_log_path);
        if (p.pm2_env.pm_err_log_path) paths.add(p.pm2_env.pm_err_log_path);
      }
    } catch {
      // fall back to the default locations below
    }
    if (pm2Home) {
      paths.add(join(pm2Home, "logs", "mxo-server-out.log"));
      paths.add(join(pm2Home, "logs", "mxo-server-error.log"));
    }
    return [...paths]
      .filter((p) => existsSync(p))
      .map((p) => readFileSync(p, "utf8"))
      .join("\n");
  }

  async function healthy(n: 0 | 1): Promise<boolean> {
    try {
      const health = await http(urls(n).http, "GET", "/health");
      const ready = await http(urls(n).http, "GET", "/ready");
      return health.status === 200 && ready.status === 200;
    } catch {
      return false;
    }
  }

  before(async function () {
    // Always compile: pm2 runs dist/src/index.js, which must match the sources under test.
    await run(process.execPath, [TSC, "-p", "tsconfig.build.json"], process.env, 90_000);

    db = await createTestDatabase();
    redis = await useRedisDatabase();
    data = tempDataDir();
    pm2Home = mkdtempSync(join(tmpdir(), "mxo-pm2-home-"));

    // With REDIS_URL set and HOST unset (0.0.0.0), each instance advertises
    // `${os.hostname()}:${port}` (src/framework/config/config.ts resolvePublicAddress), and
    // clients seated on another process connect there. Keep that default when
    // the hostname resolves here; otherwise bind and advertise 127.0.0.1.
    const hostResolves = await lookup(hostname()).then(
      () => true,
      () => false,
    );
    advertisedHost = hostResolves ? hostname() : "127.0.0.1";
    basePort = await twoFreePorts(hostResolves ? "0.0.0.0" : "127.0.0.1");

    const env: NodeJS.ProcessEnv = { ...process.env };
    // Nothing from the caller's environment may pin an address or the mode:
    // ecosystem.config.js defaults NODE_ENV to production, as deployed.
    for (const name of ["PUBLIC_ADDRESS", "HOST", "NODE_ENV", "PM2_INSTANCES"]) delete env[name];
    pm2Env = {
      ...env,
      PM2_HOME: pm2Home,
      PORT: String(basePort),
      PM2_INSTANCES: "2",
      REDIS_URL: redis.url,
      DATABASE_URL: db.url,
      JWT_SECRET: "pm2-test-secret-0123456789abcdefghijklmnop",
      TOTP_ENCRYPTION_KEY: "pm2-test-totp-key-0123456789abcdefghijklmn",
      DATA_DIR: data.dir,
      LOG_LEVEL: "info",
      AUTH_RATE_LIMIT_PER_MINUTE: "10000",
      HTTP_RATE_LIMIT_PER_MINUTE: "10000",
      ...(hostResolves ? {} : { HOST: "127.0.0.1" }),
    };

    pm2Started = true;
    await pm2("start", "ecosystem.config.js");
    try {
      await waitFor(
        async () => {
          if ((await healthy(0)) && (await healthy(1))) return true;
          // Fail fast when an instance exited or crashed: exit code 2 (a
          // configuration error) is in stop_exit_codes, so pm2 does not restart
          // it, though it may list it as "waiting restart".
          const down = (await jlist()).filter(
            (p) => !["online", "launching"].includes(p.pm2_env.status) || (p.pm2_env.restart_time ?? 0) > 0,
          );
          if (down.length) {
            throw new Error(
              `instance(s) down: ${down.map((p) => `${p.pm_id} ${p.pm2_env.status} ↺${p.pm2_env.restart_time}`).join(", ")}`,
            );
          }
          return false;
        },
        {
          timeoutMs: 40_000,
          intervalMs: 250,
          what: `ports ${basePort} and ${basePort + 1} healthy and ready`,
        },
      );
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n--- instance logs ---\n${(await instanceLogs()).slice(-4000)}`,
        { cause: err },
      );
    }
  });

  after(async function () {
    this.timeout(60_000);
    for (const room of rooms) {
      if (room.connection?.isOpen) void room.leave(true).catch(() => {});
    }
    if (pm2Started && pm2Home) {
      const daemonPidFile = join(pm2Home, "pm2.pid");
      const daemonPid = existsSync(daemonPidFile) ? Number(readFileSync(daemonPidFile, "utf8")) : undefined;
      try {
        await pm2("kill");
      } catch (err) {
        console.warn(`pm2 kill failed: ${(err as Error).message}`);
      }
      // Only processes this test started: the isolated daemon and its two
      // instances. `pm2 kill` can return just before the daemon has exited.
      const started = [daemonPid, ...instancePids].filter((pid): pid is number => Boolean(pid));
      await waitFor(() => started.every((pid) => !isAlive(pid)), {
        timeoutMs: 5000,
        intervalMs: 100,
      }).catch(() => {
        for (const pid of started.filter(isAlive)) {
          console.warn(`killing leftover process ${pid}`);
          process.kill(pid, "SIGKILL");
        }
      });
    }
    await db?.drop();
    await redis?.flush();
    data?.remove();
    if (pm2Home) rmSync(pm2Home, { recursive: true, force: true });
  });

  it("runs two instances on consecutive ports", async () => {
    const procs = await jlist();
    assert.equal(procs.length, 2, "two mxo-server processes");
    assert.deepEqual(
      procs.map((p) => p.pm2_env.status),
      ["online", "online"],
    );
    instancePids = procs.map((p) => p.pid);
    assert.ok(instancePids.every((pid) => pid > 0 && isAlive(pid)));
    assert.equal(new Set(instancePids).size, 2, "distinct pids");
    assert.ok(await healthy(0), `port ${basePort} healthy`);
    assert.ok(await healthy(1), `port ${basePort + 1} healthy`);

    // Each listened on its own port (increment_var: PORT).
    const logs = await instanceLogs();
    const listening = logs
      .split("\n")
      .filter((l) => l.includes('"mxo-server listening"'))
      .map((l) => JSON.parse(l.slice(l.indexOf("{"))) as { pid: number; port: number; redis: boolean });
    assert.deepEqual(listening.map((l) => l.port).sort(), [basePort, basePort + 1]);
    assert.deepEqual(new Set(listening.map((l) => l.pid)), new Set(instancePids));
    assert.ok(listening.every((l) => l.redis));
  });

  it("the two instances share rooms through Redis", async () => {
    const a = await joinDistrict(urls(0).ws, await newPlayer(urls(0).http), "richland");
    rooms.push(a.room);
    a.room.onLeave((code: number) => leaveCodes.set(a.room, code));
    const b = await joinDistrict(urls(1).ws, await newPlayer(urls(1).http), "richland");
    rooms.push(b.room);
    b.room.onLeave((code: number) => leaveCodes.set(b.room, code));

    assert.equal(a.room.roomId, b.room.roomId, "one richland room for both instances");
    await waitFor(() => a.room.state?.players?.get(b.room.sessionId), { what: "A sees B" });
    await waitFor(() => b.room.state?.players?.get(a.room.sessionId), { what: "B sees A" });

    // The room lives on one process, which advertised itself in the Redis room
    // cache; whichever it is, one of the two players was seated there by the
    // other process's matchmaker and connected to that address.
    const client = new Redis(redis!.url, { maxRetriesPerRequest: 1 });
    try {
      const cached = await client.hget("roomcaches", a.room.roomId);
      assert.ok(cached, "room cached in Redis");
      const { publicAddress } = JSON.parse(cached) as { publicAddress?: string };
      assert.ok(
        [`${advertisedHost}:${basePort}`, `${advertisedHost}:${basePort + 1}`].includes(
          String(publicAddress),
        ),
        `publicAddress ${publicAddress} is one of the instances`,
      );
    } finally {
      client.disconnect();
    }
  });

  it("pm2 stop drains and exits cleanly", async () => {
    assert.equal(rooms.length, 2, "needs the players joined by the previous test");
    await pm2("stop", "mxo-server");

    await waitFor(() => leaveCodes.size === 2, { timeoutMs: 35_000, what: "both clients closed" });
    assert.deepEqual([...leaveCodes.values()], [4120, 4120]);

    const procs = await jlist();
    assert.deepEqual(
      procs.map((p) => p.pm2_env.status),
      ["stopped", "stopped"],
    );
    assert.ok(
      procs.every((p) => p.pm2_env.exit_code === undefined || p.pm2_env.exit_code === 0),
      `exit codes ${JSON.stringify(procs.map((p) => p.pm2_env.exit_code))}`,
    );
    await waitFor(() => instancePids.every((pid) => !isAlive(pid)), { what: "instance processes gone" });
    assert.equal(await healthy(0), false);
    assert.equal(await healthy(1), false);

    // Both processes finished draining (one merged log file; lines carry their pid).
    const completed = await waitFor(
      async () => {
        const pids = new Set(
          (await instanceLogs())
            .split("\n")
            .filter((l) => l.includes('"shutdown complete"'))
            .map((l) => (JSON.parse(l.slice(l.indexOf("{"))) as { pid: number }).pid),
        );
        return instancePids.every((pid) => pids.has(pid)) && pids;
      },
      { timeoutMs: 5000, what: '"shutdown complete" from both instances' },
    );
    assert.equal(completed.size, 2);
  });
});
