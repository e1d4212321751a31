import type { ContentPack } from "../../content/ContentPack.js";
import type { DistrictDef } from "../../content/schema/district.js";
import type { LoadoutAbility, LoadoutCheck } from "../loadout.js";
import { applyContent, type ContentApplyResult } from "./applyContent.js";
import { DistrictReadSide } from "./DistrictReadSide.js";
import { createDistrictState, takeEvents, type SimulationOptions } from "./DistrictState.js";
import type { ItemDef } from "../../content/schema/item.js";
import type { AllocateResult } from "../character/attributes.js";
import type { UseCheck } from "../character/consumables.js";
import type { Stat } from "../combat/stats.js";
import {
  allocate,
  checkItemUse,
  refreshFigures,
  setEquipment,
  sheetOf,
  useItem,
  type SheetView,
} from "./character.js";
import { awardExperience } from "./experience.js";
import type { GameEvent } from "./GameEvent.js";
import type { GameResult } from "./GameError.js";
import type { GameTuning } from "./GameTuning.js";
import { gmDespawn, gmHeal, gmSetStat, gmSpawn, gmTeleport, type GmStat } from "./gmOperations.js";
import { loadoutAbility, loadoutOf, setLoadout } from "./loadouts.js";
import { runCombat } from "./phases/combat.js";
import { resolveDeaths } from "./phases/deaths.js";
import { expireEffects } from "./phases/effects.js";
import { endEscort, escortsOf, startEscort } from "./phases/escorts.js";
import { movePlayers, takeInput } from "./phases/movement.js";
import { runNpcs } from "./phases/npcAi.js";
import { regenerate } from "./phases/regeneration.js";
import { respawnPlayers } from "./phases/respawn.js";
import { buildZones, spawnNpcs } from "./phases/spawns.js";
import { interlock, leaveInterlockQueue, useAbility } from "./playerActions.js";
import type { PlayerJoin } from "./PlayerJoin.js";
import { addPlayer, removePlayer } from "./roster.js";
import type { RawInput } from "./world.js";

export type { ContentApplyResult } from "./applyContent.js";
export type { SimulationOptions } from "./DistrictState.js";
export { GM_STATS, type GmStat } from "./gmOperations.js";
export type { PlayerJoin } from "./PlayerJoin.js";
export type { SheetView } from "./character.js";

/**
 * The game loop of one district as one pure, deterministic object: movement,
 * NPC spawns and AI, combat, deaths, respawns, XP, loot rolls and regeneration.
 * No I/O, no clock, no `Math.random`: the same calls with the same seed give
 * the same events. The room validates client messages, calls the methods below,
 * `step()`s at the tick rate, copies the views into its schema and acts on the
 * events (ledger grants, mission progress, messages).
 *
 * Requests made between two steps (`useAbility`, `interlock`, `removePlayer`)
 * take effect at once, at the tick of the last step; their events come out of
 * the next `step()`, ahead of that step's own.
 *
 * This class is the orchestrator: the state lives in `DistrictState`, each
 * phase of the step in `phases/`, requests in the modules beside this file,
 * and what the room reads (views, live records, lookups) in `DistrictReadSide`.
 */
export class DistrictSimulation extends DistrictReadSide {
  readonly tickRate: number;
  readonly tuning: Readonly<GameTuning>;

  constructor(district: DistrictDef, pack: ContentPack, options: SimulationOptions) {
    super(createDistrictState(district, pack, options));
    this.tickRate = this.s.tickRate;
    this.tuning = this.s.tuning;
    buildZones(this.s, district, pack);
    spawnNpcs(this.s, 0);
  }

  // ---- the step ----------------------------------------------------------------

