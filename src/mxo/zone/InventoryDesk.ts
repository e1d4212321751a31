import type { InventoryEntry, InventoryUpdate } from "../contract/serverMessages.js";
import type { ContentPack } from "../content/ContentPack.js";
import type { DistrictContext, Member } from "./DistrictContext.js";
import { heldCode } from "./acquiredAbilities.js";
import { loadoutMessage } from "./handlers/loadout.js";

/** What a character holds, as the ledger last said: item stacks (quantity > 0) and Information. */
export interface Holdings {
  stacks: Map<string, number>;
  information: number;
}

/**
 * The players' inventories in this room. The ledger is the truth; each
 * member keeps the last reading (`Member.holdings`) so handlers can refuse at
 * once what cannot succeed (not owned, not enough Information) and the client
 * gets `inventory` on join and after every change. Readings of one player are
 * chained, so a slow read can never overwrite a newer one.
 */
export class InventoryDesk {
  private readonly reading = new Map<string, Promise<void>>();

  constructor(private readonly ctx: DistrictContext) {}

  /**
   * Reads the player's stacks and Information from the ledger, keeps them and
   * sends `inventory`. Call after anything that changed them (loot, rewards, a
   * purchase, a trade, a GM give). Never rejects: a failed read is logged and
   * the previous reading stays.
   */
  refresh(sessionId: string): Promise<void> {
    const previous = this.reading.get(sessionId) ?? Promise.resolve();
    const next = previous.then(() => this.read(sessionId));
    this.reading.set(sessionId, next);
    void next.finally(() => {
      if (this.reading.get(sessionId) === next) this.reading.delete(sessionId);
    });
    return next;
  }

  /** Sends `inventory` from the last reading (after an equipment change, which the ledger does not see). */
  send(sessionId: string): void {
    const meta = this.ctx.members.get(sessionId);
    if (meta?.holdings) this.ctx.tell([sessionId], "inventory", inventoryMessage(meta, this.ctx.content));
  }

  /** How many of an item the player holds, by the last reading (0 before the first). */
  held(sessionId: string, itemId: string): number {
    return this.ctx.members.get(sessionId)?.holdings?.stacks.get(itemId) ?? 0;
  }

  private async read(sessionId: string): Promise<void> {
    const { ctx } = this;
    const meta = ctx.members.get(sessionId);
    if (!meta) return;
    try {
      const [stacks, information] = await Promise.all([
        ctx.services.ledger.inventory(meta.characterId),
        ctx.services.ledger.balance(meta.characterId),
      ]);
      // Left (or travelled and came back as another member) while the ledger answered.
      if (ctx.members.get(sessionId) !== meta) return;
      const codeBefore = heldCode(meta, ctx.content);
      meta.holdings = { stacks: new Map(stacks.map((s) => [s.itemId, s.quantity])), information };
      if (dropUnheldEquipment(meta)) {
        ctx.equipmentChanged(sessionId);
        ctx.saveLater(sessionId);
      }
      this.send(sessionId);
      // Ability code came or went: the loadout screen's catalog follows.
      if (heldCode(meta, ctx.content) !== codeBefore)
        ctx.tell([sessionId], "loadout", loadoutMessage(ctx, sessionId));
    } catch (err) {
      ctx.services.log.warn({ err, character: meta.name }, "inventory read failed");
    }
  }
}

/**
 * An item taken away (a GM take, a trade or sale elsewhere) cannot stay
 * equipped. True when something was unequipped.
 */
function dropUnheldEquipment(meta: Member): boolean {
  let dropped = false;
  for (const [slot, itemId] of Object.entries(meta.equipment)) {
    if ((meta.holdings?.stacks.get(itemId) ?? 0) <= 0) {
      delete meta.equipment[slot];
      dropped = true;
    }
  }
  return dropped;
}

/** The `inventory` message: stacks by item name, with where each equipped item sits. */
export function inventoryMessage(meta: Member, content: ContentPack): InventoryUpdate {
  const equippedIn = new Map(Object.entries(meta.equipment).map(([slot, itemId]) => [itemId, slot]));
  const items: InventoryEntry[] = [];
  for (const [itemId, qty] of meta.holdings?.stacks ?? []) {
    if (qty <= 0) continue;
    const def = content.item(itemId);
    const slot = def?.kind === "weapon" ? "weapon" : def?.slot;
    items.push({
      itemId,
      name: def?.name ?? itemId,
      qty,
      equipped: equippedIn.has(itemId),
      ...(slot ? { slot } : {}),
      ...(def ? { kind: def.kind } : {}),
    });
  }
  items.sort((a, b) => a.name.localeCompare(b.name));
  return { items, information: meta.holdings?.information ?? 0 };
}
