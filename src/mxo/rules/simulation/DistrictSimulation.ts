import type { CharacterStats } from "../characterRules.js";
import type { ContentPack } from "../../../content/ContentPack.js";
import type { DistrictDef } from "../../../content/schema/district.js";
import type { NpcTemplateDef } from "../../../content/schema/npc.js";
import { maxHealth } from "../characterRules.js";
import {
  createCombatState,
  interlockOf,
  isEngaged,
  leaveQueue,
  removeCombatant,
  secondsToTicks,
  startInterlock,
  stepCombat,
  submitInterlockAction,
  useAbility,
  type CombatEvent,
  type CombatResult,
  type CombatState,
  type Combatant,
  type InterlockAction,
  type Position,
} from "../combat/index.js";
import { headingOf, sanitizeIntent } from "../../../framework/movement.js";
import { createRng, seedFrom, type Rng } from "../npc/rng.js";
import { stepSpawns } from "../npc/spawns.js";
import { stepNpc } from "../npc/stepNpc.js";
import type { NpcIntent, NpcTemplate, NpcWorldView, SimNpc, SpawnZone } from "../npc/types.js";
import { createWorld, stepWorld, type RawInput, type SimPlayer, type World } from "./world.js";
import {
  CLOSE_COMBAT_ABILITY,
  combatAbilities,
  districtCombatConfig,
  interlockActionOf,
  npcCombatant,
  playerCombatant,
  playerMaxIs,
  starterLoadout,
  startsInterlock,
  styleDamage,
  toNpcTemplate,
  toSpawnZone,
} from "../adapters.js";
import type { GameEvent, NpcView, PlayerView } from "./GameEvent.js";
import { packKeepingDistrict, rescale, sameData } from "./contentSwap.js";
import { fromCombatError, OK, refuse, type GameResult } from "./GameError.js";
import { DEFAULT_TUNING, type GameTuning } from "./GameTuning.js";
import { killExperience, levelForExperience } from "../progression.js";
import { rollLoot } from "../rollLoot.js";
import { addEffects, expireEffects, healAmount, totals, type Effect } from "../effects.js";
import { checkLoadout, memoryBudget, type LoadoutAbility, type LoadoutCheck } from "../loadout.js";

export interface SimulationOptions {
  /** Steps per second, 1–60; `step()` advances 1/tickRate seconds. */
  tickRate: number;
  /** Integer seed of every random stream (combat, NPC AI, loot). */
  seed: number;
  tuning?: Partial<GameTuning>;
}

/** What `applyContent` did. */
export interface ContentApplyResult {
  /**
   * Dispatch these at once, like a step's: the events of requests made since
   * the last step (they would have come out of the next one), deaths already
   * dealt settled under the old pack, then the deploy's own `npc_despawned`,
   * `npc_changed`, `npc_spawned` and the `combat` events of removals
   * (`interlock_ended` "removed", `interlock_unqueued`).
   */
  events: GameEvent[];
  /**
   * This district in the new pack: `"changed"` or `"unchanged"` (its definition
   * now in force either way), or `"missing"`: the new pack has no district of
   * this id, and the simulation keeps running the definition it had (zones,
   * bounds, hardlines, rules) while everything else comes from the new pack.
   */
  district: "changed" | "unchanged" | "missing";
  /**
   * Human-readable notes for the log, e.g. the missing district and each
   * template, ability, loot table or item kept from the old pack for it.
   */
  warnings: string[];
}

interface Escort {
  owner: string;
  template: string;
  to: { x: number; y: number; radius: number };
  /** Its zone of one, kept to re-create it after a content deploy. */
  zone: SpawnZone;
}

/** An escorted NPC keeps this far behind the player it follows. */
const ESCORT_FOLLOW_DISTANCE = 2;

/** GM-spawned NPCs stay dead once killed (about 31 years). */
const GM_NO_RESPAWN_SECONDS = 1e9;

/** What `gmSetStat` can change (contract §5 `setstat`). */
export const GM_STATS = [
  "level",
  "experience",
  "hp",
  "focus",
  "perception",
  "reason",
  "belief",
  "vitality",
] as const;
export type GmStat = (typeof GM_STATS)[number];

/** A character entering the district, as loaded from persistence. */
export interface PlayerJoin {
  sessionId: string;
  characterId: string;
  name: string;
  organization: string;
  x: number;
  y: number;
  z: number;
  heading: number;
  hp: number;
  maxHp: number;
  level: number;
  stats: CharacterStats;
  /** Lifetime experience; default 0. */
  experience?: number;
  /** Abilities loaded at a hardline (saved); absent or null: the starter loadout. */
  loadout?: string[] | null;
}

/** Actions an NPC picks from, uniformly, for each interlock round (it never withdraws). */
const NPC_INTERLOCK_ACTIONS: readonly InterlockAction[] = ["quick", "power", "grab", "block"];

type CombatDeath = Extract<CombatEvent, { type: "death" }>;

interface PlayerExtra {
  experience: number;
  stats: CharacterStats;
  /** Tick at which a dead player reappears; null while alive. */
  respawnAt: number | null;
  /** Last tick the player gave or took a hostile act. */
  lastHostileTick: number;
  /** Fractional HP regenerated but not yet applied (HP stays an integer). */
  regenCarry: number;
  /** Abilities the player loaded at a hardline; null: the starter loadout for its level. */
  loadout: string[] | null;
}

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
 */
export class DistrictSimulation {
  readonly tickRate: number;
  readonly tuning: Readonly<GameTuning>;

  /** The district definition in force (replaced by `applyContent`). */
  private def: DistrictDef;
  /** The content in force (replaced by `applyContent`). */
  private pack: ContentPack;
  private readonly dt: number;
  private readonly world: World;
  private readonly combat: CombatState;
  private zones: SpawnZone[] = [];
  /** Zone id → z of its centre (the NPC rules are 2D). */
  private zoneZ = new Map<string, number>();
  private templateDefs = new Map<string, NpcTemplateDef>();
  private readonly npcMap = new Map<string, SimNpc>();
  private readonly extras = new Map<string, PlayerExtra>();
  /** Everyone's position, by id; players by reference to their `SimPlayer`. */
  private readonly positionMap = new Map<string, Position>();
  private readonly inputs = new Map<string, RawInput>();
  /** Players an NPC is chasing or attacking this tick (they are in combat). */
  private readonly targeted = new Set<string>();
  private readonly aiRng: Rng;
  private readonly lootRng: Rng;
  /** Heals roll from their own stream: a heal never shifts a loot roll or a hit. */
  private readonly effectRng: Rng;
  /** Running buffs, debuffs and movement effects, by entity id. */
  private readonly effects = new Map<string, readonly Effect[]>();
  /** Movement multipliers from effects (absent: 1), by entity id. */
  private readonly speedFactor = new Map<string, number>();
  /** Players hidden from NPCs (`stealth`); their own attacks reveal them. */
  private readonly stealthed = new Set<string>();
  /** What aggressive NPCs see this step: the world without stealthed players. */
  private npcWorld: NpcWorldView | undefined;
  private readonly noPlayers: NpcWorldView;
  private readonly respawnTicks: number;
  private readonly outOfCombatTicks: number;
  private out: GameEvent[] = [];
  /** NPCs following a player for an escort objective, by NPC id. */
  private readonly escorts = new Map<string, Escort>();
  /** GM spawn batches so far, for unique zone ids. */
  private gmSpawns = 0;
  private deaths: CombatDeath[] = [];

