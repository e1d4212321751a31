/**
 * A bot's join, either way: raw (a seat reserved over HTTP, then a bare
 * WebSocket that counts frames and reads only the TIMED prefix) or decoding
 * (the full SDK). Each sets the bot's sendInput and close, and resolves with
 * the join latency; what goes wrong after the join goes to `noteError`.
 */
import { Client } from "@colyseus/sdk";
import { InputEncoder } from "@colyseus/schema/input";
import { MoveInput } from "../../schema/MoveInput.js";
import {
  CODE_MASK,
  ERROR,
  JOIN_ROOM,
  readAck,
  inputFrame,
  ROOM_STATE,
  ROOM_STATE_PATCH,
  type Bot,
} from "./bot.js";
import { emptyReport } from "./decoderCheck.js";
import type { JoinCommand } from "./protocol.js";
import { RawWs } from "./rawWs.js";

const JOIN_TIMEOUT_MS = 30_000;

/** Seat reservation over HTTP, then a raw WebSocket; resolves with the join latency (until the full state arrived). */
export async function joinRaw(cmd: JoinCommand, bot: Bot, noteError: (msg: string) => void): Promise<number> {
  const { target } = cmd;
  const spec = bot.spec;
  const t0 = performance.now();
  const options =
    target.kind === "mxo"
      ? { district: "richland", characterId: spec.characterId }
      : { x: spec.x, y: spec.y, name: spec.name };
  const res = await fetch(`${target.http}/matchmake/joinOrCreate/${target.roomName}`, {
    method: "POST",
    headers: {
      accept: "application/json",
      "content-type": "application/json",
      ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
    },
    body: JSON.stringify(options),
  });
  const body = (await res.json()) as {
    roomId?: string;
    sessionId?: string;
    processId?: string;
    publicAddress?: string;
    error?: string;
    code?: number;
  };
  if (!res.ok || !body.roomId || !body.sessionId) {
    throw new Error(`matchmake ${res.status}: ${body.error ?? JSON.stringify(body)}`);
  }
  const base = body.publicAddress ? `ws://${body.publicAddress}` : target.ws;
  let url = `${base}/${body.processId}/${body.roomId}?sessionId=${body.sessionId}`;
  if (spec.token) url += `&_authToken=${spec.token}`;
  const encoder = new InputEncoder(new MoveInput());
  const input = encoder.instance;
  return new Promise<number>((resolve, reject) => {
    let joined = false;
    const ws: RawWs = new RawWs(
      url,
      {
        message(length, prefix) {
          bot.bytes += length;
          bot.frames++;
          const code = prefix[0]! & CODE_MASK;
          if (code === ROOM_STATE_PATCH) {
            bot.patchFrames++;
            bot.patchBytes += length;
          }
          readAck(bot, prefix);
          if (code === JOIN_ROOM) {
            ws.send(Uint8Array.of(JOIN_ROOM));
          } else if (code === ROOM_STATE && !joined) {
            joined = true;
            clearTimeout(timer);
            resolve(performance.now() - t0);
          } else if (code === ERROR) {
            noteError(`bot ${spec.index}: server error frame (${length} bytes)`);
          }
        },
        close(code, reason) {
          bot.closed = true;
          if (!joined) {
            clearTimeout(timer);
            reject(new Error(`closed (${code ?? "no code"}: ${reason}) before joining`));
          } else if (!bot.leaving) noteError(`bot ${spec.index}: closed with ${code}: ${reason}`);
        },
      },
      () => {},
    );
    const timer = setTimeout(() => {
      if (!joined) {
        ws.terminate();
        reject(new Error("join timed out"));
      }
    }, JOIN_TIMEOUT_MS);
    bot.sendInput = (moveX, moveY) => {
      if (!ws.isOpen) return;
      input.seq = ++bot.seq;
      input.moveX = moveX;
      input.moveY = moveY;
      ws.send(inputFrame(encoder.encode()));
      bot.inputsSent++;
    };
    bot.close = () => {
      bot.leaving = true;
      ws.close();
    };
  });
}

/** The full SDK, decoding state; resolves with the join latency (until the first state arrived). */
export async function joinDecoding(
  cmd: JoinCommand,
  bot: Bot,
  noteError: (msg: string) => void,
): Promise<number> {
  const { target } = cmd;
  const spec = bot.spec;
  const t0 = performance.now();
  const client = new Client(target.ws);
  if (spec.token) client.auth.token = spec.token;
  const options =
    target.kind === "mxo"
      ? { district: "richland", characterId: spec.characterId }
      : { x: spec.x, y: spec.y, name: spec.name };
  const room = await client.joinOrCreate(target.roomName, options);
  room.reconnection.enabled = false;
  room.onMessage("*", () => {});
  const events = (room as any).connection.events as { onmessage: (ev: { data: ArrayBuffer }) => void };
  const original = events.onmessage;
  events.onmessage = (ev) => {
    const data = new Uint8Array(ev.data);
    bot.bytes += data.byteLength;
    bot.frames++;
    if ((data[0]! & CODE_MASK) === ROOM_STATE_PATCH) {
      bot.patchFrames++;
      bot.patchBytes += data.byteLength;
    }
    readAck(bot, data);
    original(ev);
  };
  const input = room.input<{ seq: number; moveX: number; moveY: number }>();
  bot.sendInput = (moveX, moveY) => {
    input.data.seq = ++bot.seq;
    input.data.moveX = moveX;
    input.data.moveY = moveY;
    if (input.send()) bot.inputsSent++;
  };
  bot.close = () => {
    bot.leaving = true;
    void room.leave().catch(() => {});
  };
  room.onLeave((code: number) => {
    bot.closed = true;
    if (!bot.leaving) noteError(`decoder ${spec.index}: left with ${code}`);
  });
  bot.decoder = { room, report: emptyReport() };
  await new Promise<void>((resolve) => {
    if (room.state?.players?.get(room.sessionId)) return resolve();
    room.onStateChange.once(() => resolve());
  });
  return performance.now() - t0;
}
