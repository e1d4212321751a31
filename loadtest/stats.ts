/**
 * What a load test counts, and when its phases begin and end. The ramp (every
 * bot started one after another, each paying for its password hashes on the
 * server) is timed apart from the run that follows it, so `--duration 60` is
 * 60 s with every bot in play, however long 100 bots took to join.
 */
import type { LoadtestOptions } from "./options.js";

export const counters = {
  /** Joins that succeeded (a bot started again by --reestablishAllDelay counts again; reconnections and travels do not). */
  joined: 0,
  /** Bots whose set-up or join threw. */
  failed: 0,
  active: 0,
  /** Bots whose own player was seen to move. */
  moved: 0,
  left: 0,
  drops: 0,
  reconnects: 0,
  inputs: 0,
  /** Every message a bot sent (`chat`, `ability`, `travel`); inputs are counted apart. */
  messagesSent: 0,
  /** Every message a bot received, of any type. */
  messagesReceived: 0,
  chatsSent: 0,
  chatsReceived: 0,
  shots: 0,
  combatRefused: 0,
  kills: 0,
  travels: 0,
  travelsFailed: 0,
  /** `error` messages other than expected combat refusals, and room errors. */
  serverErrors: 0,
  /** Largest `seq − ack` (inputs sent but not yet applied) since the last progress line, and over the run. */
  maxInputLag: 0,
  maxInputLagOverall: 0,
};

/** Up to this many error lines are kept for the summary. */
const ERROR_SAMPLES = 10;
const errorSamples: string[] = [];
let errorCount = 0;

export function recordError(text: string): void {
  errorCount++;
  if (errorSamples.length < ERROR_SAMPLES) errorSamples.push(text);
}

export function noteInputLag(lag: number): void {
  counters.maxInputLag = Math.max(counters.maxInputLag, lag);
  counters.maxInputLagOverall = Math.max(counters.maxInputLagOverall, lag);
}

/** Milliseconds since the epoch at each phase's start (undefined until it starts). */
export const clock = {
  started: Date.now(),
  rampEnded: undefined as number | undefined,
  finished: undefined as number | undefined,
};

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** One line for a human watching the run (plain text). */
export function progressLine(options: LoadtestOptions): string {
  const now = Date.now();
  const c = counters;
  const line =
    `active ${c.active} moved ${c.moved} left ${c.left} drops ${c.drops} reconnects ${c.reconnects} ` +
    `inputs ${c.inputs} sent ${c.messagesSent} received ${c.messagesReceived} ` +
    `chat ${c.chatsSent}/${c.chatsReceived} shots ${c.shots} refused ${c.combatRefused} kills ${c.kills} ` +
    `travels ${c.travels} (failed ${c.travelsFailed}) errors ${errorCount} max input lag ${c.maxInputLag}`;
  c.maxInputLag = 0;
  if (clock.rampEnded === undefined) {
    return (
      `[ramp ${seconds(now - clock.started)} s] joined ${c.joined} failed ${c.failed} of ` +
      `${options.numClients}; ${line}`
    );
  }
  const of = options.durationSeconds > 0 ? ` of ${options.durationSeconds}` : "";
  return `[run ${seconds(now - clock.rampEnded)}${of} s] ${line}`;
}

export interface Summary {
  endpoint: string;
  room: string;
  districts: string[];
  bots: {
    requested: number;
    joined: number;
    failed: number;
    /** In play when the run ended (before leaving). */
    active: number;
    moved: number;
    left: number;
  };
  /** From the first bot's start to the last one's join (or failure). */
  rampSeconds: number;
  /** From the end of the ramp to the end of the run: what `--duration` asks for. */
  durationSeconds: number;
  /** The whole run, ramp included. */
  elapsedSeconds: number;
  inputs: number;
  messages: { sent: number; received: number };
  chat: { sent: number; received: number };
  combat: { shots: number; refused: number; kills: number };
  travels: { done: number; failed: number };
  connection: { drops: number; reconnects: number };
  maxInputLag: number;
  /** Failed bots, unexpected `error` messages, room errors and failed travels. */
  errors: number;
  errorSamples: string[];
}

export function summary(options: LoadtestOptions, activeAtEnd: number): Summary {
  const end = clock.finished ?? Date.now();
  const rampEnd = clock.rampEnded ?? end;
  const c = counters;
  return {
    endpoint: options.endpoint,
    room: options.room,
    districts: options.districts,
    bots: {
      requested: options.numClients,
      joined: c.joined,
      failed: c.failed,
      active: activeAtEnd,
      moved: c.moved,
      left: c.left,
    },
    rampSeconds: seconds(rampEnd - clock.started),
    durationSeconds: seconds(end - rampEnd),
    elapsedSeconds: seconds(end - clock.started),
    inputs: c.inputs,
    messages: { sent: c.messagesSent, received: c.messagesReceived },
    chat: { sent: c.chatsSent, received: c.chatsReceived },
    combat: { shots: c.shots, refused: c.combatRefused, kills: c.kills },
    travels: { done: c.travels, failed: c.travelsFailed },
    connection: { drops: c.drops, reconnects: c.reconnects },
    maxInputLag: c.maxInputLagOverall,
    errors: errorCount,
    errorSamples: [...errorSamples],
  };
}
