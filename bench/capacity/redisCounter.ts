import { Redis } from "ioredis";
import { procSample } from "../lib/proc.js";
import { killRedisServer, spawnRedisServer } from "../../test/helpers/redisServer.js";
import { freePort } from "../../test/helpers/serverProcess.js";

/**
 * A redis-server of the bench's own, so every command it counts is the
 * servers': `INFO stats commandstats` before and after a phase gives calls and
 * Redis CPU (usec) per command, bytes in and out (out includes every pub/sub
 * message delivered to a subscriber, i.e. the fan-out), and /proc gives the
 * redis-server process's whole CPU (networking included, which usec is not).
 */
export interface RedisFigures {
  commands: number;
  /** Redis's own time in the commands (commandstats usec): precise, but without networking. */
  usec: number;
  bytesIn: number;
  bytesOut: number;
  /** redis-server's user+system CPU, milliseconds. */
  cpuMs: number;
  byCommand: Record<string, { calls: number; usec: number }>;
}

export interface RedisCounter {
  url: string;
  port: number;
  snapshot(): Promise<RedisFigures>;
  stop(): Promise<void>;
}

export async function startRedisCounter(): Promise<RedisCounter> {
  const port = await freePort();
  const proc = await spawnRedisServer(port, 30_000);
  const url = `redis://127.0.0.1:${port}`;
  const meter = new Redis(url, { maxRetriesPerRequest: 1 });
  meter.on("error", () => {});
  let lastReplyBytes = 0;
  return {
    url,
    port,
    async snapshot() {
      const text = String(await meter.call("INFO", "stats", "commandstats"));
      const cpuMs = procSample(proc.pid!).cpuSeconds * 1000;
      const stat = (name: string) =>
        Number(/^(\w+):(\d+)/m.exec(text.slice(text.indexOf(`${name}:`)))?.[2] ?? 0);
      const byCommand: RedisFigures["byCommand"] = {};
      for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
        byCommand[m[1]!] = { calls: Number(m[2]), usec: Number(m[3]) };
      }
      // The meter's own INFO: its calls and, in the bytes out, the previous reply.
      const info = byCommand.info;
      if (info) info.calls = 0;
      const figures: RedisFigures = {
        commands: Object.values(byCommand).reduce((n, c) => n + c.calls, 0),
        usec: Object.entries(byCommand).reduce((n, [k, c]) => (k === "info" ? n : n + c.usec), 0),
        bytesIn: stat("total_net_input_bytes"),
        bytesOut: stat("total_net_output_bytes") - lastReplyBytes,
        cpuMs,
        byCommand,
      };
      lastReplyBytes += Buffer.byteLength(text) + 16;
      return figures;
    },
    async stop() {
      meter.disconnect();
      await killRedisServer(proc);
    },
  };
}

export function diffRedis(a: RedisFigures, b: RedisFigures): RedisFigures {
  const byCommand: RedisFigures["byCommand"] = {};
  for (const [k, v] of Object.entries(b.byCommand)) {
    const o = a.byCommand[k] ?? { calls: 0, usec: 0 };
    if (v.calls > o.calls) byCommand[k] = { calls: v.calls - o.calls, usec: v.usec - o.usec };
  }
  return {
    commands: b.commands - a.commands,
    usec: b.usec - a.usec,
    // Each snapshot's INFO request (about 40 bytes) is in the bytes in.
    bytesIn: b.bytesIn - a.bytesIn - 40,
    bytesOut: b.bytesOut - a.bytesOut,
    cpuMs: b.cpuMs - a.cpuMs,
    byCommand,
  };
}
