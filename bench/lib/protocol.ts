/** Messages between bench/scale.ts and its bot worker processes (bench/lib/botWorker.ts). */

export interface Target {
  kind: "baseline" | "mxo" | "floor";
  http: string;
  ws: string;
  roomName: string;
  /** What a decoding bot checks its view against. */
  expect: {
    /** Baseline: every client receives every player. */
    everyone: boolean;
    /** mxo: nobody beyond this distance (the leave radius plus a step of slack) is in a view. */
    maxDistance?: number;
    /** mxo: at most this many other players in a view. */
    maxVisible?: number;
  };
}

export interface BotSpec {
  index: number;
  x: number;
  y: number;
  name: string;
  /** Decode the state with the SDK (a few per run) or only count bytes (most). */
  decode: boolean;
  /** mxo only. */
  token?: string;
  characterId?: string;
}

export interface JoinCommand {
  type: "join";
  target: Target;
  bots: BotSpec[];
  /** Start a join every this many ms (open loop: joins may overlap). */
  intervalMs: number;
  /** Before the first join. */
  delayMs: number;
  inputsPerSecond: number;
  /** Seconds per lap of each bot's circle. */
  lapSeconds: number;
}

export type ToWorker =
  | JoinCommand
  /** `clients`: bots connected over all workers, what a baseline view must hold. */
  | { type: "measure-start"; clients: number }
  | { type: "measure-stop" }
  | { type: "leave" };

export interface DecoderReport {
  samples: number;
  /** Samples where the bot's own player was missing from its state. */
  ownMissing: number;
  visibleMin: number;
  visibleMax: number;
  visibleMean: number;
  /** Samples where the baseline view was not "everyone connected" (allowing for joins/leaves in flight). */
  notEveryone: number;
  /** mxo: others seen beyond `maxDistance`, summed over samples. */
  outOfRange: number;
  /** mxo: samples with more than `maxVisible` others. */
  overCap: number;
  /** Its replicated `ack` advanced by this much over the window. */
  ackAdvance: number;
  /** Distance its replicated position moved over the window (path length between samples). */
  moved: number;
  /** Farthest its replicated position was from where it joined. */
  maxDriftFromSpawn: number;
}

export interface WorkerMeasure {
  seconds: number;
  /** Bots connected when the window closed. */
  bots: number;
  bytes: number;
  /** WebSocket messages received: the server's socket writes to these bots. */
  frames: number;
  patchFrames: number;
  /** Bytes of the ROOM_STATE_PATCH messages alone (their mean size is what the floor sends). */
  patchBytes: number;
  inputsSent: number;
  /** Sum over bots of how far the server's consumed-input ack (TIMED frame prefix) advanced. */
  acked: number;
  /** Bots whose ack was seen at both ends of the window (the denominator for `acked`). */
  ackedBots: number;
  closedUnexpectedly: number;
  errors: string[];
  decoders: DecoderReport[];
  /** This worker's own event-loop delay p99: a saturated load generator shows here. */
  loopDelayP99Ms: number;
}

export type FromWorker =
  | { type: "joined"; latenciesMs: number[]; failures: string[] }
  | { type: "progress"; joined: number; failed: number }
  | { type: "measure-started" }
  | { type: "measured"; result: WorkerMeasure }
  | { type: "left" }
  | { type: "fatal"; message: string };
