import type { CombatEvent, CombatMessage, Side } from "../../../src/mxo/contract/combat.js";
import type { DistrictCanvas } from "./DistrictCanvas.js";
import type { EventLog } from "./EventLog.js";
import type { InterlockPanel } from "./InterlockPanel.js";
import { OwnEffects } from "./OwnEffects.js";

/**
 * Turns the server's `combat` messages into what the player sees: floating
 * numbers on the map, lines in the event log, the close-combat panel's state
 * and round log, and whether the own character can move (defeated or locked
 * in close combat, the server ignores movement).
 */
export class CombatFeed {
  dead = false;
  /** Buffs and debuffs on the own character (speed feeds movement prediction). */
  readonly effects = new OwnEffects();
  private interlock: { id: string; side: Side; opponent: string } | undefined;

  constructor(
    private readonly me: () => string,
    private readonly nameOf: (id: string) => string,
    private readonly canvas: DistrictCanvas,
    private readonly log: EventLog,
    private readonly panel: InterlockPanel,
    private readonly tickRate: () => number,
  ) {}

  get frozen(): boolean {
    return this.dead || this.interlock !== undefined;
  }

  /** A new room: whatever fight was going on ended with the old one. */
  reset(): void {
    this.dead = false;
    this.interlock = undefined;
    this.effects.reset();
  }

  handle(msg: CombatMessage): void {
    const me = this.me();
    const who = (id: string) => (id === me ? "You" : this.nameOf(id));
    switch (msg.kind) {
      case "combat":
        return this.combat(msg.event, me, who);
      case "death":
        if (msg.id === me) {
          this.dead = true;
          this.interlock = undefined;
          this.panel.ended("");
          this.log.add(
            "error",
            `You were defeated by ${who(msg.killerId)}. You will wake at the nearest hardline.`,
          );
          this.log.toast("error", "You were defeated");
        } else {
          this.log.add("good", `${who(msg.id)} is defeated${msg.killerId === me ? " by you" : ""}.`);
          this.canvas.float(msg.id, "✖", "#ff5c5c");
        }
        return;
      case "respawn":
        this.dead = false;
        this.log.add("info", `You wake up at hardline ${msg.hardlineId} with ${msg.hp} HP.`);
        return;
      case "xp":
        this.log.add("good", `+${msg.amount} experience (${msg.experience} total).`);
        this.canvas.float(me, `+${msg.amount} xp`, "#2fff6a");
        return;
      case "level_up":
        this.log.add("good", `Level ${msg.level}! Max HP ${msg.maxHp}, Inner Strength ${msg.maxIs}.`);
        this.log.toast("good", `Level ${msg.level}`, "New abilities may be available at a hardline.");
        return;
      case "loot": {
        const items = msg.items.map((i) => `${i.quantity}× ${i.itemId}`);
        if (msg.info > 0) items.push(`${msg.info} information`);
        this.log.add("good", `Loot from ${msg.template}: ${items.join(", ") || "nothing"}.`);
        return;
      }
      case "kill":
        return;
      case "effect": {
        if (msg.targetId === me) this.effects.add(msg, this.tickRate());
        const by = msg.casterId === msg.targetId ? "" : ` on ${who(msg.targetId).replace(/^You$/, "you")}`;
        const mods = msg.modifiers.map(
          (m) => `${m.attribute} ${m.amount > 0 ? "+" : ""}${m.amount} for ${m.seconds} s`,
        );
        const healed = msg.healed !== undefined ? `heals ${Math.round(msg.healed)}` : "";
        this.log.add(
          "combat",
          `${who(msg.casterId)}: ${msg.abilityId}${by} — ${[healed, ...mods].filter(Boolean).join(", ")}.`,
        );
        if (msg.healed) this.canvas.float(msg.targetId, `+${Math.round(msg.healed)}`, "#2fff6a");
        return;
      }
    }
  }

  private combat(e: CombatEvent, me: string, who: (id: string) => string): void {
    switch (e.type) {
      case "ability_used":
        // Others' uses are followed by their hit or miss, which says enough.
        if (e.casterId === me) this.log.add("combat", `You use ${e.abilityId} on ${who(e.targetId)}.`);
        return;
      case "miss":
        this.canvas.float(e.targetId, "miss", "#aaaaaa");
        this.log.add("combat", `${who(e.sourceId)} missed ${who(e.targetId)}.`);
        return;
      case "damage":
        this.canvas.float(e.targetId, `-${Math.round(e.amount)}`, e.targetId === me ? "#ff5c5c" : "#ffe066");
        this.log.add(
          "combat",
          `${who(e.sourceId)} hit ${who(e.targetId).replace(/^You$/, "you")} for ${Math.round(e.amount)} ${e.damageType} (${Math.max(0, Math.round(e.hp))} HP left).`,
        );
        return;
      case "interlock_queued":
        if (e.attackerId === me)
          this.log.add("combat", `Waiting to engage ${who(e.targetId)} (#${e.position} in line).`);
        return;
      case "interlock_unqueued":
        if (e.attackerId === me)
          this.log.add("combat", `No longer waiting to engage ${who(e.targetId)} (${e.reason}).`);
        return;
      case "interlock_started": {
        if (e.attackerId !== me && e.targetId !== me) return;
        const side: Side = e.attackerId === me ? "a" : "b";
        const opponent = who(side === "a" ? e.targetId : e.attackerId);
        this.interlock = { id: e.interlockId, side, opponent };
        this.panel.started(opponent);
        this.log.add("combat", `Close combat with ${opponent}!`);
        return;
      }
      case "round_resolved":
        if (this.interlock?.id === e.interlockId)
          this.panel.round(e.entry, this.interlock.side, this.interlock.opponent);
        return;
      case "dazed":
        this.log.add("combat", `${who(e.id)} ${e.id === me ? "are" : "is"} dazed.`);
        return;
      case "withdrew":
        this.log.add("combat", `${who(e.id)} withdrew from close combat.`);
        return;
      case "interlock_ended": {
        if (this.interlock?.id !== e.interlockId) return;
        const won = e.winnerId === me ? "You won." : e.winnerId ? `${who(e.winnerId)} won.` : "";
        const text = `Close combat ended (${e.reason}). ${won}`.trim();
        this.interlock = undefined;
        this.panel.ended(text);
        this.log.add("combat", text);
        return;
      }
    }
  }
}
