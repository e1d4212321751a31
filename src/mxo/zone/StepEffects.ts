import { CURRENCY } from "../../framework/economy/ledgerOps.js";
import type { GameEvent } from "../rules/simulation/GameEvent.js";
import { sendSheet } from "./CharacterSheets.js";
import type { DistrictContext } from "./DistrictContext.js";
import type { DistrictMirror } from "./DistrictMirror.js";
import { shareKill, shareObjective } from "./teams/teamCredit.js";

type EventOf<K extends GameEvent["kind"]> = Extract<GameEvent, { kind: K }>;

/**
 * What the step's events do outside the simulation, each kind in one place:
 * NPCs enter or leave the replicated state, players hear about their fights,
 * missions advance, loot goes to the ledger (never awaited in the tick; the
 * idempotency key makes a retried grant harmless), analytics and metrics are
 * counted.
 */
export class StepEffects {
  /** Fighters of each running interlock (`a` pulled `b` in), for routing its round events. */
  private readonly duels = new Map<string, { a: string; b: string; tick: number }>();
  /** Tick an NPC first took damage in its current life, for the free-fight duration metric. */
  private readonly firstHit = new Map<string, number>();

  constructor(
    private readonly ctx: DistrictContext,
    private readonly mirror: DistrictMirror,
  ) {}

  apply(events: readonly GameEvent[]): void {
    const { ctx } = this;
    for (const e of events) {
      switch (e.kind) {
        case "npc_spawned":
          this.mirror.npcSpawned(e.npcId);
          break;
        case "npc_changed":
          this.mirror.npcChanged(e);
          break;
        case "npc_despawned":
          this.firstHit.delete(e.npcId);
          this.mirror.npcDespawned(e.npcId);
          break;
        case "effect":
          ctx.tell([e.casterId, e.targetId], "combat", e);
          break;
        case "escorted":
          ctx.missions.event(e.sessionId, { kind: "escorted", template: e.template });
          shareObjective(ctx, e.sessionId, { kind: "escorted", template: e.template });
          break;
        case "invalid_input":
          ctx.services.metrics.messages.inc({ type: "input", result: "invalid" });
          break;
        case "combat":
          this.combat(e);
          break;
        case "death":
          this.death(e);
          break;
        case "respawn":
        case "item_used":
          ctx.tell([e.sessionId], "combat", e);
          break;
        case "xp":
          ctx.tell([e.sessionId], "combat", e);
          // Its level-ups, if any, are already in the simulation: one sheet covers them.
          sendSheet(ctx, e.sessionId);
          break;
        case "level_up":
          ctx.tell([e.sessionId], "combat", e);
          ctx.analytics(e.sessionId, "level_up", e.level);
          ctx.teams.levelChanged(e.sessionId);
          break;
        case "kill":
          ctx.tell([e.sessionId], "combat", e);
          ctx.missions.event(e.sessionId, { kind: "kill", template: e.template });
          shareKill(ctx, e.sessionId, e.template);
          break;
        case "loot":
          ctx.tell([e.sessionId], "combat", e);
          this.grantLoot(e);
          for (const item of e.items) {
            ctx.missions.event(e.sessionId, { kind: "item", item: item.itemId, count: item.quantity });
          }
          break;
      }
    }
  }

  private combat(e: EventOf<"combat">): void {
    const { ctx } = this;
    const ev = e.event as { type: string; interlockId?: string; attackerId?: string; targetId?: string };
    // Round events name the duel, not its fighters: remember who fights in which.
    if (ev.type === "interlock_started" && ev.interlockId) {
      this.duels.set(ev.interlockId, { a: ev.attackerId!, b: ev.targetId!, tick: e.tick });
    }
    const fighters = ev.interlockId ? this.duels.get(ev.interlockId) : undefined;
    if (ev.type === "interlock_ended" && ev.interlockId) {
      this.duels.delete(ev.interlockId);
      if (fighters) {
        ctx.services.metrics.combatDuration.observe(
          { combat_type: "interlock" },
          (e.tick - fighters.tick) / ctx.sim.tickRate,
        );
      }
    }
    if (ev.type === "damage" && ev.targetId && ctx.sim.npc(ev.targetId) && !this.firstHit.has(ev.targetId)) {
      this.firstHit.set(ev.targetId, e.tick);
    }
    const to = participants(e.event, ctx.members);
    if (fighters) to.push(...[fighters.a, fighters.b].filter((id) => ctx.members.has(id)));
    ctx.tell(to, "combat", fighters ? { ...e, fighters: { a: fighters.a, b: fighters.b } } : e);
  }

  private death(e: EventOf<"death">): void {
    const { ctx } = this;
    ctx.tell([e.id, e.killerId], "combat", e);
    if (e.entity === "player") {
      ctx.trades.end(e.id, "was defeated");
      const name = (id: string) => ctx.members.get(id)?.name;
      ctx.analytics(e.id, "death", undefined, { killer: name(e.killerId) ?? e.killerId });
      if (ctx.members.has(e.killerId)) {
        ctx.analytics(e.killerId, "pvp_result", undefined, { result: "win", opponent: name(e.id) });
        ctx.analytics(e.id, "pvp_result", undefined, { result: "loss", opponent: name(e.killerId) });
      }
    }
    ctx.services.metrics.kills.inc({ district: ctx.def.id, victim: e.entity });
    const since = this.firstHit.get(e.id);
    if (since !== undefined) {
      this.firstHit.delete(e.id);
      ctx.services.metrics.combatDuration.observe(
        { combat_type: "free" },
        (e.tick - since) / ctx.sim.tickRate,
      );
    }
  }

  private grantLoot(e: EventOf<"loot">): void {
    const { ctx } = this;
    const s = ctx.services;
    const who = ctx.members.get(e.sessionId);
    if (!who) return;
    for (const i of e.items) {
      ctx.analytics(e.sessionId, "item_acquired", i.quantity, { itemId: i.itemId, source: "loot" });
    }
    if (e.info > 0) ctx.analytics(e.sessionId, "currency_earned", e.info, { source: "loot" });
    const legs = e.items.map((i) => ({
      characterId: who.characterId,
      itemId: i.itemId,
      quantity: i.quantity,
      kind: "loot" as const,
    }));
    if (e.info > 0)
      legs.push({ characterId: who.characterId, itemId: CURRENCY, quantity: e.info, kind: "loot" });
    if (legs.length === 0) return;
    s.ledger
      .applyAll({
        legs,
        idempotencyKey: `loot:${ctx.roomId}:${e.npcId}:${e.tick}`,
        reason: `${e.template} loot`,
        actor: "game",
      })
      .then(() => ctx.inventory.refresh(e.sessionId))
      .catch((err) => s.log.error({ err, character: who.name }, "loot grant failed"));
  }
}

/** The sessions of this room named anywhere in a combat event (caster, target, fighters…). */
function participants(event: object, sessions: { has(sessionId: string): boolean }): string[] {
  const out: string[] = [];
  for (const value of Object.values(event)) {
    if (typeof value === "string" && sessions.has(value)) out.push(value);
  }
  return out;
}
