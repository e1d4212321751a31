import { CURRENCY } from "../../framework/economy/ledgerOps.js";
import { InsufficientQuantityError } from "../../framework/economy/errors.js";
import { applyEvent, completeIfDone } from "../rules/missions/missionRules.js";
import { applyReputationRewards } from "../rules/missions/reputation.js";
import type { MissionCompletion, MissionEvent } from "../rules/missions/types.js";
import type { DistrictContext } from "./DistrictContext.js";

/**
 * The missions of the players in one district room, between the pure rules
 * (src/mxo/rules/missions) and the world: events from the step and from messages
 * advance objectives; completions pay experience through the simulation,
 * reputation on the character, and items and information through the ledger
 * under a key unique to the completion, so a retry never pays twice.
 */
export class MissionDesk {
  constructor(private readonly ctx: DistrictContext) {}

  /** Feeds one event to a player's missions, reports progress, pays completed ones. */
  event(sessionId: string, event: MissionEvent): void {
    const meta = this.ctx.members.get(sessionId);
    if (!meta || meta.missions.active.length === 0) return;
    const before = JSON.stringify(meta.missions.active);
    meta.missions = applyEvent(meta.missions, event);
    if (JSON.stringify(meta.missions.active) === before) return;
    for (const m of meta.missions.active) {
      this.ctx.tell([sessionId], "mission", {
        kind: "progress",
        missionId: m.missionId,
        objectives: m.objectives,
      });
    }
    for (const m of [...meta.missions.active]) {
      const done = completeIfDone(meta.missions, m.missionId);
      if (done) this.complete(sessionId, done);
    }
  }

  /**
   * A mission's objectives are met. One with `collect` objectives first hands
   * the items in, in the same ledger batch as its rewards: all or nothing.
   */
  complete(sessionId: string, done: MissionCompletion): void {
    if (done.consumed.length > 0) {
      void this.turnIn(sessionId, done);
      return;
    }
    const { services: s } = this.ctx;
    const meta = this.ctx.members.get(sessionId)!;
    this.finish(sessionId, done);
    const legs = this.rewardLegs(meta.characterId, done);
    if (legs.length > 0) {
      s.ledger
        .applyAll({
          legs,
          idempotencyKey: missionKey(meta.characterId, done),
          reason: `mission ${done.missionId}`,
          actor: "game",
        })
        .then(() => this.ctx.inventory.refresh(sessionId))
        .catch((err) => s.log.error({ err, character: meta.name }, "mission reward grant failed"));
    }
  }

  /**
   * Escort objectives of active missions (one mission, or all) whose
   * destination lies in this district and that are not done: the NPC appears
   * by the player and follows it (`mission {kind:"escort", npcId, to}`).
   */
  startEscorts(sessionId: string, missionId?: string): void {
    const { ctx } = this;
    const meta = ctx.members.get(sessionId);
    if (!meta) return;
    for (const m of meta.missions.active) {
      if (missionId !== undefined && m.missionId !== missionId) continue;
      for (const { objective, progress } of m.objectives) {
        if (objective.kind !== "escort" || progress >= 1) continue;
        const content = ctx.content
          .mission(m.missionId)
          ?.objectives.find((o) => o.kind === "escort" && o.template === objective.template);
        if (content?.kind !== "escort" || content.to.district !== ctx.def.id) continue;
        if (ctx.sim.escortsOf(sessionId).some((e) => e.template === objective.template)) continue;
        const npcId = ctx.sim.startEscort(sessionId, objective.template, objective.to);
        if (npcId) {
          ctx.tell([sessionId], "mission", {
            kind: "escort",
            missionId: m.missionId,
            npcId,
            template: objective.template,
            to: objective.to,
          });
        }
      }
    }
  }

  /**
   * Takes the collected items and pays the rewards in one ledger batch, then
   * completes. Refused (the items are no longer all there): the mission stays
   * active and the player is told; `mission {action:"turn_in"}` tries again.
   * If the player leaves meanwhile, the mission stays active and the next
   * attempt replays the same key: nothing is taken or paid twice.
   */
  private async turnIn(sessionId: string, done: MissionCompletion): Promise<void> {
    const { services: s } = this.ctx;
    const meta = this.ctx.members.get(sessionId);
    if (!meta || meta.turningIn.has(done.missionId)) return;
    meta.turningIn.add(done.missionId);
    try {
      await s.ledger.applyAll({
        legs: [
          ...done.consumed.map((c) => ({
            characterId: meta.characterId,
            itemId: c.item,
            quantity: -c.count,
            kind: "mission_turn_in" as const,
          })),
          ...this.rewardLegs(meta.characterId, done),
        ],
        idempotencyKey: missionKey(meta.characterId, done),
        reason: `mission ${done.missionId}`,
        actor: "game",
      });
      if (this.ctx.members.get(sessionId) !== meta) return;
      void this.ctx.inventory.refresh(sessionId);
      const now = completeIfDone(meta.missions, done.missionId);
      if (now && now.completion === done.completion) this.finish(sessionId, now);
    } catch (err) {
      if (err instanceof InsufficientQuantityError) {
        const needs = done.consumed.map((c) => `${c.count} ${c.item}`).join(", ");
        this.ctx.tell([sessionId], "mission", {
          kind: "turn_in_failed",
          missionId: done.missionId,
          message: `Hand in ${needs}: you no longer hold them all`,
        });
      } else {
        s.log.error({ err, character: meta.name, mission: done.missionId }, "mission turn-in failed");
      }
    } finally {
      meta.turningIn.delete(done.missionId);
    }
  }

  private rewardLegs(characterId: string, done: MissionCompletion) {
    const info = this.ctx.content.mission(done.missionId)?.rewards.info ?? 0;
    const legs = done.rewards.items.map((i) => ({
      characterId,
      itemId: i.item,
      quantity: i.count,
      kind: "mission_reward" as const,
    }));
    if (info > 0) legs.push({ characterId, itemId: CURRENCY, quantity: info, kind: "mission_reward" });
    return legs;
  }

  private finish(sessionId: string, done: MissionCompletion): void {
    const { ctx } = this;
    const meta = ctx.members.get(sessionId)!;
    meta.missions = done.state;
    meta.reputation = applyReputationRewards(meta.reputation, done.rewards.reputation);
    ctx.sim.awardExperience(sessionId, done.rewards.xp);
    const info = ctx.content.mission(done.missionId)?.rewards.info ?? 0;
    ctx.services.metrics.missionsCompleted.inc({ district: ctx.def.id });
    ctx.analytics(sessionId, "mission_complete", 1, {
      missionId: done.missionId,
      completion: done.completion,
    });
    for (const i of done.rewards.items) {
      ctx.analytics(sessionId, "item_acquired", i.count, { itemId: i.item, source: "mission" });
    }
    if (info > 0) ctx.analytics(sessionId, "currency_earned", info, { source: "mission" });
    // Completion and reputation are worth a save now rather than at the next autosave.
    ctx.saveLater(sessionId);
    ctx.tell([sessionId], "mission", {
      kind: "completed",
      missionId: done.missionId,
      completion: done.completion,
      rewards: { ...done.rewards, info },
      handedIn: done.consumed,
      reputation: meta.reputation,
    });
  }
}

function missionKey(characterId: string, done: MissionCompletion): string {
  return `mission:${characterId}:${done.missionId}:${done.completion}`;
}