  /**
   * One fixed step, always in this order: effects that ran out end, inputs and
   * movement (players who are dead or in interlock stay put), NPC spawns, NPC
   * AI and its attacks (escorts follow their players), combat (interlock
   * rounds, IS regeneration, queues), deaths (XP, loot, kills) and respawns,
   * then out-of-combat HP regeneration.
   */
  step(): GameEvent[] {
    this.changed();
    const s = this.s;
    expireEffects(s, s.world.tick + 1);
    movePlayers(s);
    const tick = s.world.tick;
    spawnNpcs(s, tick);
    runNpcs(s, tick);
    runCombat(s, tick);
    resolveDeaths(s, tick);
    respawnPlayers(s, tick);
    regenerate(s, tick);
    return takeEvents(s);
  }

  // ---- players -----------------------------------------------------------------

  /** Adds a character at the given place. A character saved dead waits out the respawn delay. */
  addPlayer(join: PlayerJoin): void {
    this.changed();
    addPlayer(this.s, join);
  }

  /** Takes a player out (leave, travel): its interlock ends as "removed", queues release it. */
  removePlayer(sessionId: string): boolean {
    this.changed();
    return removePlayer(this.s, sessionId);
  }

  /** The movement input applied at the next step (the last one set before it wins). */
  setInput(sessionId: string, input: RawInput): boolean {
    this.changed();
    return takeInput(this.s, sessionId, input);
  }

  /**
   * Uses an ability of the player's loadout on `targetId`. A free attack (an
   * `attack` ability) goes through combat's `useAbility`. The close-combat move
   * (`CLOSE_COMBAT_ABILITY`) or an `interlock` ability pulls the target into
   * interlock (or queues behind its current duel); while already engaged, an
   * `interlock` ability submits the action it powers for the coming round.
   */
  useAbility(
    sessionId: string,
    abilityId: string,
    targetId: string,
    /**
     * Lag compensation: where the shooter saw the target (the room rewinds its
     * recorded positions to the client's render time, within a bounded window).
     * Used for ranged and viral free attacks only; melee and interlock judge
     * live positions.
     */
    seenTarget?: { x: number; y: number },
  ): GameResult {
    this.changed();
    return useAbility(this.s, sessionId, abilityId, targetId, seenTarget);
  }

  /**
   * Chooses the player's action for the coming interlock round: `quick`,
   * `power`, `grab`, `block` or `withdraw` (unchecked client input). Starting an
   * interlock is `useAbility(id, CLOSE_COMBAT_ABILITY, target)`.
   */
  interlock(sessionId: string, action: unknown): GameResult {
    this.changed();
    return interlock(this.s, sessionId, action);
  }

  /** Gives up a place in an interlock queue (a no-op when not queued). */
  leaveInterlockQueue(sessionId: string): void {
    this.changed();
    leaveInterlockQueue(this.s, sessionId);
  }

  /**
   * Experience from outside combat (mission rewards). Its `xp`/`level_up`
   * events come out of the next `step()`, like any request between steps.
   */
  awardExperience(sessionId: string, amount: number): boolean {
    this.changed();
    return awardExperience(this.s, sessionId, amount);
  }

  // ---- the character sheet (character.ts) ---------------------------------------

  /** Spends one attribute point (`no_points`, `stat_capped`); the figures follow at once. */
  allocate(sessionId: string, stat: Stat): AllocateResult {
    this.changed();
    return allocate(this.s, sessionId, stat);
  }

  /** Replaces the player's equipment, slot → item id (the room checked it); combat follows at once. */
  setEquipment(sessionId: string, equipment: Readonly<Record<string, string>>): boolean {
    this.changed();
    return setEquipment(this.s, sessionId, equipment);
  }

  /** Whether the player may use this consumable now (`not_usable`, `on_cooldown`). */
  checkItemUse(sessionId: string, item: ItemDef): UseCheck {
    return checkItemUse(this.s, sessionId, item);
  }

  /** Applies a consumable the ledger already took (checked again); `item_used` comes out of the next step. */
  useItem(sessionId: string, item: ItemDef): UseCheck {
    this.changed();
    return useItem(this.s, sessionId, item);
  }

  /** Level, experience, allocated attributes, unspent points and derived figures. */
  sheetOf(sessionId: string): SheetView | undefined {
    return sheetOf(this.s, sessionId);
  }

  // ---- content deploy ----------------------------------------------------------

