import { actMxo } from "../zone/MxoGmOp.js";
import type { ContentPack } from "../content/ContentPack.js";
import type { Command } from "../../framework/commands/Command.js";
import { refusal } from "../../framework/commands/Command.js";
import { ArgError, positional } from "../../framework/commands/args.js";
import { inGame } from "../../framework/commands/teleport.js";

/** `spawn <npcTemplate> [count]`: NPCs of a template of the content running now, where the GM stands. */
export function spawnCommand(content: () => ContentPack): Command<{ template: string; count: number }> {
  return {
    name: "spawn",
    permission: "gm.command.spawn",
    usage: "spawn <npcTemplate> [count]",
    help: "Spawns NPCs of a content template where you stand (1–20); they do not respawn.",
    reversible: true,
    replayable: false,
    args: positional((r) => {
      const template = r.word("npcTemplate");
      const count = r.optionalNumber("count", 1, { min: 1, max: 20, integer: true });
      r.end();
      return { template, count };
    }),
    async execute(ctx, { template, count }) {
      if (!content().npc(template))
        return refusal(400, "unknown_template", `Unknown NPC template "${template}"`);
      const me = await inGame(ctx.actor, ctx);
      const here = await ctx.world.act(me.roomId, { op: "where", characterId: me.characterId });
      const { npcIds } = await actMxo(ctx.world, me.roomId, {
        op: "spawn",
        template,
        count,
        at: here.position,
      });
      return {
        ok: true,
        message: `Spawned ${npcIds.length} ${template} in ${here.district}: ${npcIds.join(", ")}`,
        target: here.roomId,
        newValue: { npcIds },
        inverse: { command: "despawn", args: [`room:${here.roomId}`, ...npcIds] },
        data: { npcIds, roomId: here.roomId },
      };
    },
  };
}

/** `despawn <npcId>…`: removes NPCs from the GM's room (or the `room:<id>` named first). */
export const despawn: Command<{ roomId?: string | undefined; npcIds: string[] }> = {
  name: "despawn",
  permission: "gm.command.despawn",
  usage: "despawn [room:<roomId>] <npcId> [npcId…]",
  help: "Removes NPCs from your room (or a named room); zone NPCs come back with their zone's respawn.",
  reversible: false,
  replayable: false,
  args: positional((r) => {
    let roomId: string | undefined;
    if (r.peek()?.startsWith("room:")) roomId = r.word("room").slice(5);
    const npcIds: string[] = [];
    while (r.remaining > 0) npcIds.push(r.word("npcId"));
    if (npcIds.length === 0) throw new ArgError("missing <npcId>");
    if (npcIds.length > 20) throw new ArgError("at most 20 NPCs at once");
    return { roomId, npcIds };
  }),
  async execute(ctx, { roomId, npcIds }) {
    const room = roomId ?? (await inGame(ctx.actor, ctx)).roomId;
    const removed: string[] = [];
    const missing: string[] = [];
    for (const npcId of npcIds) {
      try {
        await actMxo(ctx.world, room, { op: "despawn", npcId });
        removed.push(npcId);
      } catch {
        missing.push(npcId);
      }
    }
    if (removed.length === 0) return refusal(404, "not_found", `No such NPC here: ${missing.join(", ")}`);
    return {
      ok: true,
      message: `Despawned ${removed.join(", ")}${missing.length ? `; not found: ${missing.join(", ")}` : ""}`,
      target: room,
      oldValue: { npcIds: removed },
    };
  },
};
