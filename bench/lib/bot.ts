/**
 * One bot of a bot worker (./botWorker.ts): what it counts, how it sends an
 * input and leaves (set by its join, ./botJoin.ts), and for a decoding bot
 * its view's report (./decoderCheck.ts). Also the Colyseus protocol codes the
 * raw bots read.
 */
import type { Room } from "@colyseus/sdk";
import type { BotSpec, DecoderReport } from "./protocol.js";

export const JOIN_ROOM = 10;
export const ERROR = 11;
export const ROOM_STATE = 14;
export const ROOM_STATE_PATCH = 15;
export const ROOM_INPUT_RELIABLE = 19;
export const CODE_MASK = 0x1f;
export const TIMED = 0x80;

/** An input as the SDK sends it on the wire: ROOM_INPUT_RELIABLE, then the input encoder's delta. */
export function inputFrame(delta: Uint8Array): Uint8Array {
  const frame = new Uint8Array(1 + delta.length);
  frame[0] = ROOM_INPUT_RELIABLE;
  frame.set(delta, 1);
  return frame;
}

export interface Bot {
  spec: BotSpec;
  bytes: number;
  frames: number;
  patchFrames: number;
  patchBytes: number;
  inputsSent: number;
  /** Last consumed-input seq the server reported (TIMED prefix), -1 before any. */
  ack: number;
  ackAtStart: number;
  seq: number;
  phase: number;
  leaving: boolean;
  closed: boolean;
  sendInput(moveX: number, moveY: number): void;
  close(): void;
  decoder?: Decoder;
}

export interface Decoder {
  room: Room<any>;
  report: DecoderReport;
  last?: { x: number; y: number; ack: number };
  ackStart?: number;
}

/** A state frame's TIMED prefix: its second word is the last input seq the server consumed from this client. */
export function readAck(bot: Bot, data: Uint8Array): void {
  const code = data[0]! & CODE_MASK;
  if ((data[0]! & TIMED) !== 0 && (code === ROOM_STATE || code === ROOM_STATE_PATCH) && data.length >= 9) {
    bot.ack = (data[5]! | (data[6]! << 8) | (data[7]! << 16) | (data[8]! << 24)) >>> 0;
  }
}

export function newBot(spec: BotSpec): Bot {
  return {
    spec,
    bytes: 0,
    frames: 0,
    patchFrames: 0,
    patchBytes: 0,
    inputsSent: 0,
    ack: -1,
    ackAtStart: -1,
    seq: 0,
    phase: ((spec.index * 2654435761) % 1000) * ((2 * Math.PI) / 1000),
    leaving: false,
    closed: false,
    sendInput: () => {},
    close: () => {},
  };
}
