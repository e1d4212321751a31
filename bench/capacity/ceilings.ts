import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { queryDatabase } from "../../test/helpers/postgres.js";
import { diffRedis, type RedisCounter } from "./redisCounter.js";

const run = promisify(execFile);

/**
 * What one Redis and this machine's PostgreSQL sustain, measured here rather
 * than quoted: redis-benchmark against the bench's own redis-server (50
 * clients, no pipelining: the servers send command by command), and pgbench
 * against a scratch table — single-row updates (one statement, one row,
 * one commit) and 100-row updates (a batched upsert's shape).
 */
export interface Ceilings {
  redisOpsPerSecond: Record<string, number>;
  /**
   * redis-server's whole CPU (/proc) per command under redis-benchmark's load,
   * in µs: a command's own time (about 0.5 µs) and the networking around it.
   * Charged per command, not scaled from a phase's commandstats time: a
   * command run a few times a second reads 10–80× its own time under load.
   */
  redisCpuPerCommandUs: number;
  pgSingleRowUpdatesPerSecond: number;
  pgBatchedRowsPerSecond: number;
  seconds: number;
}

export async function measureCeilings(
  redis: RedisCounter,
  databaseUrl: string,
  short: boolean,
): Promise<Ceilings> {
  const redisPort = redis.port;
  const before = await redis.snapshot();
  const n = short ? 20_000 : 200_000;
  const redisOpsPerSecond: Record<string, number> = {};
  const csv = async (args: string[]) =>
    (await run("redis-benchmark", ["-p", String(redisPort), "-c", "50", "-n", String(n), "--csv", ...args]))
      .stdout;
  for (const line of (await csv(["-t", "set,get,lpush,hset"])).split("\n")) {
    const m = /^"([A-Z_]+)[^"]*","([\d.]+)"/.exec(line);
    if (m) redisOpsPerSecond[m[1]!] = Number(m[2]);
  }
  // PUBLISH to a channel nobody listens to: the command's own cost, fan-out aside.
  const pub = /"([\d.]+)"/.exec(
    (await csv(["PUBLISH", "capacity:probe", "x".repeat(120)])).split("\n")[1] ?? "",
  );
  if (pub) redisOpsPerSecond.PUBLISH = Number(pub[1]);
  const used = diffRedis(before, await redis.snapshot());
  const redisCpuPerCommandUs = (used.cpuMs * 1000) / Math.max(1, used.commands);

  const seconds = short ? 2 : 8;
  await queryDatabase(
    databaseUrl,
    `CREATE TABLE capacity_probe (id int PRIMARY KEY, v bigint NOT NULL, doc jsonb NOT NULL);
     INSERT INTO capacity_probe SELECT g, 0, '{"x": 1, "y": 2, "hp": 100}'::jsonb FROM generate_series(1, 20000) g`,
  );
  const dir = mkdtempSync(join(tmpdir(), "capacity-pgbench-"));
  try {
    const single = join(dir, "single.sql");
    const batch = join(dir, "batch.sql");
    writeFileSync(
      single,
      "\\set id random(1, 20000)\nUPDATE capacity_probe SET v = v + 1, doc = doc || '{\"x\": 3}' WHERE id = :id;\n",
    );
    writeFileSync(
      batch,
      "\\set id random(1, 19900)\nUPDATE capacity_probe SET v = v + 1, doc = doc || '{\"x\": 3}' WHERE id BETWEEN :id AND :id + 99;\n",
    );
    const url = new URL(databaseUrl);
    const tps = async (file: string) => {
      const { stdout } = await run("pgbench", [
        "-n",
        "-h",
        url.hostname,
        "-p",
        url.port || "5432",
        "-U",
        url.username || "postgres",
        "-c",
        "4",
        "-j",
        "2",
        "-T",
        String(seconds),
        "-f",
        file,
        url.pathname.slice(1),
      ]);
      return Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? NaN);
    };
    const pgSingleRowUpdatesPerSecond = await tps(single);
    const pgBatchedRowsPerSecond = (await tps(batch)) * 100;
    return {
      redisOpsPerSecond,
      redisCpuPerCommandUs,
      pgSingleRowUpdatesPerSecond,
      pgBatchedRowsPerSecond,
      seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await queryDatabase(databaseUrl, "DROP TABLE capacity_probe");
  }
}