  constructor(district: DistrictDef, pack: ContentPack, options: SimulationOptions) {
    const { tickRate, seed } = options;
    if (!Number.isInteger(tickRate) || tickRate < 1 || tickRate > 60) {
      throw new RangeError(`tickRate must be an integer in 1..60, got ${tickRate}`);
    }
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.def = district;
    this.pack = pack;
    this.tickRate = tickRate;
    this.dt = 1 / tickRate;
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    // At least one tick, so a death and its respawn never share a step.
    this.respawnTicks = Math.max(1, secondsToTicks(this.tuning.playerRespawnSeconds, tickRate));
    this.outOfCombatTicks = secondsToTicks(this.tuning.outOfCombatSeconds, tickRate);
    this.world = createWorld(district.id, district.bounds);
    this.noPlayers = { bounds: district.bounds, players: new Map() };
    // Independent streams: a loot roll never shifts an NPC's wander, nor a wander a hit.
    this.combat = createCombatState({
      config: districtCombatConfig(district, tickRate),
      seed: seedFrom("combat", seed),
      abilities: combatAbilities(pack),
      tick: 0,
    });
    this.aiRng = createRng(seedFrom("npc-ai", seed));
    this.lootRng = createRng(seedFrom("loot", seed));
    this.effectRng = createRng(seedFrom("effects", seed));

    this.buildZones(district, pack);
    this.spawnNpcs(0);
  }

  /** The district definition in force: the one given at construction, or the last `applyContent`'s. */
  get district(): DistrictDef {
    return this.def;
  }

  /**
   * The content pack in force: the last one given to `applyContent` (or the
   * constructor), or, when that pack lacked this district, a copy of it with
   * the kept district and what its NPCs need added (see `applyContent`).
   */
  get content(): ContentPack {
    return this.pack;
  }

  /** Steps completed so far; requests between steps act at this tick. */
  get tick(): number {
    return this.world.tick;
  }

  /** Spawn zones (one shared AI template per NPC template), zone heights and template definitions. */
  private buildZones(district: DistrictDef, pack: ContentPack): void {
    const zones: SpawnZone[] = [];
    const zoneZ = new Map<string, number>();
    const defs = new Map<string, NpcTemplateDef>();
    const templates = new Map<string, NpcTemplate>();
    for (const zone of district.spawnZones) {
      const def = pack.npc(zone.template);
      if (!def) throw new Error(`spawn zone ${zone.id} names unknown NPC template "${zone.template}"`);
      let template = templates.get(def.id);
      if (!template) {
        template = toNpcTemplate(def, pack);
        templates.set(def.id, template);
        defs.set(def.id, def);
      }
      zones.push(toSpawnZone(zone, district.bounds, template));
      zoneZ.set(zone.id, zone.center.z);
    }
    this.zones = zones;
    this.zoneZ = zoneZ;
    this.templateDefs = defs;
  }

  // ---- players ---------------------------------------------------------------

  /** Adds a character at the given place. A character saved dead waits out the respawn delay. */
  addPlayer(join: PlayerJoin): void {
    const id = join.sessionId;
    if (this.world.players.has(id) || this.npcMap.has(id)) throw new Error(`id "${id}" is already in use`);
    const maxHp = Math.max(1, Math.round(join.maxHp));
    const hp = Math.max(0, Math.min(maxHp, Math.round(join.hp)));
    const player: SimPlayer = {
      sessionId: id,
      characterId: join.characterId,
      name: join.name,
      organization: join.organization,
      x: join.x,
      y: join.y,
      z: join.z,
      heading: join.heading,
      hp,
      maxHp,
      level: join.level,
      speed: this.district.moveSpeed,
      intent: { moveX: 0, moveY: 0 },
      ack: 0,
    };
    this.world.players.set(id, player);
    this.positionMap.set(id, player);
    this.combat.combatants.set(
      id,
      playerCombatant({ id, level: join.level, stats: join.stats, hp, maxHp }, this.pack),
    );
    this.extras.set(id, {
      experience: join.experience ?? 0,
      stats: { ...join.stats },
      respawnAt: hp > 0 ? null : this.tick + this.respawnTicks,
      lastHostileTick: -Infinity,
      regenCarry: 0,
      loadout: null,
    });
    // A saved loadout comes back as far as this pack still allows it.
    if (join.loadout)
      this.applyLoadout(
        id,
        join.loadout.filter((a) => this.loadoutLookup(a)?.usable),
      );
  }

  /** Takes a player out (leave, travel): its interlock ends as "removed", queues release it. */
  removePlayer(sessionId: string): boolean {
    if (!this.world.players.has(sessionId)) return false;
    // An escort goes with the player it follows (it comes back when the mission is resumed).
    for (const [npcId, e] of this.escorts) if (e.owner === sessionId) this.endEscort(npcId);
    this.emitCombat(removeCombatant(this.combat, sessionId, this.tick));
    this.world.players.delete(sessionId);
    this.positionMap.delete(sessionId);
    this.extras.delete(sessionId);
    this.effects.delete(sessionId);
    this.speedFactor.delete(sessionId);
    this.stealthed.delete(sessionId);
    this.inputs.delete(sessionId);
    this.syncHp();
    return true;
  }

  /** The movement input applied at the next step (the last one set before it wins). */
  setInput(sessionId: string, input: RawInput): boolean {
    if (!this.world.players.has(sessionId)) return false;
    this.inputs.set(sessionId, { seq: input.seq, moveX: input.moveX, moveY: input.moveY });
    return true;
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
    const caster = this.combat.combatants.get(sessionId);
    if (!caster || !this.world.players.has(sessionId))
      return refuse("not_found", "You are not in this district");
    if (caster.hp <= 0) return refuse("dead", "You cannot act while defeated");
    const tick = this.tick;
    const def = this.pack.ability(abilityId);
    if (def && def.kind !== "attack" && def.kind !== "interlock") {
      return this.useSupport(sessionId, caster, def, targetId, tick);
    }
    let result: CombatResult;
    if (startsInterlock(abilityId, this.pack)) {
      if (!caster.loadout.includes(abilityId)) return fromCombatError({ code: "not_in_loadout", abilityId });
      if (isEngaged(this.combat, sessionId)) {
        const action = interlockActionOf(this.pack.ability(abilityId));
        if (!action) return fromCombatError({ code: "already_engaged", id: sessionId });
        return this.interlock(sessionId, action);
      }
      const refused = this.checkTarget(sessionId, targetId);
      if (refused) return refused;
      result = startInterlock(this.combat, sessionId, targetId, tick, this.positionMap);
    } else {
      const refused = this.checkTarget(sessionId, targetId);
      if (refused) return refused;
      result = useAbility(
        this.combat,
        sessionId,
        abilityId,
        targetId,
        tick,
        this.positionsSeen(abilityId, targetId, seenTarget),
      );
    }
    if (!result.ok) return fromCombatError(result.error);
    // Attacking gives a hidden player away.
    this.endStealth(sessionId);
    this.emitCombat(result.events);
    this.syncHp();
    return OK;
  }

