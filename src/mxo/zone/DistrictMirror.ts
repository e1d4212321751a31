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
 * when the value differs, so unchanged fields cost nothing on the wire.
 */
export class DistrictMirror {
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
    copyPlayer(player, view);
    this.interest.move(sessionId, player.x, player.y);
    return view;
  }

  npcSpawned(npcId: string): void {
    const npc = this.sim.npc(npcId);
    if (!npc) return;
    let view = this.state.npcs.get(npc.id);
    if (!view) {
      view = new NpcState();
      view.template = npc.template;
      view.name = npc.name;
      this.state.npcs.set(npc.id, view);
    }
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

  npcDespawned(npcId: string): void {
    this.interest.remove(npcId);
    this.state.npcs.delete(npcId);
  }

  /**
   * End of tick: every entity's changed fields into the schema and its
   * position into the interest manager, in one pass over the simulation's own
   * records (no view object per entity per step).
   */
  publish(): void {
    this.state.tick = this.sim.tick;
    const players = this.state.players;
    for (const player of this.sim.livePlayers()) {
      const view = players.get(player.sessionId);
      if (view) copyPlayer(player, view);
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

/** What a player replicates besides who it is; a setter given its current value records nothing. */
type Replicated = Readonly<Pick<SimPlayer, "x" | "y" | "z" | "heading" | "hp" | "maxHp" | "level" | "ack">>;

function copyPlayer(p: Replicated, v: PlayerState): void {
  v.x = p.x;
  v.y = p.y;
  v.z = p.z;
  v.heading = p.heading;
  v.hp = p.hp;
  v.maxHp = p.maxHp;
  v.level = p.level;
  v.ack = p.ack;
}

function copyNpc(n: NpcView, v: NpcState): void {
  v.x = n.x;
  v.y = n.y;
  v.z = n.z;
  v.hp = n.hp;
  v.maxHp = n.maxHp;
}
