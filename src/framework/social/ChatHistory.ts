import type { Presence } from "@colyseus/core";
import type { ChatLine } from "../cluster/ClusterBus.js";

/** Lines kept per channel; older ones are overwritten. */
export const CHAT_HISTORY_LINES = 50;

const SEQ_FIELD = "seq";

/**
 * Recent chat per channel, shared by every process through presence (Redis
 * with Redis, in memory alone). Presence has hashes but no list ranges, so a
 * channel is a ring of `limit` hash slots written at `seq % limit`, with the
 * sequence from an atomic counter; reading sorts by it.
 */
export class ChatHistory {
  constructor(
    private readonly presence: Presence,
    private readonly limit = CHAT_HISTORY_LINES,
  ) {}

  /** The audience a key names: one district (all its instances), one organization, or everyone. */
  static key(channel: "district" | "organization" | "global", scope?: string): string {
    return channel === "global" ? "mxo:chat:global" : `mxo:chat:${channel}:${scope}`;
  }

  /** Everything one character said lately (for `inspect`). */
  static speakerKey(name: string): string {
    return `mxo:chat:by:${name.toLowerCase()}`;
  }

  async append(key: string, line: ChatLine): Promise<void> {
    const seq = await this.presence.hincrby(key, SEQ_FIELD, 1);
    await this.presence.hset(key, `l${seq % this.limit}`, JSON.stringify({ seq, line }));
  }

  /** Oldest first, at most `limit` lines. */
  async recent(key: string): Promise<ChatLine[]> {
    const all = (await this.presence.hgetall(key)) ?? {};
    const entries: { seq: number; line: ChatLine }[] = [];
    for (const [field, raw] of Object.entries(all)) {
      if (field === SEQ_FIELD) continue;
      try {
        entries.push(JSON.parse(raw) as { seq: number; line: ChatLine });
      } catch {
        // a corrupt slot is skipped, not fatal
      }
    }
    return entries.sort((a, b) => a.seq - b.seq).map((e) => e.line);
  }
}