  /**
   * Heals, buffs, debuffs and movement abilities: loadout, close combat,
   * cooldown, Inner Strength, target and range checks like an attack, then
   * the effect (a rolled heal, or timed modifiers), reported as an `effect`
   * event. A debuff on an NPC provokes it.
   */
  private useSupport(
    sessionId: string,
    caster: Combatant,
    def: NonNullable<ReturnType<ContentPack["ability"]>>,
    requested: string,
    tick: number,
  ): GameResult {
    if (!caster.loadout.includes(def.id))
      return fromCombatError({ code: "not_in_loadout", abilityId: def.id });
    if (isEngaged(this.combat, sessionId))
      return refuse("in_interlock", "Your hands are full in close combat");
    const readyTick = caster.readyAt[def.id] ?? 0;
    if (tick < readyTick) return fromCombatError({ code: "on_cooldown", abilityId: def.id, readyTick });
    if (caster.is < def.innerStrength) {
      return fromCombatError({ code: "not_enough_is", need: def.innerStrength, have: caster.is });
    }
    let targetId = sessionId;
    if (def.target === "ally" && requested && requested !== sessionId) {
      if (!this.world.players.has(requested)) return refuse("invalid_target", "Only players can be helped");
      targetId = requested;
    } else if (def.target === "enemy") {
      if (!requested || requested === sessionId) return refuse("invalid_target", "Choose an enemy");
      const refused = this.checkTarget(sessionId, requested);
      if (refused) return refused;
      targetId = requested;
    }
    const target = this.combat.combatants.get(targetId);
    if (!target || target.hp <= 0) return refuse("target_dead", "That one is already down");
    if (targetId !== sessionId) {
      const a = this.positionMap.get(sessionId);
      const b = this.positionMap.get(targetId);
      const distance = a && b ? Math.hypot(a.x - b.x, a.y - b.y) : Infinity;
      if (distance > def.range) {
        return fromCombatError({ code: "out_of_range", distance, range: def.range });
      }
    }
    caster.is -= def.innerStrength;
    caster.readyAt[def.id] = tick + secondsToTicks(def.cooldown, this.tickRate);
    let healed: number | undefined;
    if (def.heal) {
      const amount = healAmount(def.heal, this.effectRng(), caster.stats[def.scalesWith]);
      healed = Math.min(target.maxHp, target.hp + amount) - target.hp;
      target.hp += healed;
      this.syncHp();
    }
    if (def.modifiers.length > 0) {
      const added = def.modifiers.map((m) => ({
        abilityId: def.id,
        sourceId: sessionId,
        attribute: m.attribute,
        amount: m.amount,
        untilTick: tick + Math.max(1, secondsToTicks(m.durationSeconds, this.tickRate)),
      }));
      this.effects.set(targetId, addEffects(this.effects.get(targetId) ?? [], added));
      this.applyEffects(targetId);
    }
    if (def.target === "enemy" && this.npcMap.has(targetId)) {
      this.hostile(sessionId, targetId, tick);
      this.provoke(targetId, sessionId);
    }
    this.out.push({
      kind: "effect",
      tick,
      casterId: sessionId,
      targetId,
      abilityId: def.id,
      ...(healed !== undefined ? { healed, hp: target.hp } : {}),
      modifiers: def.modifiers.map((m) => ({
        attribute: m.attribute,
        amount: m.amount,
        seconds: m.durationSeconds,
      })),
    });
    return OK;
  }

  /** Re-reads an entity's running effects into its combatant, speed and stealth. */
  private applyEffects(id: string): void {
    const list = this.effects.get(id) ?? [];
    const t = totals(list);
    const c = this.combat.combatants.get(id);
    if (c) c.mods = { accuracy: t.accuracy, damage: t.damage, defence: t.defence };
    if (t.speed === 1) this.speedFactor.delete(id);
    else this.speedFactor.set(id, t.speed);
    if (t.stealth && this.world.players.has(id)) this.stealthed.add(id);
    else this.stealthed.delete(id);
    if (list.length === 0) this.effects.delete(id);
  }

  private expireEffects(tick: number): void {
    for (const [id, list] of this.effects) {
      const left = expireEffects(list, tick);
      if (left === list) continue;
      this.effects.set(id, left);
      this.applyEffects(id);
    }
  }

  private endStealth(id: string): void {
    const list = this.effects.get(id);
    if (!list || !this.stealthed.has(id)) return;
    this.effects.set(
      id,
      list.filter((e) => e.attribute !== "stealth"),
    );
    this.applyEffects(id);
  }

  /** Everyone's live positions, except the target where the shooter saw it (ranged attacks only). */
  private positionsSeen(
    abilityId: string,
    targetId: string,
    seen: { x: number; y: number } | undefined,
  ): ReadonlyMap<string, Position> {
    const type = this.pack.ability(abilityId)?.damageType;
    const live = this.positionMap.get(targetId);
    if (!seen || !live || (type !== "ranged" && type !== "viral")) return this.positionMap;
    if (!Number.isFinite(seen.x) || !Number.isFinite(seen.y)) return this.positionMap;
    const positions = new Map(this.positionMap);
    positions.set(targetId, { ...live, x: seen.x, y: seen.y });
    return positions;
  }

  /**
   * Chooses the player's action for the coming interlock round: `quick`,
   * `power`, `grab`, `block` or `withdraw` (unchecked client input). Starting an
   * interlock is `useAbility(id, CLOSE_COMBAT_ABILITY, target)`.
   */
  interlock(sessionId: string, action: unknown): GameResult {
    const fighter = this.combat.combatants.get(sessionId);
    if (!fighter || !this.world.players.has(sessionId))
      return refuse("not_found", "You are not in this district");
    if (fighter.hp <= 0) return refuse("dead", "You cannot act while defeated");
    const result = submitInterlockAction(this.combat, sessionId, action);
    return result.ok ? OK : fromCombatError(result.error);
  }

  /** Gives up a place in an interlock queue (a no-op when not queued). */
  leaveInterlockQueue(sessionId: string): void {
    if (this.world.players.has(sessionId)) this.emitCombat(leaveQueue(this.combat, sessionId, this.tick));
  }

  // ---- content deploy -----------------------------------------------------------

