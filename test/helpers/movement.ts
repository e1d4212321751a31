import type { Room } from "@colyseus/sdk";
import { me, sleep, waitFor, type MoveInputData } from "./api.js";

/**
 * Holds a direction through the input channel at 20 Hz for `ms`, like a real
 * client, then sends a stop; returns the last seq and the seconds it took.
 */
export async function walk(room: Room<any>, dir: { x: number; y: number }, ms: number, seq0 = 0) {
  const input = room.input<MoveInputData>();
  let seq = seq0;
  const started = Date.now();
  while (Date.now() - started < ms) {
    Object.assign(input.data, { seq: ++seq, moveX: dir.x, moveY: dir.y });
    input.send();
    await sleep(50);
  }
  Object.assign(input.data, { seq: ++seq, moveX: 0, moveY: 0 });
  input.send();
  return { seq, elapsed: (Date.now() - started) / 1000 };
}

/** Waits until the server applied `lastSeq`, plus one patch, and returns the position. */
export async function settled(room: Room<any>, lastSeq: number) {
  await waitFor(() => me(room)?.ack === lastSeq, { what: `ack ${lastSeq}` });
  await sleep(150);
  return { x: me(room).x as number, y: me(room).y as number };
}

/** `walk` then `settled`: the final position after stopping. */
export async function walkAndStop(room: Room<any>, moveX: number, moveY: number, ms: number, seq0: number) {
  const { seq } = await walk(room, { x: moveX, y: moveY }, ms, seq0);
  return settled(room, seq);
}

/** Walks straight at a (possibly moving) target at 20 Hz until within `distance`, then stops. */
export async function approach(room: Room<any>, target: () => { x: number; y: number }, distance: number) {
  const input = room.input<MoveInputData>();
  let seq = (me(room)?.ack ?? 0) + 1000;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const t = target();
    const dx = t.x - me(room).x;
    const dy = t.y - me(room).y;
    const d = Math.hypot(dx, dy);
    if (d <= distance) break;
    if (Date.now() > deadline) throw new Error(`could not get within ${distance} (at ${d})`);
    Object.assign(input.data, { seq: ++seq, moveX: dx / d, moveY: dy / d });
    input.send();
    await sleep(50);
  }
  Object.assign(input.data, { seq: ++seq, moveX: 0, moveY: 0 });
  input.send();
  await waitFor(() => me(room).ack === seq);
}
