import type { ChatLine as FrameworkChatLine } from "../../framework/contract/chat.js";

/** Chat channels, in the order a client lists them. */
export const CHAT_CHANNELS = ["say", "district", "organization", "whisper", "global", "team"] as const;
export type ChatChannel = (typeof CHAT_CHANNELS)[number];

/** Channels the server keeps recent lines of, answered by `chat:history`. */
export const HISTORY_CHANNELS = ["district", "organization", "global"] as const;
export type HistoryChannel = (typeof HISTORY_CHANNELS)[number];

/** `chat`: a line in one of MxO's channels (`to` on the sender's copy of a whisper). */
export type ChatLine = FrameworkChatLine<ChatChannel>;

/** `chat:history`: the recent lines of one channel, oldest first. */
export interface ChatHistoryReply {
  channel: HistoryChannel;
  lines: ChatLine[];
}

/** How far a `say` carries, in world units. */
export const SAY_RADIUS = 60;
