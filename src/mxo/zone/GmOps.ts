import type { InterestManager } from "../../framework/aoi/InterestManager.js";
import type { MxoGmOp, MxoGmOpResults } from "./MxoGmOp.js";
import { AppError } from "../../framework/util/errors.js";
import { sendSheet } from "./CharacterSheets.js";
import type { DistrictContext } from "./DistrictContext.js";

/**
 * The GM operations a district room carries out for the command registry
 * (reached through `matchMaker.remoteRoomCall` from any process): they change
 * the simulation between steps, or close a client, or start a server-side
 * travel. Refusals are AppErrors; the room turns them into plain values.
 */
export class GmOps {
  constructor(
    private readonly ctx: DistrictContext,
    private readonly interest: InterestManager,
    /** Ends a session (or its reconnection grace) with 4110; false if it was not connected. */
    private readonly kick: (sessionId: string, reason: string) => boolean,
  ) {}

  async apply(op: MxoGmOp): Promise<unknown> {
    const { ctx, interest } = this;
    // Both take effect at the next step, which emits npc_spawned / npc_despawned.
    if (op.op === "spawn") {
      if (!ctx.content.npc(op.template))
        throw new AppError("not_found", 404, `Unknown NPC template "${op.template}"`);
      return { npcIds: ctx.sim.gmSpawn(op.template, op.count, op.at) } satisfies MxoGmOpResults["spawn"];
    }
    if (op.op === "despawn") {
      const template = ctx.sim.gmDespawn(op.npcId);
      if (!template) {
        throw new AppError(
          "not_found",
          404,
          `No GM-spawned NPC ${op.npcId} here (zone NPCs belong to the content pack)`,
        );
      }
      return { template } satisfies MxoGmOpResults["despawn"];
    }
    if (op.op === "game") throw new AppError("unknown_operation", 400, `No game operation "${op.name}" here`);
    const sessionId = [...ctx.members].find(([, p]) => p.characterId === op.characterId)?.[0];
    const meta = sessionId ? ctx.members.get(sessionId) : undefined;
    const player = sessionId ? ctx.sim.player(sessionId) : undefined;
    if (!sessionId || !meta || !player)
      throw new AppError("player_offline", 409, "That character left this room");
    const position = { x: player.x, y: player.y, z: player.z };
    const save = () => ctx.saveLater(sessionId);
    switch (op.op) {
      case "where":
        return { district: ctx.def.id, roomId: ctx.roomId, position } satisfies MxoGmOpResults["where"];
      case "teleport": {
        const from = ctx.sim.gmTeleport(sessionId, op.to)!;
        const now = ctx.sim.player(sessionId)!;
        interest.move(sessionId, now.x, now.y);
        // A crowded view would otherwise catch up only at its next throttled refresh.
        interest.refresh(sessionId);
        save();
        return {
          from,
          to: { x: now.x, y: now.y, z: now.z },
          district: ctx.def.id,
        } satisfies MxoGmOpResults["teleport"];
      }
      case "send": {
        const client = ctx.client(sessionId);
        if (!client) throw new AppError("player_offline", 409, `${meta.name} is reconnecting; try again`);
        if (!ctx.services.districts.get(op.district))
          throw new AppError("unknown_district", 404, `Unknown district "${op.district}"`);
        await ctx.sendTo(client, op.district, op.to);
        return {
          from: position,
          fromDistrict: ctx.def.id,
          district: op.district,
        } satisfies MxoGmOpResults["send"];
      }
      case "kick":
        return { closed: this.kick(sessionId, op.reason.slice(0, 120)) } satisfies MxoGmOpResults["kick"];
      case "heal": {
        const hpBefore = ctx.sim.gmHeal(sessionId)!;
        save();
        return { hpBefore, hp: ctx.sim.player(sessionId)!.hp } satisfies MxoGmOpResults["heal"];
      }
      case "setstat": {
        const previous = ctx.sim.gmSetStat(sessionId, op.stat, op.value)!;
        meta.stats = ctx.sim.statsOf(sessionId) ?? meta.stats;
        save();
        sendSheet(ctx, sessionId);
        if (op.stat === "level") ctx.teams.levelChanged(sessionId);
        return { previous, value: op.value } satisfies MxoGmOpResults["setstat"];
      }
      case "inspect":
        return {
          characterId: meta.characterId,
          name: meta.name,
          organization: meta.organization,
          district: ctx.def.id,
          roomId: ctx.roomId,
          position,
          hp: player.hp,
          maxHp: player.maxHp,
          level: player.level,
          experience: player.experience,
          stats: ctx.sim.statsOf(sessionId) ?? meta.stats,
          missions: meta.missions,
          reputation: meta.reputation,
          invisible: meta.invisible,
          team: ctx.teams.inspect(sessionId),
          equipment: { ...meta.equipment },
          unspentPoints: ctx.sim.sheetOf(sessionId)!.unspentPoints,
          derived: ctx.sim.sheetOf(sessionId)!.derived,
        } satisfies MxoGmOpResults["inspect"];
      case "inventory":
        await ctx.inventory.refresh(sessionId);
        return { refreshed: true } satisfies MxoGmOpResults["inventory"];
      case "invisible": {
        const previous = meta.invisible;
        meta.invisible = op.on;
        interest.setHidden(sessionId, op.on);
        return { previous } satisfies MxoGmOpResults["invisible"];
      }
    }
  }
}