  /**
   * Switches to another content pack between two steps (the room calls it at a
   * tick boundary, right after a step). Pure and deterministic like a step: the
   * same calls on the same seed give the same events.
   *
   * - The district definition of the same id in `next` takes over: bounds
   *   (everyone is clamped into them), hardlines, move speed, PvP, combat
   *   rules (for interlocks that start from now on; running ones keep the rules
   *   they started with), spawn zones.
   * - Spawn zones: NPCs of a zone that is gone, of a slot beyond the zone's new
   *   count, or of a zone that now names another template are despawned
   *   (`npc_despawned`; their interlocks end as "removed"); empty slots, of new
   *   zones too, are filled at once (`npc_spawned`). NPCs that stay take the
   *   zone's new area, height and respawn delay.
   * - NPC templates: every NPC that stays takes its template's new definition:
   *   name, level, stats, max HP (HP keeps its fraction, a dead NPC stays dead),
   *   Inner Strength (fraction kept), abilities, speed, radii, behaviour (one
   *   turned passive leaves combat, one no longer passive joins it). Those whose
   *   name, level or max HP changed are reported as `npc_changed`. New spawns
   *   and respawns use the new templates. Cooldowns already running are kept.
   * - Players: abilities (loadout, free-attack definitions, interlock style)
   *   come from the new pack; level, stats and HP are the character's own.
   * - Loot rolls from now on use the new pack's loot tables.
   *
   * If `next` has no district of this id the simulation does not fail: it keeps
   * running the definition it had, with whatever its zones need that `next`
   * lacks (templates, their abilities and loot tables, the tables' items) taken
   * from the old pack; `district` says `"missing"` and `warnings` lists what was
   * kept. Everything `next` does have (e.g. a changed template) is applied.
   *
   * `next` must be a validated pack (`validateContentPack`).
   */
  applyContent(next: ContentPack): ContentApplyResult {
    const tick = this.tick;
    const warnings: string[] = [];
    // Kills already dealt were earned under the old pack: settle them first.
    this.resolveDeaths(tick);

    const old = this.pack;
    const nextDef = next.district(this.def.id);
    let status: ContentApplyResult["district"];
    let pack = next;
    if (nextDef) {
      status = sameData(nextDef, this.def) ? "unchanged" : "changed";
      this.def = nextDef;
    } else {
      status = "missing";
      const keptPack = packKeepingDistrict(next, old, this.def);
      pack = keptPack.pack;
      warnings.push(
        `district ${this.def.id} is not in the new pack: it keeps running its previous definition`,
        ...keptPack.kept.map((k) => `kept from the previous pack for district ${this.def.id}: ${k}`),
      );
    }
    const district = this.def;
    this.pack = pack;

    // The district's rules and shape.
    this.world.bounds = district.bounds;
    this.noPlayers.bounds = district.bounds;
    this.combat.config = districtCombatConfig(district, this.tickRate);
    this.combat.abilities = new Map(combatAbilities(pack).map((a) => [a.id, a]));
    this.buildZones(district, pack);
    // Escorts keep following their players through a deploy (their zones are not the district's).
    for (const [npcId, e] of [...this.escorts]) {
      const def = pack.npc(e.template);
      if (!def) {
        this.escorts.delete(npcId);
        warnings.push(`escort ${npcId} ended: template ${e.template} is not in the new pack`);
        continue;
      }
      this.templateDefs.set(def.id, def);
      this.zones.push({ ...e.zone, template: toNpcTemplate(def, pack) });
    }
    const zoneById = new Map(this.zones.map((z) => [z.id, z]));

    // NPCs without a place in the new zones go; the others take the new definitions.
    for (const npc of [...this.npcMap.values()]) {
      const zone = zoneById.get(npc.zoneId);
      if (!zone || npc.slot >= zone.count || zone.template.id !== npc.template.id) this.despawn(npc, tick);
    }
    for (const npc of this.npcMap.values()) {
      const zone = zoneById.get(npc.zoneId);
      if (zone) this.refreshNpc(npc, zone, tick);
    }

    for (const p of this.world.players.values()) {
      p.speed = district.moveSpeed;
      this.clampToBounds(p);
      const c = this.combat.combatants.get(p.sessionId);
      const extra = this.extras.get(p.sessionId);
      if (!c || !extra) continue;
      c.loadout = this.loadoutFor(extra, c.level);
      c.style = { ...c.style, damage: styleDamage(c.level, c.loadout, pack) };
    }

    this.spawnNpcs(tick);
    this.syncHp();
    const events = this.out;
    this.out = [];
    return { events, district: status, warnings };
  }

  private despawn(npc: SimNpc, tick: number): void {
    this.emitCombat(removeCombatant(this.combat, npc.id, tick));
    this.npcMap.delete(npc.id);
    this.positionMap.delete(npc.id);
    this.effects.delete(npc.id);
    this.speedFactor.delete(npc.id);
    this.out.push({ kind: "npc_despawned", tick, npcId: npc.id, template: npc.template.id });
  }

  /** An NPC that keeps its slot takes its zone's and its template's new definitions. */
  private refreshNpc(npc: SimNpc, zone: SpawnZone, tick: number): void {
    const template = zone.template;
    const def = this.templateDefs.get(template.id);
    if (!def) return;
    const before = { name: npc.template.name, level: npc.template.level, maxHp: npc.maxHp };
    let c = this.combat.combatants.get(npc.id);
    const hp = c ? rescale(c.hp, c.maxHp, def.hp, true) : rescale(npc.hp, npc.maxHp, template.maxHp, true);

    npc.template = template;
    npc.maxHp = template.maxHp;
    npc.hp = hp;
    npc.home = { ...zone.area };
    npc.respawnSeconds = zone.respawnSeconds;
    npc.z = this.zoneZ.get(zone.id) ?? npc.z;
    // Leashing returns to the spawn point: keep it inside the (possibly moved) zone.
    npc.spawn = clampPoint(npc.spawn, zone.area);
    this.clampToBounds(npc);

    if (def.behavior === "passive") {
      // Civilians are not combatants: nobody can attack them.
      if (c) this.emitCombat(removeCombatant(this.combat, npc.id, tick));
      if (npc.mode === "chase" || npc.mode === "attack") {
        npc.mode = "leash";
        npc.targetId = null;
        npc.wanderTo = null;
      }
    } else {
      const fresh = npcCombatant(npc.id, def, this.pack);
      if (!c) {
        c = fresh;
        this.combat.combatants.set(npc.id, c);
      } else {
        c.is = rescale(c.is, c.maxIs, fresh.maxIs, false);
        c.level = fresh.level;
        c.stats = fresh.stats;
        c.maxHp = fresh.maxHp;
        c.maxIs = fresh.maxIs;
        c.defence = fresh.defence;
        c.resistance = fresh.resistance;
        c.style = fresh.style;
        c.loadout = fresh.loadout;
      }
      c.hp = hp;
    }

    if (before.name !== template.name || before.level !== template.level || before.maxHp !== npc.maxHp) {
      this.out.push({
        kind: "npc_changed",
        tick,
        npcId: npc.id,
        template: template.id,
        name: template.name,
        level: template.level,
        hp,
        maxHp: npc.maxHp,
      });
    }
  }

