import { z } from "zod";
import type { Command } from "./Command.js";

/** `announce <text>`: a message to every player on every process. */
export const announce: Command<{ text: string }> = {
  name: "announce",
  permission: "gm.command.announce",
  usage: "announce <text>",
  help: "Shows a server-wide announcement to every player on every process.",
  reversible: false,
  replayable: true,
  args: z
    .array(z.string())
    .min(1, "announce needs text")
    .transform((parts) => parts.join(" ").trim())
    .pipe(z.string().min(1, "announce needs text").max(256, "announcements are at most 256 characters"))
    .transform((text) => ({ text })),
  async execute(ctx, { text }) {
    ctx.world.bus.publish("mxo:announce", { text, at: Date.now() });
    return { ok: true, message: `Announced to everyone: ${text}`, newValue: { text } };
  },
};
