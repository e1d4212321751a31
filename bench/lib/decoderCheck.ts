/** What a decoding bot checks its view against (the target's promise), sampled during the window. */
import type { Bot } from "./bot.js";
import type { DecoderReport, Target } from "./protocol.js";

export function emptyReport(): DecoderReport {
  return {
    samples: 0,
    ownMissing: 0,
    visibleMin: Infinity,
    visibleMax: 0,
    visibleMean: 0,
    notEveryone: 0,
    outOfRange: 0,
    overCap: 0,
    ackAdvance: 0,
    moved: 0,
    maxDriftFromSpawn: 0,
  };
}

/** Checks one decoding bot's view against what the target promises. */
export function sampleDecoder(bot: Bot, connected: number, expect: Target["expect"]): void {
  const d = bot.decoder!;
  const state = d.room.state as any;
  const r = d.report;
  const me = state?.players?.get(d.room.sessionId);
  r.samples++;
  if (!me) {
    r.ownMissing++;
    return;
  }
  const others = state.players.size - 1;
  r.visibleMin = Math.min(r.visibleMin, others);
  r.visibleMax = Math.max(r.visibleMax, others);
  r.visibleMean += (others - r.visibleMean) / r.samples;
  if (expect.everyone && Math.abs(state.players.size - connected) > Math.max(2, connected * 0.02)) {
    r.notEveryone++;
  }
  if (expect.maxDistance !== undefined) {
    const max2 = expect.maxDistance ** 2;
    state.players.forEach((p: any, id: string) => {
      if (id !== d.room.sessionId && (p.x - me.x) ** 2 + (p.y - me.y) ** 2 > max2) r.outOfRange++;
    });
  }
  if (expect.maxVisible !== undefined && others > expect.maxVisible) r.overCap++;
  d.ackStart ??= me.ack as number;
  r.ackAdvance = me.ack - d.ackStart;
  if (d.last) r.moved += Math.hypot(me.x - d.last.x, me.y - d.last.y);
  d.last = { x: me.x, y: me.y, ack: me.ack };
  r.maxDriftFromSpawn = Math.max(r.maxDriftFromSpawn, Math.hypot(me.x - bot.spec.x, me.y - bot.spec.y));
}
