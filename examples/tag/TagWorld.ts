import { sanitizeIntent, stepMovement, type Bounds, type MoveIntent } from "../../src/framework/index.js";
import type { ZoneWorld } from "../../src/framework/index.js";

export interface TagPlayer {
  name: string;
  x: number;
  y: number;
  heading: number;
  intent: MoveIntent;
  it: boolean;
  /** Seconds spent not being it, carried across sessions (the score is its whole part). */
  free: number;
}

/** The arena; speed in units per second; it passes within `reach`, then not for `cooldown` seconds. */
export const TAG_RULES = {
  bounds: { minX: 0, minY: 0, maxX: 100, maxY: 100 } as Bounds,
  speed: 6,
  reach: 2,
  cooldown: 2,
};
export type TagRules = typeof TAG_RULES;

/**
 * The whole game of tag, pure: players move with the framework's movement
 * step; with two or more players exactly one is it; it passes to a player
 * within reach, and cannot pass on for a moment; everyone not it scores.
 */
export class TagWorld implements ZoneWorld<{ from: string; to: string }> {
  readonly players = new Map<string, TagPlayer>();
  private time = 0;
  private canPassAt = 0;

  constructor(readonly rules: TagRules = TAG_RULES) {}

  add(id: string, name: string, at: { x: number; y: number }, free: number): TagPlayer {
    const { x, y } = this.clamp(at);
    const player = { name, x, y, heading: 0, intent: { moveX: 0, moveY: 0 }, it: false, free };
    this.players.set(id, player);
    this.keepOneIt();
    return player;
  }

  /** A point inside the arena (a GM's teleport lands there too). */
  clamp(at: { x: number; y: number }): { x: number; y: number } {
    const { minX, minY, maxX, maxY } = this.rules.bounds;
    return { x: Math.min(maxX, Math.max(minX, at.x)), y: Math.min(maxY, Math.max(minY, at.y)) };
  }

  remove(id: string): void {
    this.players.delete(id);
    this.keepOneIt();
  }

  /** A movement input: a direction (clamped to length 1; non-finite ones are ignored). */
  input(id: string, input: { moveX: number; moveY: number }): void {
    const p = this.players.get(id);
    const intent = sanitizeIntent(input.moveX, input.moveY);
    if (!p || !intent) return;
    p.intent = intent;
  }

  /** Who is it now. */
  get it(): string | undefined {
    for (const [id, p] of this.players) if (p.it) return id;
    return undefined;
  }

  /** Makes `id` it (a GM's `tagit`); returns who was before. */
  makeIt(id: string): string | undefined {
    const before = this.it;
    if (!this.players.has(id)) return before;
    for (const [pid, p] of this.players) p.it = pid === id;
    this.canPassAt = this.time + this.rules.cooldown;
    return before;
  }

  /** One step of `dt` seconds; returns the passes that happened (from → to). */
  step(dt: number): { from: string; to: string }[] {
    this.time += dt;
    for (const p of this.players.values()) {
      Object.assign(p, stepMovement(p, p.intent, this.rules.speed, dt, this.rules.bounds));
      if (!p.it) p.free += dt;
    }
    const from = this.it;
    if (from === undefined || this.time < this.canPassAt) return [];
    const it = this.players.get(from)!;
    for (const [to, p] of this.players) {
      if (to === from || Math.hypot(p.x - it.x, p.y - it.y) > this.rules.reach) continue;
      this.makeIt(to);
      return [{ from, to }];
    }
    return [];
  }

  /** With two or more players exactly one is it; alone, nobody is. */
  private keepOneIt(): void {
    const its = [...this.players.values()].filter((p) => p.it);
    if (this.players.size < 2) {
      for (const p of its) p.it = false;
      return;
    }
    if (its.length === 1) return;
    const first = this.players.keys().next().value as string;
    this.makeIt(first);
  }
}
