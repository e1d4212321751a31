import type { ContentPack } from "../../content/ContentPack.js";
import type { DistrictDef } from "../../content/schema/district.js";
import type { CharacterStats } from "../characterRules.js";
import type { Combatant, Position } from "../combat/index.js";
import type { SimNpc } from "../npc/types.js";
import type { DistrictState } from "./DistrictState.js";
import type { NpcView, PlayerView } from "./GameEvent.js";
import { npcView, npcViews, playerView, playerViews, statsOf } from "./views.js";
import type { SimPlayer } from "./world.js";

/**
 * What a `DistrictSimulation` lets the room, GM tools and tests read: the
 * views the room copies into its schema, the live records its mirror walks
 * each step, and single lookups. Nothing here changes the district.
 *
 * `DistrictSimulation` extends this class, so these stay methods of the
 * simulation (`sim.players()`), and it keeps the write side alone: every
 * request and `step()` begins with `changed()`, which drops the cached views.
 */
export abstract class DistrictReadSide {
  /** `players()` and `npcs()` as last built; dropped by `changed()`. */
  private playerViewCache: PlayerView[] | null = null;
  private npcViewCache: NpcView[] | null = null;

  protected constructor(protected readonly s: DistrictState) {}

  /** The district definition in force: the one given at construction, or the last `applyContent`'s. */
  get district(): DistrictDef {
    return this.s.def;
  }

  /**
   * The content pack in force: the last one given to `applyContent` (or the
   * constructor), or, when that pack lacked this district, a copy of it with
   * the kept district and what its NPCs need added (see `applyContent`).
   */
  get content(): ContentPack {
    return this.s.pack;
  }

  /** Steps completed so far; requests between steps act at this tick. */
  get tick(): number {
    return this.s.world.tick;
  }

  /** The character's stats as the simulation holds them (GM changes included). */
  statsOf(sessionId: string): CharacterStats | undefined {
    return statsOf(this.s, sessionId);
  }

  /**
   * Every player as the room copies it into its schema. Built once per change:
   * calls in between (the room's copy and its interest pass) share the same
   * array, so treat it as read only.
   */
  players(): PlayerView[] {
    return (this.playerViewCache ??= playerViews(this.s));
  }

  player(sessionId: string): PlayerView | undefined {
    const p = this.s.world.players.get(sessionId);
    return p && playerView(this.s, p);
  }

  /** Every NPC as the room copies it into its schema; shared like `players()`, read only. */
  npcs(): NpcView[] {
    return (this.npcViewCache ??= npcViews(this.s));
  }

  npc(id: string): NpcView | undefined {
    const n = this.s.npcs.get(id);
    return n && npcView(this.s, n);
  }

  /**
   * Every player's own record, live: what the room copies into its schema each
   * step without a view object per player per step. Read only, and at once.
   */
  livePlayers(): IterableIterator<Readonly<SimPlayer>> {
    return this.s.world.players.values();
  }

  /**
   * Every NPC's own record, live, handed to `visit` with its HP as combat holds
   * it (as `npcs()` reports it), without a view object per NPC per step.
   */
  eachNpc(visit: (npc: Readonly<SimNpc>, hp: number) => void): void {
    const fighters = this.s.combat.combatants;
    for (const n of this.s.npcs.values()) {
      const c = fighters.get(n.id);
      visit(n, c ? c.hp : n.hp);
    }
  }

  /** Everyone's position by id (players and NPCs, the living and the dead); live, do not modify. */
  positions(): ReadonlyMap<string, Readonly<Position>> {
    return this.s.positions;
  }

  /** A combatant's fighting record (level, stats, loadout, cooldowns) for tests and GM tools; read only. */
  combatant(id: string): Readonly<Combatant> | undefined {
    return this.s.combat.combatants.get(id);
  }

  /** Drops the cached views: every call that may change the district starts with it. */
  protected changed(): void {
    this.playerViewCache = null;
    this.npcViewCache = null;
  }
}
