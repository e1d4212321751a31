import { LoadoutMessage } from "../../contract/clientMessages.js";
import { knows } from "../../rules/loadout.js";
import { acquiredBy } from "../acquiredAbilities.js";
import type { DistrictContext } from "../DistrictContext.js";
import { handler } from "./MessageHandler.js";

/** How close to a hardline a player must stand to change its loadout, or to travel (world units). */
export const HARDLINE_REACH = 12;

/**
 * `loadout {abilities}`: load acquired abilities at a hardline, within the
 * memory budget of the character's level. Answered with `loadout {kind:"current", …}`
 * or an `error`; a refused loadout changes nothing.
 */
export const loadout = handler({
  type: "loadout",
  schema: LoadoutMessage,
  handle(ctx, client, msg) {
    const player = ctx.sim.player(client.sessionId);
    if (!player) return;
    if (player.dead) return ctx.error(client, "dead", "You cannot change your loadout while defeated");
    if (player.interlockId) return ctx.error(client, "in_combat", "Finish your fight first");
    const near = nearestHardline(
      ctx.sim.district.hardlines.filter((h) => h.loadout !== false),
      player,
    );
    if (!near || near.distance > HARDLINE_REACH) {
      return ctx.error(
        client,
        "not_at_hardline",
        near
          ? `Load abilities at a hardline: ${near.hardline.name} is ${Math.round(near.distance)} units away`
          : "This district has no hardline",
      );
    }
    const result = ctx.sim.setLoadout(client.sessionId, msg.abilities, acquiredBy(ctx, client.sessionId));
    if (!result.ok) return ctx.error(client, result.code, result.message);
    ctx.saveLater(client.sessionId);
    client.send("loadout", loadoutMessage(ctx, client.sessionId));
  },
});

/**
 * The loaded abilities, memory and budget, and every ability the character
 * has acquired (for a loadout screen), with whether its level and
 * prerequisites let it load it now.
 */
export function loadoutMessage(ctx: DistrictContext, sessionId: string) {
  const current = ctx.sim.loadoutOf(sessionId);
  const level = ctx.sim.player(sessionId)?.level ?? 1;
  const acquired = acquiredBy(ctx, sessionId);
  const catalog = ctx.content.abilities
    .filter((a) => acquired(a.id))
    .map((a) => ({
      id: a.id,
      name: a.name,
      tree: a.tree,
      kind: a.kind,
      target: a.target,
      range: a.range,
      cooldown: a.cooldown,
      innerStrength: a.innerStrength,
      memoryCost: a.memoryCost,
      loaded: current?.abilities.includes(a.id) ?? false,
      loadable: knows(a.id, level, ctx.sim.loadoutLookup, acquired),
    }));
  return { kind: "current", ...current, catalog };
}

/** The hardline nearest to a point, and how far it is. */
export function nearestHardline<H extends { x: number; y: number }>(
  hardlines: readonly H[],
  p: { x: number; y: number },
): { hardline: H; distance: number } | undefined {
  let best: { hardline: H; distance: number } | undefined;
  for (const h of hardlines) {
    const distance = Math.hypot(h.x - p.x, h.y - p.y);
    if (!best || distance < best.distance) best = { hardline: h, distance };
  }
  return best;
}
