import { toMissionDef } from "../../rules/missions/fromContent.js";
import { MissionMessage } from "../../contract/clientMessages.js";
import { abandonMission, acceptMission, completeIfDone } from "../../rules/missions/missionRules.js";
import { handler } from "./MessageHandler.js";

/** Why `acceptMission` refused, in words a player reads. */
const REFUSALS: Record<string, (name: string, level: number) => string> = {
  already_active: (name) => `${name} is already active`,
  already_completed: (name) => `${name} is done and cannot be repeated`,
  level_too_low: (name, level) => `${name} needs level ${level}`,
  too_many_active: () => "Too many active missions; abandon one first",
  not_active: (name) => `${name} is not active`,
};

/** `mission {action, missionId}`: accept, abandon or turn in; progress comes from kills, loot and meetings. */
export const mission = handler({
  type: "mission",
  schema: MissionMessage,
  handle(ctx, client, msg) {
    const meta = ctx.members.get(client.sessionId);
    const player = ctx.sim.player(client.sessionId);
    if (!meta || !player) return;
    if (msg.action === "turn_in") {
      const done = completeIfDone(meta.missions, msg.missionId);
      if (!done) {
        const name = ctx.content.mission(msg.missionId)?.name ?? "That mission";
        return ctx.error(client, "not_ready", `${name} is not active or not done yet`);
      }
      return ctx.missions.complete(client.sessionId, done);
    }
    if (msg.action === "abandon") {
      const result = abandonMission(meta.missions, msg.missionId);
      if (!result.ok) return ctx.error(client, result.error, `Mission "${msg.missionId}" is not active`);
      const abandoned = meta.missions.active.find((m) => m.missionId === msg.missionId);
      meta.missions = result.state;
      for (const e of ctx.sim.escortsOf(client.sessionId)) {
        const escorted = abandoned?.objectives.some(
          (o) => o.objective.kind === "escort" && o.objective.template === e.template,
        );
        if (escorted) ctx.sim.endEscort(e.npcId);
      }
      client.send("mission", { kind: "abandoned", missionId: msg.missionId });
      return;
    }
    const def = ctx.content.mission(msg.missionId);
    if (!def) return ctx.error(client, "unknown_mission", `Unknown mission "${msg.missionId}"`);
    if (def.organization && def.organization !== meta.organization) {
      return ctx.error(client, "wrong_organization", `${def.name} is for the ${def.organization} only`);
    }
    const missing = def.prerequisites.filter((p) => !meta.missions.completed[p]);
    if (missing.length > 0) {
      return ctx.error(client, "prerequisites_missing", `${def.name} needs ${missing.join(", ")} first`);
    }
    const result = acceptMission(meta.missions, toMissionDef(def), player.level);
    if (!result.ok) {
      const reason = REFUSALS[result.error]?.(def.name, def.requiredLevel) ?? result.error;
      return ctx.error(
        client,
        result.error,
        result.error === "unknown_mission" ? `Unknown mission "${msg.missionId}"` : reason,
      );
    }
    meta.missions = result.state;
    const active = meta.missions.active.find((m) => m.missionId === def.id);
    client.send("mission", { kind: "accepted", missionId: def.id, objectives: active?.objectives ?? [] });
    ctx.missions.startEscorts(client.sessionId, def.id);
  },
});
