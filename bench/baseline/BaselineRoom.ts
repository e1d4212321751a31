/**
 * The benchmark's baseline: a plain Colyseus 0.18 room with mxo-server's
 * movement model and nothing else. Same input channel (`defineInput(MoveInput)`,
 * one buffered input applied per tick, the last intent held), the same pure
 * step (`stepMovement` from src/framework/movement.ts) at the same speed, tick rate
 * and bounds, the same replicated player schema — but one shared MapSchema
 * of players with no interest management: every client receives every player.
 *
 * Kept as a fixture so the comparison can be re-run; not part of the game.
 */
import { readFileSync } from "node:fs";
import { MapSchema, Schema, type } from "@colyseus/schema";
import { Room, type Client } from "@colyseus/core";
import { MoveInput } from "../../schema/MoveInput.js";
import { PlayerState } from "../../schema/PlayerState.js";
import { meterClient } from "../../src/framework/metrics/meterClient.js";
import { sanitizeIntent, stepMovement, type Bounds, type MoveIntent } from "../../src/framework/movement.js";
import { probeCounters } from "../probe.js";

export const TICK_RATE = 20;
export const PATCH_RATE = 20;

/** The district the benchmark plays in, read from the same content pack mxo-server serves. */
export function benchDistrict(id = "richland"): { bounds: Bounds; moveSpeed: number } {
  const pack = JSON.parse(readFileSync(new URL("../../content/districts.json", import.meta.url), "utf8")) as {
    districts: { id: string; bounds: Bounds; moveSpeed: number }[];
  };
  const d = pack.districts.find((x) => x.id === id);
  if (!d) throw new Error(`district ${id} not in content/districts.json`);
  return { bounds: d.bounds, moveSpeed: d.moveSpeed };
}

export class BaselineState extends Schema {
  @type("uint32") tick = 0;
  @type({ map: PlayerState }) players = new MapSchema<PlayerState>();
}

interface Body {
  x: number;
  y: number;
  heading: number;
  intent: MoveIntent;
  ack: number;
}

export class BaselineRoom extends Room<{ state: BaselineState; input: MoveInput }> {
  override inputs = this.defineInput(MoveInput, { seqField: "seq", bufferMaxSize: 64 });
  override state = new BaselineState();
  override maxMessagesPerSecond = 200;
  private bodies = new Map<string, Body>();
  private readonly district = benchDistrict();

  override onCreate(): void {
    this.patchRate = 1000 / PATCH_RATE;
    const dt = 1 / TICK_RATE;
    const { bounds, moveSpeed } = this.district;
    this.setFixedTimestep(() => {
      for (const [sessionId, body] of this.bodies) {
        const input = this.inputs.get(sessionId).next();
        if (input) {
          probeCounters.inputsConsumed++;
          body.ack = input.seq;
          const intent = sanitizeIntent(input.moveX, input.moveY);
          if (intent) body.intent = intent;
        }
        const moved = stepMovement(body, body.intent, moveSpeed, dt, bounds);
        body.x = moved.x;
        body.y = moved.y;
        body.heading = moved.heading;
      }
      this.state.tick++;
      for (const [sessionId, body] of this.bodies) {
        const p = this.state.players.get(sessionId);
        if (!p) continue;
        p.x = body.x;
        p.y = body.y;
        p.heading = body.heading;
        p.ack = body.ack;
      }
    }, TICK_RATE);
  }

  override onJoin(client: Client, options: { x?: unknown; y?: unknown; name?: unknown }): void {
    const { bounds } = this.district;
    const x = typeof options.x === "number" ? Math.min(bounds.maxX, Math.max(bounds.minX, options.x)) : 0;
    const y = typeof options.y === "number" ? Math.min(bounds.maxY, Math.max(bounds.minY, options.y)) : 0;
    meterClient(client as never, {
      sent: (n) => (probeCounters.bytesSent += n),
      patch: (n) => (probeCounters.patchBytes += n),
    });
    const p = new PlayerState();
    p.characterId = client.sessionId;
    p.name = typeof options.name === "string" ? options.name.slice(0, 24) : client.sessionId;
    p.organization = "zion";
    p.x = x;
    p.y = y;
    p.hp = 100;
    p.maxHp = 100;
    this.state.players.set(client.sessionId, p);
    this.bodies.set(client.sessionId, { x, y, heading: 0, intent: { moveX: 0, moveY: 0 }, ack: 0 });
  }

  override onLeave(client: Client): void {
    this.bodies.delete(client.sessionId);
    this.state.players.delete(client.sessionId);
  }
}
