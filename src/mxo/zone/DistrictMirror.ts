import type { InterestManager } from "../../framework/aoi/InterestManager.js";
import type { DistrictSimulation } from "../rules/simulation/DistrictSimulation.js";
import type { NpcView } from "../rules/simulation/GameEvent.js";
import type { SimNpc } from "../rules/npc/types.js";
import type { SimPlayer } from "../rules/simulation/world.js";
import type { DistrictState } from "../../../schema/DistrictState.js";
import { NpcState } from "../../../schema/NpcState.js";
import { PlayerState } from "../../../schema/PlayerState.js";

/**
 * The simulation's plain state copied into the replicated schema once a tick,
 * and entities entering or leaving it. Schema setters only record a change
 * when the value differs, so unchanged fields cost nothing on the wire; a
 * player's fields are not even handed to their setters while the simulation's
 * value is the one last written (a quantized setter snaps every value it is
 * given, and a player standing still would pay that for each field each step).
 */
export class DistrictMirror {
  /** Each replicated player with the values last written to it, by session id. */
  private readonly mirrored = new Map<string, Mirrored>();
  /** NPCs despawned this step, still in the state until `publish` (a respawn under the id takes its entry back). */
  private readonly leaving = new Map<string, NpcState>();

  constructor(
    private readonly sim: DistrictSimulation,
    private readonly state: DistrictState,
    private readonly interest: InterestManager,
  ) {}

  /** A player's replicated entry, created at join. */
  addPlayer(sessionId: string): PlayerState | undefined {
    const player = this.sim.player(sessionId);
    if (!player) return undefined;
    const view = new PlayerState();
    view.characterId = player.characterId;
    view.name = player.name;
    view.organization = player.organization;
    this.state.players.set(sessionId, view);
    const entry = mirroredOf(view);
    this.mirrored.set(sessionId, entry);
    copyPlayer(player, entry);
    this.interest.move(sessionId, player.x, player.y);
    return view;
  }

  /** The player leaves the replicated state (and so every view that held it). */
  removePlayer(sessionId: string): void {
    this.mirrored.delete(sessionId);
    this.state.players.delete(sessionId);
  }

  /**
   * An NPC enters the state. One despawned under the same id in this step (a
   * content deploy that gives a zone another template) keeps its entry, its
   * fields overwritten: a new object under the id would reach only the views
   * that take it in, and a client whose view does not would keep the old one
   * for good (the map slot's replacement is filtered out of its patches).
   */
  npcSpawned(npcId: string): void {
    const npc = this.sim.npc(npcId);
    if (!npc) return;
    let view = this.state.npcs.get(npc.id);
    this.leaving.delete(npc.id);
    if (!view) {
      view = new NpcState();
      this.state.npcs.set(npc.id, view);
    }
    view.template = npc.template;
    view.name = npc.name;
    copyNpc(npc, view);
    this.interest.move(npc.id, npc.x, npc.y);
  }

  npcChanged(e: { npcId: string; template: string; name: string; hp: number; maxHp: number }): void {
    const view = this.state.npcs.get(e.npcId);
    if (!view) return;
    view.template = e.template;
    view.name = e.name;
    view.hp = e.hp;
    view.maxHp = e.maxHp;
  }

  /** The NPC leaves the state (and every view) at the end of the step, unless it respawns in it. */
  npcDespawned(npcId: string): void {
    const view = this.state.npcs.get(npcId);
    if (view) this.leaving.set(npcId, view);
  }

  /**
   * End of tick: every entity's changed fields into the schema and its
   * position into the interest manager, in one pass over the simulation's own
   * records (no view object per entity per step).
   */
  publish(): void {
    for (const npcId of this.leaving.keys()) {
      this.interest.remove(npcId);
      this.state.npcs.delete(npcId);
    }
    this.leaving.clear();
    this.state.tick = this.sim.tick;
    const mirrored = this.mirrored;
    for (const player of this.sim.livePlayers()) {
      const entry = mirrored.get(player.sessionId);
      if (entry) copyPlayer(player, entry);
      this.interest.move(player.sessionId, player.x, player.y);
    }
    this.sim.eachNpc(this.publishNpc);
  }

  private readonly publishNpc = (npc: Readonly<SimNpc>, hp: number): void => {
    const view = this.state.npcs.get(npc.id);
    if (view) {
      view.x = npc.x;
      view.y = npc.y;
      view.z = npc.z;
      view.hp = hp;
      view.maxHp = npc.maxHp;
    }
    this.interest.move(npc.id, npc.x, npc.y);
  };
}

/** What a player replicates besides who it is. */
type Replicated = Readonly<Pick<SimPlayer, "x" | "y" | "z" | "heading" | "hp" | "maxHp" | "level" | "ack">>;

/** A replicated player and the simulation's values last written to it (NaN: none yet). */
type Mirrored = { readonly view: PlayerState } & { -readonly [K in keyof Replicated]: number };

function mirroredOf(view: PlayerState): Mirrored {
  return { view, x: NaN, y: NaN, z: NaN, heading: NaN, hp: NaN, maxHp: NaN, level: NaN, ack: NaN };
}

/** Writes the fields whose value changed since the last write (the schema then records what it must send). */
function copyPlayer(p: Replicated, m: Mirrored): void {
  const v = m.view;
  if (p.x !== m.x) v.x = m.x = p.x;
  if (p.y !== m.y) v.y = m.y = p.y;
  if (p.z !== m.z) v.z = m.z = p.z;
  if (p.heading !== m.heading) v.heading = m.heading = p.heading;
  if (p.hp !== m.hp) v.hp = m.hp = p.hp;
  if (p.maxHp !== m.maxHp) v.maxHp = m.maxHp = p.maxHp;
  if (p.level !== m.level) v.level = m.level = p.level;
  if (p.ack !== m.ack) v.ack = m.ack = p.ack;
}

function copyNpc(n: NpcView, v: NpcState): void {
  v.x = n.x;
  v.y = n.y;
  v.z = n.z;
  v.hp = n.hp;
  v.maxHp = n.maxHp;
}
