import type { ReceivedSpan } from "../../test/helpers/otlpReceiver.js";
import { percentile } from "./stats.js";

/** The matchmaking request's server span: the seat reservation (and the session and character checks). */
export const MATCHMAKE_SPAN = "POST /matchmake/joinOrCreate/:roomName";

/**
 * Where a join's time goes, from the server's own spans (mxo run with
 * OTEL_EXPORTER_OTLP_ENDPOINT at the bench's receiver). Each phase is a slice
 * of one join's trace, in order, so the phases of a join add up to its total:
 *
 * - matchmake: the HTTP request that reserves the seat (authorization inside);
 * - reach onJoin: from the reservation's answer until the room starts seating
 *   the client (the client opens its WebSocket; the server's loop gets to it);
 * - admission: waiting in the join queue (JOIN_ADMIT_PER_TICK per tick);
 * - lease, load: custody (Redis or in-process lease; the database claim and read);
 * - enter: into the world, the join's first messages;
 * - first state: until the whole state has been sent to the client.
 */
export const PHASES = [
  "matchmake",
  "reach onJoin",
  "admission",
  "lease",
  "load",
  "enter",
  "first state",
] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseFigures {
  phase: Phase | "total";
  p50: number;
  p99: number;
  mean: number;
}

export interface JoinPhases {
  /** Joins whose whole trace arrived (request through first state). */
  joins: number;
  phases: PhaseFigures[];
}

/** One join's phases in milliseconds, or undefined if its trace is incomplete. */
export function phasesOf(trace: ReceivedSpan[]): Record<Phase | "total", number> | undefined {
  const by = (name: string) => trace.find((s) => s.name === name);
  const request = by(MATCHMAKE_SPAN);
  const join = by("zone.join");
  const admission = by("zone.admission");
  const lease = by("character.lease");
  const load = by("character.load");
  const first = by("zone.first_state");
  if (!request || !join || !admission || !lease || !load || !first) return undefined;
  return {
    matchmake: request.endMs - request.startMs,
    "reach onJoin": join.startMs - request.endMs,
    admission: admission.endMs - join.startMs,
    lease: lease.endMs - admission.endMs,
    load: load.endMs - lease.endMs,
    enter: join.endMs - load.endMs,
    "first state": first.endMs - join.endMs,
    total: first.endMs - request.startMs,
  };
}

/** The phases' p50/p99/mean over every complete join trace among `spans`. */
export function joinPhases(spans: readonly ReceivedSpan[]): JoinPhases {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const s of spans) {
    const list = traces.get(s.traceId);
    if (list) list.push(s);
    else traces.set(s.traceId, [s]);
  }
  const joins = [...traces.values()].map(phasesOf).filter((p) => p !== undefined);
  const figures = (phase: Phase | "total"): PhaseFigures => {
    const values = joins.map((j) => j[phase]).sort((a, b) => a - b);
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    return { phase, p50: percentile(values, 50), p99: percentile(values, 99), mean };
  };
  return { joins: joins.length, phases: [...PHASES, "total" as const].map(figures) };
}

/** The breakdown as printed lines. */
export function formatJoinPhases(label: string, jp: JoinPhases): string {
  const lines = [`${label}: where a join's time goes (server spans, ${jp.joins} joins, ms)`];
  lines.push(`  ${"phase".padEnd(14)}${"p50".padStart(9)}${"p99".padStart(9)}${"mean".padStart(9)}`);
  for (const f of jp.phases) {
    // Rounded first: a phase of -0.04 ms (span clocks) prints 0.0, not -0.0.
    const ms = (v: number) =>
      (Number.isFinite(v) ? (Math.round(v * 10) / 10 || 0).toFixed(1) : "-").padStart(9);
    lines.push(`  ${f.phase.padEnd(14)}${ms(f.p50)}${ms(f.p99)}${ms(f.mean)}`);
  }
  return lines.join("\n");
}
