import type { ContentPack } from "../content/ContentPack.js";
import { codeIndex, hasAcquired } from "../rules/abilityCode.js";
import type { DistrictContext, Member } from "./DistrictContext.js";

// A pack is frozen and replaced whole on deploy: its code index is built once.
const indexes = new WeakMap<ContentPack, Map<string, string[]>>();

function codeOf(pack: ContentPack): Map<string, string[]> {
  let index = indexes.get(pack);
  if (!index) {
    index = codeIndex(pack.items);
    indexes.set(pack, index);
  }
  return index;
}

/**
 * Which abilities a player here has acquired (its granted set, or code it
 * holds by the ledger's last reading), as the loadout rules ask it.
 */
export function acquiredBy(ctx: DistrictContext, sessionId: string): (abilityId: string) => boolean {
  const meta = ctx.members.get(sessionId);
  const index = codeOf(ctx.content);
  return (abilityId) =>
    hasAcquired(
      abilityId,
      meta?.abilities ?? null,
      (itemId) => meta?.holdings?.stacks.get(itemId) ?? 0,
      (id) => index.get(id) ?? [],
    );
}

/** The ability code items a member holds (to tell when a reading changed them). */
export function heldCode(meta: Member, pack: ContentPack): string {
  const held: string[] = [];
  for (const [itemId, qty] of meta.holdings?.stacks ?? []) {
    if (qty > 0 && pack.item(itemId)?.kind === "code") held.push(itemId);
  }
  return held.sort().join(",");
}