  /**
   * Switches to another content pack between two steps (the room calls it at a
   * tick boundary, right after a step), pure and deterministic like a step.
   * What changes, and what a pack without this district does: `applyContent.ts`.
   * `next` must be a validated pack (`validateContentPack`).
   */
  applyContent(next: ContentPack): ContentApplyResult {
    this.changed();
    const result = applyContent(this.s, next);
    // Equipped items take the new pack's numbers.
    for (const p of this.s.world.players.values()) {
      if (Object.keys(p.equipment).length > 0) refreshFigures(this.s, p, "keep");
    }
    return result;
  }

  // ---- game master actions -------------------------------------------------------
  // Called by the room for GM commands, between steps like any other request.

  /** Puts a player at a point (clamped to the district); returns where it was. */
  gmTeleport(
    sessionId: string,
    to: { x: number; y: number; z: number },
  ): { x: number; y: number; z: number } | undefined {
    this.changed();
    return gmTeleport(this.s, sessionId, to);
  }

  /** Full health and Inner Strength; a dead player stands up where it fell. Returns the HP before. */
  gmHeal(sessionId: string): number | undefined {
    this.changed();
    return gmHeal(this.s, sessionId);
  }

  /**
   * Sets one stat and everything derived from it (a level or vitality change
   * recomputes max HP, Inner Strength and the loadout); returns the old value.
   */
  gmSetStat(sessionId: string, stat: GmStat, value: number): number | undefined {
    this.changed();
    return gmSetStat(this.s, sessionId, stat, value);
  }

  /**
   * NPCs of a content template at a point, each in a zone of its own (id
   * `gm<n>-<i>`) that never respawns it: it appears at the next step
   * (`npc_spawned`) and stays until despawned or killed. A content deploy
   * rebuilds the zones from the district and so removes GM spawns.
   * Returns the NPC ids.
   */
  gmSpawn(templateId: string, count: number, at: { x: number; y: number; z: number }): string[] {
    this.changed();
    return gmSpawn(this.s, templateId, count, at);
  }

  /** Removes a GM-spawned NPC (zone NPCs belong to the content pack); returns its template, or undefined. */
  gmDespawn(npcId: string): string | undefined {
    this.changed();
    return gmDespawn(this.s, npcId);
  }

  // ---- escorts -----------------------------------------------------------------

  /**
   * A mission's escort: an NPC of `templateId` appears next to the player at
   * the next step and follows it (at the template's speed, never into combat);
   * once inside `to` it emits `escorted` and leaves. Returns its id.
   */
  startEscort(
    sessionId: string,
    templateId: string,
    to: { x: number; y: number; radius: number },
  ): string | undefined {
    this.changed();
    return startEscort(this.s, sessionId, templateId, to);
  }

  /** Ends an escort early (mission abandoned): the NPC leaves at the next step. */
  endEscort(npcId: string): void {
    this.changed();
    endEscort(this.s, npcId);
  }

  /** Escorts following a player, by NPC id. */
  escortsOf(sessionId: string): { npcId: string; template: string }[] {
    return escortsOf(this.s, sessionId);
  }

  // ---- loadouts ----------------------------------------------------------------

  /** An ability as the loadout rules see it, from the pack in force. */
  loadoutLookup = (id: string): LoadoutAbility | undefined => loadoutAbility(this.s.pack, id);

  /**
   * Loads abilities (the room checks the player stands at a hardline). The
   * close-combat move is always there and costs nothing. Refused as a whole
   * when the rules refuse it; nothing changes then.
   */
  setLoadout(
    sessionId: string,
    abilities: readonly string[],
    acquired?: (id: string) => boolean,
  ): LoadoutCheck {
    this.changed();
    return setLoadout(this.s, sessionId, abilities, acquired);
  }

  /** What the player has loaded (the starter set when it never chose), with memory used and budget. */
  loadoutOf(
    sessionId: string,
  ): { abilities: string[]; custom: boolean; memory: number; budget: number } | undefined {
    return loadoutOf(this.s, sessionId);
  }
}