  private clampToBounds(p: { x: number; y: number }): void {
    const b = this.def.bounds;
    p.x = Math.min(b.maxX, Math.max(b.minX, p.x));
    p.y = Math.min(b.maxY, Math.max(b.minY, p.y));
  }

  // ---- the step ----------------------------------------------------------------

  /**
   * One fixed step, always in this order: inputs and movement (players who are
   * dead or in interlock stay put), NPC spawns, NPC AI and its attacks, combat
   * (interlock rounds, IS regeneration, queues), deaths (XP, loot, kills) and
   * respawns, then out-of-combat HP regeneration.
   */
  step(): GameEvent[] {
    this.expireEffects(this.tick + 1);
    this.move();
    const tick = this.tick;
    this.spawnNpcs(tick);
    this.runNpcs(tick);
    this.emitCombat(stepCombat(this.combat, tick, this.positionMap));
    this.syncHp();
    this.resolveDeaths(tick);
    this.respawnPlayers(tick);
    this.regenerate(tick);
    const events = this.out;
    this.out = [];
    return events;
  }

  private move(): void {
    const tick = this.tick + 1;
    for (const [sessionId, input] of this.inputs) {
      if (!sanitizeIntent(input.moveX, input.moveY)) {
        this.out.push({ kind: "invalid_input", tick, sessionId, seq: input.seq });
      }
    }
    // The world step moves everyone; those who may not move are put back. Inputs
    // still set their intent and ack, as the client's predictor expects.
    const frozen: { p: SimPlayer; x: number; y: number; heading: number }[] = [];
    for (const p of this.world.players.values()) {
      if (this.isFrozen(p.sessionId)) frozen.push({ p, x: p.x, y: p.y, heading: p.heading });
      p.speed = this.district.moveSpeed * (this.speedFactor.get(p.sessionId) ?? 1);
    }
    stepWorld(this.world, this.inputs, this.dt);
    for (const f of frozen) {
      f.p.x = f.x;
      f.p.y = f.y;
      f.p.heading = f.heading;
    }
    this.inputs.clear();
  }

  private isFrozen(id: string): boolean {
    const c = this.combat.combatants.get(id);
    return !c || c.hp <= 0 || isEngaged(this.combat, id);
  }

  private spawnNpcs(tick: number): void {
    const { spawned, despawned } = stepSpawns(this.zones, this.npcMap, tick);
    for (const id of despawned) {
      const npc = this.npcMap.get(id);
      if (npc) this.despawn(npc, tick);
    }
    for (const npc of spawned) {
      npc.z = this.zoneZ.get(npc.zoneId) ?? 0;
      this.npcMap.set(npc.id, npc);
      this.positionMap.set(npc.id, npc);
      const def = this.templateDefs.get(npc.template.id);
      // Passive NPCs (civilians, escort targets) are not combatants: nobody can attack them.
      if (def && def.behavior !== "passive") {
        this.combat.combatants.set(npc.id, npcCombatant(npc.id, def, this.pack));
      }
      this.out.push({
        kind: "npc_spawned",
        tick,
        npcId: npc.id,
        template: npc.template.id,
        x: npc.x,
        y: npc.y,
        z: npc.z,
        respawn: false,
      });
    }
  }

  private runNpcs(tick: number): void {
    const intents: NpcIntent[] = [];
    this.targeted.clear();
    this.npcWorld =
      this.stealthed.size === 0
        ? this.world
        : {
            bounds: this.world.bounds,
            players: new Map([...this.world.players].filter(([id]) => !this.stealthed.has(id))),
          };
    for (const [id, npc] of this.npcMap) {
      const escort = this.escorts.get(id);
      if (escort) {
        this.stepEscort(id, npc, escort, tick);
        continue;
      }
      const c = this.combat.combatants.get(id);
      if (c) npc.hp = c.hp;
      const engaged = c !== undefined && isEngaged(this.combat, id);
      const { npc: next, intents: own } = stepNpc(npc, this.viewFor(npc), this.dt, this.aiRng);
      const factor = this.speedFactor.get(id);
      if (engaged) {
        // Fighters in interlock are placed by the duel, not by their legs.
        next.x = npc.x;
        next.y = npc.y;
      } else {
        if (factor !== undefined && next.mode !== "dead" && npc.mode !== "dead") {
          // A slowed (or hastened) NPC covers that fraction of its step.
          next.x = npc.x + (next.x - npc.x) * factor;
          next.y = npc.y + (next.y - npc.y) * factor;
        }
        intents.push(...own);
      }
      if (c) c.hp = next.hp;
      if (npc.mode === "dead" && next.mode !== "dead") {
        if (c) {
          c.is = c.maxIs;
          c.readyAt = {};
        }
        this.out.push({
          kind: "npc_spawned",
          tick,
          npcId: id,
          template: next.template.id,
          x: next.x,
          y: next.y,
          z: next.z,
          respawn: true,
        });
      }
      this.npcMap.set(id, next);
      this.positionMap.set(id, next);
      if (next.targetId !== null && (next.mode === "chase" || next.mode === "attack")) {
        this.targeted.add(next.targetId);
      }
    }

    // Close combat: an NPC picks each round's action as soon as the last one resolved.
    for (const interlock of this.combat.interlocks.values()) {
      for (const side of ["a", "b"] as const) {
        const id = interlock.fighters[side];
        if (interlock.pending[side] !== null || !this.npcMap.has(id)) continue;
        const action = NPC_INTERLOCK_ACTIONS[Math.floor(this.aiRng() * NPC_INTERLOCK_ACTIONS.length)];
        submitInterlockAction(this.combat, id, action);
      }
    }

    // The AI only wants; combat decides, exactly as for a player's request.
    for (const intent of intents) {
      if (intent.abilityId === "") continue;
      const result = startsInterlock(intent.abilityId, this.pack)
        ? startInterlock(this.combat, intent.npcId, intent.targetId, tick, this.positionMap)
        : useAbility(this.combat, intent.npcId, intent.abilityId, intent.targetId, tick, this.positionMap);
      if (result.ok) this.emitCombat(result.events);
    }
    this.syncHp();
  }

  /** Aggressive NPCs see every player; defensive ones only once provoked; passive ones nobody. */
  private viewFor(npc: SimNpc): NpcWorldView {
    const def = this.templateDefs.get(npc.template.id);
    if (!def || def.behavior === "passive") return this.noPlayers;
    if (def.behavior === "aggressive" || npc.mode === "chase" || npc.mode === "attack") {
      return this.npcWorld ?? this.world;
    }
    return this.noPlayers;
  }

  private resolveDeaths(tick: number): void {
    const deaths = this.deaths;
    this.deaths = [];
    for (const death of deaths) {
      const player = this.world.players.get(death.id);
      if (player) {
        this.killPlayer(player, death, tick);
        continue;
      }
      const npc = this.npcMap.get(death.id);
      if (npc) this.killNpc(npc, death, tick);
    }
  }

