import { defineRoom } from "@colyseus/core";
import {
  characterTarget,
  oneTarget,
  runGame,
  type Command,
  type GameModule,
} from "../../src/framework/index.js";
import { ARRIVAL, TagJoinOptions, TagRoom } from "./TagRoom.js";

/** `tagit <target>`: a GM makes a player it; reversing makes the one before it again. */
const tagit: Command<{ target: string }> = {
  name: "tagit",
  permission: "gm.command.tagit",
  usage: "tagit <target>",
  help: "Makes a player in a tag room it.",
  reversible: true,
  replayable: true,
  args: oneTarget(),
  target: characterTarget,
  onSelf: "allow",
  async execute(ctx, { target }) {
    const entry = await ctx.world.online(target);
    const done = (await ctx.world.act(entry.roomId, {
      op: "game",
      name: "tagit",
      characterId: entry.characterId,
    })) as { previous: string | null };
    return {
      ok: true,
      message: `${entry.name} is it${done.previous ? ` (was ${done.previous})` : ""}`,
      target: entry.name,
      oldValue: { it: done.previous },
      newValue: { it: entry.name },
      inverse: done.previous ? { command: "tagit", args: [done.previous] } : undefined,
    };
  },
};

/**
 * Tag on the framework: one `tag` room, the `tagit` GM command, and
 * characters that start in the middle of the arena. Accounts, the HTTP
 * surface, the admin API, audit, custody and drain are the framework's.
 */
export const tagGame: GameModule = {
  name: "tag",
  start: () => ({
    rooms: { tag: defineRoom(TagRoom) },
    joinOptions: { tag: TagJoinOptions },
    zones: { get: (id) => (id === "tag" ? {} : undefined), ids: () => ["tag"], arrivalPoint: () => ARRIVAL },
    commands: [tagit],
    characters: {
      organizations: ["runners"],
      defaultOrganization: "runners",
      start: () => ({
        district: "tag",
        ...ARRIVAL,
        heading: 0,
        level: 1,
        experience: 0,
        hp: 1,
        maxHp: 1,
        stats: {},
      }),
    },
  }),
};

void runGame(tagGame);
