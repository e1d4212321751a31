import type { MissionDef as ContentMission } from "../../content/schema/mission.js";
import type { MissionDef, Objective } from "./types.js";

/**
 * A content mission as the mission rules see it. A `meet` names a contact or
 * an NPC template alike; an escort's destination keeps its radius. Information
 * (currency) rewards are paid by the room beside the rules' rewards.
 */
export function toMissionDef(m: ContentMission): MissionDef {
  return {
    id: m.id,
    minLevel: m.requiredLevel,
    repeatable: m.repeatable,
    objectives: m.objectives.map((o): Objective => {
      switch (o.kind) {
        case "meet":
          return { kind: "meet", contact: (o.contact ?? o.npc)! };
        case "eliminate":
          return { kind: "eliminate", template: o.template, count: o.count };
        case "collect":
          return { kind: "collect", item: o.item, count: o.count };
        case "escort":
          return { kind: "escort", template: o.template, to: { x: o.to.x, y: o.to.y, radius: o.to.radius } };
      }
    }),
    rewards: {
      xp: m.rewards.xp,
      items: m.rewards.items.map((i) => ({ item: i.item, count: i.count })),
      reputation: { ...m.rewards.reputation },
    },
  };
}
