import { headingOf } from "../../../../framework/movement.js";
import type { SimNpc } from "../../npc/types.js";
import type { DistrictState, Escort } from "../DistrictState.js";
import { gmDespawn, gmSpawn } from "../gmOperations.js";

/** An escorted NPC keeps this far behind the player it follows. */
const ESCORT_FOLLOW_DISTANCE = 2;

/**
 * A mission's escort: an NPC of `templateId` appears next to the player at
 * the next step and follows it (at the template's speed, never into combat);
 * once inside `to` it emits `escorted` and leaves. Returns its id.
 */
export function startEscort(
  s: DistrictState,
  sessionId: string,
  templateId: string,
  to: { x: number; y: number; radius: number },
): string | undefined {
  const p = s.world.players.get(sessionId);
  if (!p || !s.pack.npc(templateId)) return undefined;
  const [id] = gmSpawn(s, templateId, 1, { x: p.x + 2, y: p.y, z: p.z });
  const zone = s.zones.find((z) => `${z.id}:0` === id)!;
  s.escorts.set(id!, { owner: sessionId, template: templateId, to: { ...to }, zone });
  return id;
}

/** Ends an escort early (mission abandoned): the NPC leaves at the next step. */
export function endEscort(s: DistrictState, npcId: string): void {
  if (!s.escorts.delete(npcId)) return;
  gmDespawn(s, npcId);
}

/** Escorts following a player, by NPC id. */
export function escortsOf(s: DistrictState, sessionId: string): { npcId: string; template: string }[] {
  return [...s.escorts]
    .filter(([, e]) => e.owner === sessionId)
    .map(([npcId, e]) => ({ npcId, template: e.template }));
}

/** The escort phase of one NPC (run in the AI's turn, in NPC order): follow the owner, arrive, leave. */
export function stepEscort(s: DistrictState, id: string, npc: SimNpc, escort: Escort, tick: number): void {
  const owner = s.world.players.get(escort.owner);
  if (!owner) return;
  const dx = owner.x - npc.x;
  const dy = owner.y - npc.y;
  const d = Math.hypot(dx, dy);
  // Walks behind the player, stopping a couple of units short.
  if (d > ESCORT_FOLLOW_DISTANCE) {
    const step = Math.min(npc.template.speed * s.dt, d - ESCORT_FOLLOW_DISTANCE);
    npc.x += (dx / d) * step;
    npc.y += (dy / d) * step;
    npc.heading = headingOf(dx, dy);
  }
  if (Math.hypot(npc.x - escort.to.x, npc.y - escort.to.y) <= escort.to.radius) {
    s.out.push({
      kind: "escorted",
      tick,
      sessionId: escort.owner,
      npcId: id,
      template: escort.template,
    });
    endEscort(s, id);
  }
}