  private killPlayer(player: SimPlayer, death: CombatDeath, tick: number): void {
    const extra = this.extras.get(player.sessionId);
    if (extra) extra.respawnAt = tick + this.respawnTicks;
    this.out.push({
      kind: "death",
      tick: death.tick,
      id: player.sessionId,
      entity: "player",
      killerId: death.killerId,
      x: player.x,
      y: player.y,
      z: player.z,
    });
    this.emitCombat(leaveQueue(this.combat, player.sessionId, tick));
  }

  private killNpc(npc: SimNpc, death: CombatDeath, tick: number): void {
    const template = npc.template.id;
    this.out.push({
      kind: "death",
      tick: death.tick,
      id: npc.id,
      entity: "npc",
      killerId: death.killerId,
      template,
      x: npc.x,
      y: npc.y,
      z: npc.z,
    });
    const killer = this.world.players.get(death.killerId);
    const def = this.templateDefs.get(template);
    // Only the killing blow's dealer is credited, and only a player present here.
    if (!killer || !def) return;
    const sessionId = killer.sessionId;
    this.grantExperience(killer, killExperience(def.xp, killer.level, def.level), tick);
    this.out.push({ kind: "kill", tick, sessionId, npcId: npc.id, template });
    const table = def.lootTable === undefined ? undefined : this.pack.lootTable(def.lootTable);
    if (!table) return;
    const drop = rollLoot(table, this.lootRng);
    if (drop.items.length > 0 || drop.info > 0) {
      this.out.push({ kind: "loot", tick, sessionId, npcId: npc.id, template, ...drop });
    }
  }

  /**
   * Experience from outside combat (mission rewards). Its `xp`/`level_up`
   * events come out of the next `step()`, like any request between steps.
   */
  awardExperience(sessionId: string, amount: number): boolean {
    const player = this.world.players.get(sessionId);
    if (!player || !(amount > 0)) return false;
    this.grantExperience(player, Math.floor(amount), this.tick);
    return true;
  }

  private grantExperience(player: SimPlayer, amount: number, tick: number): void {
    const extra = this.extras.get(player.sessionId);
    const c = this.combat.combatants.get(player.sessionId);
    if (!extra || !c || amount <= 0) return;
    extra.experience += amount;
    const from = player.level;
    const to = Math.max(from, levelForExperience(extra.experience));
    const sessionId = player.sessionId;
    this.out.push({
      kind: "xp",
      tick,
      sessionId,
      amount,
      experience: extra.experience,
      ...(to > from ? { level: to } : {}),
    });
    for (let level = from + 1; level <= to; level++) {
      // Each level adds what characterRules says it adds, on top of whatever the character had.
      const gain = maxHealth(extra.stats, level) - maxHealth(extra.stats, level - 1);
      player.level = level;
      player.maxHp += gain;
      c.level = level;
      c.maxHp = player.maxHp;
      c.hp = Math.min(c.maxHp, c.hp + gain);
      const maxIs = playerMaxIs(level);
      c.is = Math.min(maxIs, c.is + (maxIs - c.maxIs));
      c.maxIs = maxIs;
      c.loadout = this.loadoutFor(extra, level);
      c.style = { ...c.style, damage: styleDamage(level, c.loadout, this.pack) };
      player.hp = c.hp;
      this.out.push({ kind: "level_up", tick, sessionId, level, maxHp: c.maxHp, maxIs });
    }
  }

  private respawnPlayers(tick: number): void {
    for (const [sessionId, extra] of this.extras) {
      if (extra.respawnAt === null || tick < extra.respawnAt) continue;
      const player = this.world.players.get(sessionId);
      const c = this.combat.combatants.get(sessionId);
      if (!player || !c) continue;
      const hardline = this.nearestHardline(player);
      player.x = hardline.x;
      player.y = hardline.y;
      player.z = hardline.z;
      c.hp = c.maxHp;
      c.is = c.maxIs;
      player.hp = c.hp;
      extra.respawnAt = null;
      extra.regenCarry = 0;
      this.out.push({
        kind: "respawn",
        tick,
        sessionId,
        hardlineId: hardline.id,
        x: hardline.x,
        y: hardline.y,
        z: hardline.z,
        hp: c.hp,
      });
    }
  }

  private nearestHardline(p: { x: number; y: number }): DistrictDef["hardlines"][number] {
    let best = this.district.hardlines[0]!;
    let bestD2 = Infinity;
    for (const h of this.district.hardlines) {
      const d2 = (h.x - p.x) ** 2 + (h.y - p.y) ** 2;
      if (d2 < bestD2) {
        best = h;
        bestD2 = d2;
      }
    }
    return best;
  }

  /** Out-of-combat HP regeneration (IS regenerates in combat's own step). */
  private regenerate(tick: number): void {
    const perTick = this.tuning.hpRegenPerSecond / this.tickRate;
    for (const [sessionId, extra] of this.extras) {
      const c = this.combat.combatants.get(sessionId);
      const player = this.world.players.get(sessionId);
      if (!c || !player || c.hp <= 0) continue;
      const inCombat =
        tick - extra.lastHostileTick < this.outOfCombatTicks ||
        this.targeted.has(sessionId) ||
        isEngaged(this.combat, sessionId) ||
        this.combat.queuedFor.has(sessionId);
      if (inCombat || c.hp >= c.maxHp) {
        extra.regenCarry = 0;
        continue;
      }
      extra.regenCarry += c.maxHp * perTick;
      const whole = Math.floor(extra.regenCarry);
      if (whole === 0) continue;
      extra.regenCarry -= whole;
      c.hp = Math.min(c.maxHp, c.hp + whole);
      player.hp = c.hp;
    }
  }

  // ---- combat plumbing ---------------------------------------------------------------

  /** Refusals combat cannot know about: unknown ids, untouchable NPCs, PvP off. */
  private checkTarget(casterId: string, targetId: string): GameResult | undefined {
    if (this.world.players.has(targetId)) {
      if (targetId !== casterId && !this.district.pvp) {
        return refuse("pvp_disabled", `${this.district.name} does not allow fighting other players`);
      }
      return undefined;
    }
    if (!this.npcMap.has(targetId)) return refuse("not_found", `Nobody called ${targetId} is here`);
    if (!this.combat.combatants.has(targetId)) return refuse("invalid_target", "That one cannot be attacked");
    return undefined;
  }

  /** Passes combat events out, notes who is in combat, provokes NPCs, and keeps deaths for their phase. */
  private emitCombat(events: readonly CombatEvent[]): void {
    for (const event of events) {
      if (event.type === "death") {
        this.deaths.push(event);
        continue;
      }
      this.out.push({ kind: "combat", tick: event.tick, event });
      switch (event.type) {
        case "ability_used":
          this.hostile(event.casterId, event.targetId, event.tick);
          break;
        case "miss":
        case "damage":
          this.hostile(event.sourceId, event.targetId, event.tick);
          break;
        case "interlock_started":
        case "interlock_queued":
          this.hostile(event.attackerId, event.targetId, event.tick);
          break;
      }
    }
  }

