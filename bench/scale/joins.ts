/**
 * The join phase of one side of one scenario: what the bots connect to and
 * check, which of them decode, and the workers' joins at --join-rate (open
 * loop, spread over the workers), with progress each second.
 */
import { procSample } from "../lib/proc.js";
import type { BotSpec, Target } from "../lib/protocol.js";
import type { Scenario, Side } from "../lib/report.js";
import { progress } from "./console.js";
import { AOI, args, DECODERS, INPUT_RATE, JOIN_RATE, LAP_SECONDS } from "./options.js";
import type { BenchPlayer } from "./players.js";
import { probeCall, profileFile, type Running } from "./servers.js";
import type { Worker } from "./workers.js";

export interface Joins {
  /** Each joined bot's join latency, ms. */
  latencies: number[];
  failures: string[];
}

/** What the bots join and what a decoding bot checks its view against. */
function targetOf(kind: Side, running: Running): Target {
  return {
    kind,
    http: running.http,
    ws: running.ws,
    roomName: kind === "mxo" ? "district" : kind,
    expect:
      kind === "mxo"
        ? {
            everyone: false,
            maxDistance: AOI.radius * AOI.hysteresis + 5,
            maxVisible: AOI.maxVisible,
          }
        : { everyone: kind === "baseline" },
  };
}

/** One bot per spot; --decoders of them, evenly spaced, decode the state. */
function botSpecs(kind: Side, scenario: Scenario, spots: { x: number; y: number }[], players: BenchPlayer[]) {
  const decodeEvery = Math.max(1, Math.floor(scenario.clients / Math.max(1, DECODERS)));
  return spots.map((s, i): BotSpec => ({
    index: i,
    x: s.x,
    y: s.y,
    name: `bot${i}`,
    // The floor speaks only as much of the protocol as the raw bots need: nothing to decode.
    decode: kind !== "floor" && DECODERS > 0 && i % decodeEvery === 0 && i / decodeEvery < DECODERS,
    token: kind === "mxo" ? players[i]!.token : undefined,
    characterId: kind === "mxo" ? players[i]!.characterId : undefined,
  }));
}

export async function joinBots(
  tag: string,
  kind: Side,
  scenario: Scenario,
  running: Running,
  workers: Worker[],
  spots: { x: number; y: number }[],
  players: BenchPlayer[],
): Promise<Joins> {
  // The floor's probe times its send loop but cannot profile.
  const profiling = kind !== "floor";
  const target = targetOf(kind, running);
  const specs = botSpecs(kind, scenario, spots, players);
  const W = workers.length;
  const intervalMs = (W * 1000) / JOIN_RATE;
  for (const w of workers) w.progress = { joined: 0, failed: 0 };
  if (args["profile-joins"] && profiling) await probeCall(running, "/profile/start");
  const joining = workers.map((w) =>
    w.request(
      {
        type: "join",
        target,
        bots: specs.filter((_, i) => i % W === w.index),
        intervalMs,
        delayMs: (w.index * 1000) / JOIN_RATE,
        inputsPerSecond: INPUT_RATE,
        lapSeconds: LAP_SECONDS,
      },
      "joined",
    ),
  );
  const joinStart = performance.now();
  const ticker = setInterval(() => {
    const joined = workers.reduce((a, w) => a + w.progress.joined, 0);
    const failed = workers.reduce((a, w) => a + w.progress.failed, 0);
    const cpu = procSample(running.server.pid);
    progress(
      `${tag}: joining ${joined}/${scenario.clients}${failed ? ` (${failed} failed)` : ""}, ${((performance.now() - joinStart) / 1000).toFixed(0)} s, RSS ${(cpu.rssBytes / 2 ** 20).toFixed(0)} MB`,
    );
  }, 1000);
  const joined = await Promise.all(joining);
  if (args["profile-joins"] && profiling) {
    await probeCall(
      running,
      `/profile/stop?file=${encodeURIComponent(profileFile(kind, scenario, "joins"))}`,
    );
  }
  clearInterval(ticker);
  return { latencies: joined.flatMap((j) => j.latenciesMs), failures: joined.flatMap((j) => j.failures) };
}
