import { humanDuration } from "../../../framework/commands/args.js";
import type { ChatLine, ClusterEvents } from "../../../framework/cluster/ClusterBus.js";
import { SAY_RADIUS } from "../../contract/chat.js";
import { ChatHistoryRequest, ChatMessage } from "../../contract/clientMessages.js";
import { ChatHistory } from "../../../framework/social/ChatHistory.js";
import type { DistrictContext } from "../DistrictContext.js";
import type { DistrictClient } from "../DistrictServices.js";
import { handler } from "./MessageHandler.js";
import { teamChat } from "./team.js";

/**
 * `chat {channel, text, to?}`: `say` reaches those nearby in this room; the
 * district, organization and global channels and whispers go through the
 * cluster bus to every process.
 */
export const chat = handler({
  type: "chat",
  schema: ChatMessage,
  handle(ctx, client, msg) {
    const speaker = ctx.sim.player(client.sessionId);
    if (!speaker) return;
    const auth = client.auth;
    if (auth?.mutedUntil && auth.mutedUntil > Date.now()) {
      const left = humanDuration(auth.mutedUntil - Date.now());
      const why = auth.muteReason ? `: ${auth.muteReason}` : "";
      return ctx.error(client, "muted", `You are muted for ${left}${why}`);
    }
    const line: ChatLine = { from: speaker.name, channel: msg.channel, text: msg.text, at: Date.now() };
    const s = ctx.services;
    // Kept per speaker for a GM's `inspect`.
    s.chatBySpeaker.append(ChatHistory.speakerKey(speaker.name), line).catch(() => {});
    switch (msg.channel) {
      case "say":
        for (const other of ctx.connected()) {
          const p = ctx.sim.player(other.sessionId);
          if (p && Math.hypot(p.x - speaker.x, p.y - speaker.y) <= SAY_RADIUS) other.send("chat", line);
        }
        return;
      case "district":
        // Every instance of the district, on any process.
        return relay(ctx, client, { line, district: ctx.def.id }, ChatHistory.key("district", ctx.def.id));
      case "organization":
        return relay(
          ctx,
          client,
          { line, organization: speaker.organization },
          ChatHistory.key("organization", speaker.organization),
        );
      case "global":
        return relay(ctx, client, { line }, ChatHistory.key("global"));
      case "whisper":
        if (s.redis && !s.redis.up) return unavailable(ctx, client);
        void whisper(ctx, client, speaker.characterId, line, msg.to!).catch(() => unavailable(ctx, client));
        return;
      case "team":
        return void teamChat(ctx, client, line);
    }
  },
});

/** `chat:history {channel}` → the recent lines of the caller's district, organization, or global. */
export const chatHistory = handler({
  type: "chat:history",
  gate: "chat",
  schema: ChatHistoryRequest,
  async handle(ctx, client, msg) {
    const me = ctx.members.get(client.sessionId);
    if (!me) return;
    const key =
      msg.channel === "district"
        ? ChatHistory.key("district", ctx.def.id)
        : msg.channel === "organization"
          ? ChatHistory.key("organization", me.organization)
          : ChatHistory.key("global");
    const lines = await ctx.services.chatHistory.recent(key);
    client.send("chat:history", { channel: msg.channel, lines });
  },
});

/** Chat beyond this room goes through the cluster bus; when that is down the speaker is told. */
function relay(
  ctx: DistrictContext,
  client: DistrictClient,
  event: ClusterEvents["mxo:chat"],
  historyKey: string,
): void {
  const s = ctx.services;
  if (s.redis && !s.redis.up) return unavailable(ctx, client);
  s.bus.send("mxo:chat", event).then(
    () =>
      s.chatHistory
        .append(historyKey, event.line)
        .catch((err) => s.log.warn({ err }, "chat history write failed")),
    () => unavailable(ctx, client),
  );
}

async function whisper(
  ctx: DistrictContext,
  client: DistrictClient,
  speakerId: string,
  line: ChatLine,
  to: string,
): Promise<void> {
  const target = await ctx.services.lease.findByName(to);
  if (!target) return ctx.error(client, "player_offline", `${to} is not online`);
  await ctx.services.bus.send("mxo:chat", { line, toCharacterId: target.characterId });
  if (target.characterId !== speakerId) client.send("chat", { ...line, to: target.name });
}

function unavailable(ctx: DistrictContext, client: DistrictClient): void {
  ctx.error(client, "unavailable", "Chat beyond those around you is unavailable right now; say still works");
}
