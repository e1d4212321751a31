import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Phase } from "../../bench/capacity/phase.js";
import type { Load } from "../../bench/capacity/model.js";
import { figure } from "../helpers/figures.js";

const ROOT = resolve(import.meta.dirname, "../..");

const OPERATIONS = [
  "register",
  "login",
  "join",
  "team form",
  "chat say",
  "chat district",
  "chat organization",
  "chat global",
  "chat team",
  "whisper",
  "announce",
  "ledger grant",
  "trade",
  "travel",
  "leave",
];

/**
 * `npm run bench:capacity -- --short` end to end (docs/capacity.md's
 * measurements), so it cannot rot: it asserts only that the figures exist and
 * that the intended inputs arrived — every chat line and announcement heard
 * by whom it was for, trades done, travels arrived, and Redis and PostgreSQL
 * seeing the commands and rows those operations are made of. Never a timing.
 */
describe("capacity benchmark, short mode (bench/capacity.ts --short)", function () {
  // Several minutes on the shared 2-core machine (most of it argon2 for the accounts); the timeout catches a hang.
  this.timeout(600_000);

  it("measures every operation on Redis and PostgreSQL and extrapolates to 100,000 players", async function () {
    const dir = join(ROOT, "bench/results");
    mkdirSync(dir, { recursive: true });
    const out = join(dir, "capacity-short-test.json");
    const child = spawn(
      process.execPath,
      ["--experimental-websocket", "--import", "tsx", "bench/capacity.ts", "--short", "--out", out],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((res) => child.once("exit", res));
    assert.equal(code, 0, `bench exited with ${code}:\n${output}`);
    figure(this, `figures in ${relative(ROOT, out)}`);

    const r = JSON.parse(readFileSync(out, "utf8")) as {
      bots: number;
      sizes: { lines: number; announces: number };
      phases: Phase[];
      background: { idlePlayers: Phase; autosave: { batches: number; rowsPerBatch: number } };
      ceilings: { redisOpsPerSecond: Record<string, number>; pgSingleRowUpdatesPerSecond: number };
      model: { loads: Load[]; saturation: Record<string, number> };
    };
    const phase = (name: string) => {
      const p = r.phases.find((x) => x.name === name);
      assert.ok(p, `no phase ${name}`);
      return p;
    };
    for (const name of OPERATIONS) {
      const p = phase(name);
      assert.ok(p.ops > 0, `${name}: no operation done`);
      assert.ok(p.net, `${name}: no net cost`);
      for (const x of [p.raw.redis.commands, p.raw.redis.bytesOut, p.raw.pg.statements, p.raw.pg.ms]) {
        assert.ok(Number.isFinite(x), `${name}: a figure is missing`);
      }
    }

    // What the bots sent arrived where it was meant to.
    assert.equal(phase("join").arrived.joined, r.bots);
    for (const name of ["chat district", "chat organization", "chat global", "chat team", "whisper"]) {
      const { delivered, expected } = phase(name).arrived;
      assert.ok(expected! > 0 && delivered === expected, `${name}: ${delivered} of ${expected} heard`);
    }
    assert.ok(phase("chat say").arrived.delivered! >= phase("chat say").arrived.expected!);
    assert.equal(phase("announce").arrived.delivered, r.sizes.announces * r.bots);
    assert.equal(phase("trade").arrived.done, phase("trade").ops);
    assert.equal(phase("travel").arrived.arrived, phase("travel").ops);

    // …and reached Redis and PostgreSQL as the operations they are made of.
    const calls = (name: string, command: string) => phase(name).raw.redis.byCommand[command]?.calls ?? 0;
    assert.ok(calls("chat global", "publish") >= r.sizes.lines, "global chat lines published");
    assert.ok(calls("announce", "publish") >= r.sizes.announces, "announcements published");
    assert.ok(phase("ledger grant").raw.pg.writes >= phase("ledger grant").ops, "grants written");
    assert.ok(phase("trade").raw.pg.rowsWritten > 0, "trades written");
    assert.ok(phase("login").raw.pg.statements >= phase("login").ops, "logins read and written");
    assert.ok(
      r.background.autosave.batches > 0 && r.background.autosave.rowsPerBatch > 0,
      "autosave batches",
    );

    // The ceilings and the extrapolation exist.
    assert.ok(Object.values(r.ceilings.redisOpsPerSecond).every((x) => x > 0));
    assert.ok(r.ceilings.pgSingleRowUpdatesPerSecond > 0);
    assert.deepEqual(
      r.model.loads.map((l) => l.players),
      [1_000, 10_000, 100_000],
    );
    for (const l of r.model.loads) {
      assert.ok(l.processes >= 1 && l.perSecond.redisCommands > 0 && l.perSecond.pgRowsWritten > 0);
    }
    for (const key of ["redisCpu", "redisOps", "pgWrites", "pgRows", "pg"]) {
      assert.ok(r.model.saturation[key]! > 0, `saturation ${key}`);
    }
  });
});