  /** `a` acted against `b`: both are in combat, and an NPC fights back. */
  private hostile(a: string, b: string, tick: number): void {
    for (const id of [a, b]) {
      const extra = this.extras.get(id);
      if (extra) extra.lastHostileTick = tick;
    }
    this.provoke(b, a);
    this.provoke(a, b);
  }

  /** An idle, living NPC attacked by (or attacking) a player turns on that player. */
  private provoke(npcId: string, playerId: string): void {
    const npc = this.npcMap.get(npcId);
    if (!npc || npc.mode !== "idle" || npc.hp <= 0 || !this.world.players.has(playerId)) return;
    if (this.templateDefs.get(npc.template.id)?.behavior === "passive") return;
    npc.mode = "chase";
    npc.targetId = playerId;
    npc.wanderTo = null;
  }

  /** Combat owns HP; the movement and AI records mirror it. */
  private syncHp(): void {
    for (const p of this.world.players.values()) {
      const c = this.combat.combatants.get(p.sessionId);
      if (c) p.hp = c.hp;
    }
    for (const n of this.npcMap.values()) {
      const c = this.combat.combatants.get(n.id);
      if (c) n.hp = c.hp;
    }
  }

  // ---- game master actions ------------------------------------------------------
  // Called by the room for GM commands, between steps like any other request.

  /** Puts a player at a point (clamped to the district); returns where it was. */
  gmTeleport(
    sessionId: string,
    to: { x: number; y: number; z: number },
  ): { x: number; y: number; z: number } | undefined {
    const p = this.world.players.get(sessionId);
    if (!p) return undefined;
    const from = { x: p.x, y: p.y, z: p.z };
    const b = this.district.bounds;
    p.x = Math.min(b.maxX, Math.max(b.minX, to.x));
    p.y = Math.min(b.maxY, Math.max(b.minY, to.y));
    p.z = to.z;
    return from;
  }

  /** Full health and Inner Strength; a dead player stands up where it fell. Returns the HP before. */
  gmHeal(sessionId: string): number | undefined {
    const p = this.world.players.get(sessionId);
    const c = this.combat.combatants.get(sessionId);
    const extra = this.extras.get(sessionId);
    if (!p || !c || !extra) return undefined;
    const before = c.hp;
    c.hp = c.maxHp;
    c.is = c.maxIs;
    p.hp = c.hp;
    extra.respawnAt = null;
    extra.regenCarry = 0;
    return before;
  }

  /**
   * Sets one stat and everything derived from it (a level or vitality change
   * recomputes max HP, Inner Strength and the loadout); returns the old value.
   */
  gmSetStat(sessionId: string, stat: GmStat, value: number): number | undefined {
    const p = this.world.players.get(sessionId);
    const c = this.combat.combatants.get(sessionId);
    const extra = this.extras.get(sessionId);
    if (!p || !c || !extra) return undefined;
    const v = Math.round(value);
    switch (stat) {
      case "hp": {
        const before = c.hp;
        c.hp = Math.max(1, Math.min(c.maxHp, v));
        p.hp = c.hp;
        extra.respawnAt = null;
        return before;
      }
      case "experience": {
        const before = extra.experience;
        extra.experience = Math.max(0, v);
        return before;
      }
      case "level": {
        const before = p.level;
        p.level = v;
        c.level = v;
        this.rederive(p, c, extra);
        return before;
      }
      default: {
        const before = extra.stats[stat];
        extra.stats = { ...extra.stats, [stat]: v };
        c.stats = { ...c.stats, [stat]: v };
        this.rederive(p, c, extra);
        return before;
      }
    }
  }

