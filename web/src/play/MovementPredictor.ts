import { Callbacks, Predict, type InputHandle, type Room } from "@colyseus/sdk";
import type { MoveInputData } from "../../../src/framework/contract/input.js";
import { sanitizeIntent, stepMovement, type Bounds } from "../../../src/framework/movement.js";
import type { DistrictStateView, NpcEntity, PlayerEntity } from "./types.js";

/**
 * Remote players and NPCs are drawn this far in the past, between two updates of theirs: 50 ms
 * apart at 20 Hz when near, up to 4 patches (200 ms) apart at the far edge of the view, where the
 * server sends less often (AOI_FAR_RATE_EVERY).
 */
const REMOTE_DELAY_MS = 200;
/** A jump farther than this between two samples is a teleport or respawn: snap instead of gliding across the map. */
const TELEPORT_UNITS = 25;
/** The server's default TICK_RATE, for a room that does not advertise its own. */
const FALLBACK_TICK_RATE = 20;
const UNBOUNDED: Bounds = { minX: -Infinity, minY: -Infinity, maxX: Infinity, maxY: Infinity };

export interface MovementOptions {
  /** The district's speed and bounds, as the server applies them. */
  geometry: () => { moveSpeed: number; bounds?: Bounds | undefined };
  /** The direction the player holds now. */
  intent: () => { moveX: number; moveY: number };
  /** True while the server ignores movement (defeated, or locked in close combat). */
  frozen: () => boolean;
}

/**
 * Own movement predicted, everyone else smoothed, with the SDK's netcode.
 *
 * One input per fixed server step goes through the room's input channel; the
 * SDK's reconciler applies it at once with `stepMovement` — the very function
 * the server's tick runs (src/framework/movement.ts, bundled into this page) — and,
 * when the server acknowledges an input, rewinds to the server's position and
 * replays the inputs still in flight, easing any difference out over a few
 * frames. Inputs go out even when standing still: the server stamps each with
 * this client's render time, which its lag compensation judges ranged shots by.
 *
 * Remote players and NPCs are interpolated between received patches.
 */
export class MovementPredictor {
  private readonly predict: Predict<DistrictStateView>;
  private readonly input: InputHandle<MoveInputData>;
  private readonly detach: (() => void)[] = [];
  private self: PlayerEntity | undefined;

  constructor(
    private readonly room: Room<unknown, DistrictStateView>,
    private readonly opts: MovementOptions,
  ) {
    this.predict = Predict.get(room, { mode: "lerp", delay: REMOTE_DELAY_MS, name: "district" });
    this.input = room.input<MoveInputData>();
    const smooth = { mode: "lerp", delay: REMOTE_DELAY_MS, snap: TELEPORT_UNITS } as const;
    this.detach.push(this.predict.attachAll("players", { x: smooth, y: smooth }));
    this.detach.push(this.predict.attachAll("npcs", { x: smooth, y: smooth }));
    const callbacks = Callbacks.get(room);
    this.detach.push(
      callbacks.onAdd("players", (player, key) => {
        if (key === room.sessionId) this.predictSelf(player as unknown as PlayerEntity);
      }),
    );
  }

  /** The predicted player, once the server has sent it. */
  get own(): PlayerEntity | undefined {
    return this.self;
  }

  /** Once per animation frame: sends the steps that are due, then positions are ready to draw. */
  frame(now: number): void {
    const due = this.predict.tick(now);
    for (let i = 0; i < due; i++) {
      const { moveX, moveY } = this.opts.frozen() ? { moveX: 0, moveY: 0 } : this.opts.intent();
      this.input.data.seq = this.input.sentCount + 1;
      this.input.data.moveX = moveX;
      this.input.data.moveY = moveY;
      this.input.send();
    }
  }

  /** Where to draw an entity this frame. */
  position(entity: PlayerEntity | NpcEntity): { x: number; y: number } {
    return { x: this.predict.value(entity, "x"), y: this.predict.value(entity, "y") };
  }

  heading(entity: PlayerEntity): number {
    return entity === this.self ? this.predict.value(entity, "heading") : entity.heading;
  }

  /** The room's fixed step rate (Hz), as it advertised it. */
  get tickRate(): number | undefined {
    return this.input.tickRate;
  }

  /** Round-trip time to the room's process, in ms (0 until measured). */
  rtt(): number {
    return this.room.clock.smoothedRtt();
  }

  dispose(): void {
    for (const d of this.detach) d();
    this.predict.dispose();
  }

  private predictSelf(player: PlayerEntity): void {
    this.self = player;
    this.predict.reconciler(player, {
      input: this.input,
      fields: ["x", "y", "heading"],
      snap: TELEPORT_UNITS,
      stepSeconds: this.input.stepSeconds ?? 1 / FALLBACK_TICK_RATE,
      step: (ctx, state, command) => {
        const intent = sanitizeIntent(command.moveX, command.moveY);
        if (!intent) return;
        const { moveSpeed, bounds } = this.opts.geometry();
        const next = stepMovement(state, intent, moveSpeed, ctx.dt, bounds ?? UNBOUNDED);
        state.x = next.x;
        state.y = next.y;
        state.heading = next.heading;
      },
    });
  }
}
