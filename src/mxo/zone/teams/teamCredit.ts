import { killExperience } from "../../rules/progression.js";
import type { MissionEvent } from "../../rules/missions/types.js";
import type { DistrictContext } from "../DistrictContext.js";

/**
 * A kill shared with the killer's team: every teammate alive in this room
 * within TEAM_CREDIT_RADIUS of the killer gets the kill's full experience as
 * its own level earns it (killExperience: the level-difference rule still
 * applies, so a far stronger mate earns little) and the kill towards its
 * `eliminate` objectives. No split: playing together never pays less than
 * playing alone. The loot stays with the killer.
 */
export function shareKill(ctx: DistrictContext, killer: string, template: string): void {
  const mates = ctx.teams.matesNear(killer);
  if (mates.length === 0) return;
  const def = ctx.content.npc(template);
  for (const mate of mates) {
    const p = ctx.sim.player(mate);
    if (def && p) ctx.sim.awardExperience(mate, killExperience(def.xp, p.level, def.level));
    ctx.missions.event(mate, { kind: "kill", template });
  }
}

/**
 * A mission objective reached by `sessionId` (an escort delivered) counts for
 * its teammates within the radius too. Meeting a contact and collecting items
 * stay personal: each player talks to the contact and hands in its own items.
 */
export function shareObjective(ctx: DistrictContext, sessionId: string, event: MissionEvent): void {
  for (const mate of ctx.teams.matesNear(sessionId)) ctx.missions.event(mate, event);
}