  /**
   * NPCs of a content template at a point, each in a zone of its own (id
   * `gm<n>-<i>`) that never respawns it: it appears at the next step
   * (`npc_spawned`) and stays until despawned or killed. A content deploy
   * rebuilds the zones from the district and so removes GM spawns.
   * Returns the NPC ids.
   */
  gmSpawn(templateId: string, count: number, at: { x: number; y: number; z: number }): string[] {
    const def = this.pack.npc(templateId);
    if (!def) throw new RangeError(`unknown NPC template "${templateId}"`);
    const template = toNpcTemplate(def, this.pack);
    this.templateDefs.set(def.id, def);
    const b = this.district.bounds;
    const clampX = (v: number) => Math.min(b.maxX, Math.max(b.minX, v));
    const clampY = (v: number) => Math.min(b.maxY, Math.max(b.minY, v));
    const batch = ++this.gmSpawns;
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      // Side by side, a couple of units apart, so they do not stack on one point.
      const x = clampX(at.x + (i - (count - 1) / 2) * 2);
      const y = clampY(at.y + 2);
      const id = `gm${batch}-${i}`;
      this.zones.push({
        id,
        template,
        area: { minX: x, minY: y, maxX: x, maxY: y },
        count: 1,
        respawnSeconds: GM_NO_RESPAWN_SECONDS,
      });
      this.zoneZ.set(id, at.z);
      ids.push(`${id}:0`);
    }
    return ids;
  }

  /** Removes a GM-spawned NPC (zone NPCs belong to the content pack); returns its template, or undefined. */
  gmDespawn(npcId: string): string | undefined {
    const zoneId = npcId.replace(/:0$/, "");
    const index = this.zones.findIndex((z) => z.id === zoneId && z.respawnSeconds === GM_NO_RESPAWN_SECONDS);
    if (index < 0) return undefined;
    const template = this.zones[index]!.template.id;
    // Without its zone, the next step's spawn pass despawns the NPC (npc_despawned).
    this.zones.splice(index, 1);
    this.zoneZ.delete(zoneId);
    return template;
  }

  // ---- escorts --------------------------------------------------------------------

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
    const p = this.world.players.get(sessionId);
    if (!p || !this.pack.npc(templateId)) return undefined;
    const [id] = this.gmSpawn(templateId, 1, { x: p.x + 2, y: p.y, z: p.z });
    const zone = this.zones.find((z) => `${z.id}:0` === id)!;
    this.escorts.set(id!, { owner: sessionId, template: templateId, to: { ...to }, zone });
    return id;
  }

  /** Ends an escort early (mission abandoned): the NPC leaves at the next step. */
  endEscort(npcId: string): void {
    if (!this.escorts.delete(npcId)) return;
    this.gmDespawn(npcId);
  }

  /** Escorts following a player, by NPC id. */
  escortsOf(sessionId: string): { npcId: string; template: string }[] {
    return [...this.escorts]
      .filter(([, e]) => e.owner === sessionId)
      .map(([npcId, e]) => ({ npcId, template: e.template }));
  }

  private stepEscort(id: string, npc: SimNpc, escort: Escort, tick: number): void {
    const owner = this.world.players.get(escort.owner);
    if (!owner) return;
    const dx = owner.x - npc.x;
    const dy = owner.y - npc.y;
    const d = Math.hypot(dx, dy);
    // Walks behind the player, stopping a couple of units short.
    if (d > ESCORT_FOLLOW_DISTANCE) {
      const step = Math.min(npc.template.speed * this.dt, d - ESCORT_FOLLOW_DISTANCE);
      npc.x += (dx / d) * step;
      npc.y += (dy / d) * step;
      npc.heading = headingOf(dx, dy);
    }
    if (Math.hypot(npc.x - escort.to.x, npc.y - escort.to.y) <= escort.to.radius) {
      this.out.push({
        kind: "escorted",
        tick,
        sessionId: escort.owner,
        npcId: id,
        template: escort.template,
      });
      this.endEscort(id);
    }
  }

  // ---- loadouts ------------------------------------------------------------------

  /** An ability as the loadout rules see it, from the pack in force. */
  loadoutLookup = (id: string): LoadoutAbility | undefined => {
    const a = this.pack.ability(id);
    if (!a) return undefined;
    return {
      id: a.id,
      requiredLevel: a.requiredLevel,
      memoryCost: a.memoryCost,
      prerequisites: a.prerequisites,
      usable: true,
    };
  };

  /**
   * Loads abilities (the room checks the player stands at a hardline). The
   * close-combat move is always there and costs nothing. Refused as a whole
   * when the rules refuse it; nothing changes then.
   */
  setLoadout(sessionId: string, abilities: readonly string[]): LoadoutCheck {
    const p = this.world.players.get(sessionId);
    if (!p) return { ok: false, code: "unknown_ability", message: "You are not in this district" };
    const ids = abilities.filter((a) => a !== CLOSE_COMBAT_ABILITY);
    const check = checkLoadout(ids, p.level, this.loadoutLookup);
    if (check.ok) this.applyLoadout(sessionId, ids);
    return check;
  }

  /** What the player has loaded (the starter set when it never chose), with memory used and budget. */
  loadoutOf(
    sessionId: string,
  ): { abilities: string[]; custom: boolean; memory: number; budget: number } | undefined {
    const c = this.combat.combatants.get(sessionId);
    const extra = this.extras.get(sessionId);
    const p = this.world.players.get(sessionId);
    if (!c || !extra || !p) return undefined;
    const abilities = c.loadout.filter((a) => a !== CLOSE_COMBAT_ABILITY);
    const memory = abilities.reduce((m, a) => m + (this.loadoutLookup(a)?.memoryCost ?? 0), 0);
    return { abilities, custom: extra.loadout !== null, memory, budget: memoryBudget(p.level) };
  }

  private applyLoadout(sessionId: string, ids: string[]): void {
    const c = this.combat.combatants.get(sessionId);
    const extra = this.extras.get(sessionId);
    if (!c || !extra) return;
    extra.loadout = [...ids];
    c.loadout = this.loadoutFor(extra, c.level);
    c.style = { ...c.style, damage: styleDamage(c.level, c.loadout, this.pack) };
  }

  /** A chosen loadout keeps what this pack still has; without one, the starter set for the level. */
  private loadoutFor(extra: PlayerExtra, level: number): string[] {
    if (!extra.loadout) return starterLoadout(level, this.pack);
    return [...extra.loadout.filter((a) => this.pack.ability(a)), CLOSE_COMBAT_ABILITY];
  }

  /** The character's stats as the simulation holds them (GM changes included). */
  statsOf(sessionId: string): CharacterStats | undefined {
    const extra = this.extras.get(sessionId);
    return extra && { ...extra.stats };
  }

  private rederive(p: SimPlayer, c: Combatant, extra: PlayerExtra): void {
    const fraction = c.maxHp > 0 ? c.hp / c.maxHp : 1;
    c.maxHp = maxHealth(extra.stats, p.level);
    p.maxHp = c.maxHp;
    c.hp = Math.max(c.hp > 0 ? 1 : 0, Math.min(c.maxHp, Math.round(c.maxHp * fraction)));
    p.hp = c.hp;
    const maxIs = playerMaxIs(p.level);
    c.is = Math.min(maxIs, c.is);
    c.maxIs = maxIs;
    c.loadout = this.loadoutFor(extra, p.level);
    c.style = { ...c.style, damage: styleDamage(p.level, c.loadout, this.pack) };
  }

  // ---- views -------------------------------------------------------------------

  players(): PlayerView[] {
    const out: PlayerView[] = [];
    for (const p of this.world.players.values()) {
      const view = this.player(p.sessionId);
      if (view) out.push(view);
    }
    return out;
  }

  player(sessionId: string): PlayerView | undefined {
    const p = this.world.players.get(sessionId);
    const c = this.combat.combatants.get(sessionId);
    const extra = this.extras.get(sessionId);
    if (!p || !c || !extra) return undefined;
    return {
      sessionId,
      characterId: p.characterId,
      name: p.name,
      organization: p.organization,
      x: p.x,
      y: p.y,
      z: p.z,
      heading: p.heading,
      hp: c.hp,
      maxHp: c.maxHp,
      level: p.level,
      experience: extra.experience,
      ack: p.ack,
      is: c.is,
      maxIs: c.maxIs,
      dead: c.hp <= 0,
      interlockId: interlockOf(this.combat, sessionId)?.id ?? null,
    };
  }

  npcs(): NpcView[] {
    const out: NpcView[] = [];
    for (const n of this.npcMap.values()) out.push(this.npcView(n));
    return out;
  }

  npc(id: string): NpcView | undefined {
    const n = this.npcMap.get(id);
    return n && this.npcView(n);
  }

  private npcView(n: SimNpc): NpcView {
    const c = this.combat.combatants.get(n.id);
    const hp = c ? c.hp : n.hp;
    return {
      id: n.id,
      template: n.template.id,
      name: n.template.name,
      level: n.template.level,
      x: n.x,
      y: n.y,
      z: n.z,
      heading: n.heading,
      hp,
      maxHp: n.maxHp,
      // A killing blow lands before the AI notices it on its next step.
      state: hp <= 0 ? "dead" : n.mode,
      targetId: n.targetId,
    };
  }

  /** Everyone's position by id (players and NPCs, the living and the dead); live, do not modify. */
  positions(): ReadonlyMap<string, Readonly<Position>> {
    return this.positionMap;
  }

  /** A combatant's fighting record (level, stats, loadout, cooldowns) for tests and GM tools; read only. */
  combatant(id: string): Readonly<Combatant> | undefined {
    return this.combat.combatants.get(id);
  }
}

function clampPoint(p: { x: number; y: number }, area: SpawnZone["area"]): { x: number; y: number } {
  return {
    x: Math.min(area.maxX, Math.max(area.minX, p.x)),
    y: Math.min(area.maxY, Math.max(area.minY, p.y)),
  };
}
