import type { Presence } from "@colyseus/core";
import type { ChatLine } from "../contract/chat.js";

export type { ChatLine };

/** Everything processes tell each other, one presence channel per kind. */
export interface ClusterEvents {
  /** Sessions ended (logout, ban): close their connections with 4101 (or `code`). */
  "mxo:revocations": { accountId: string; sessionId: string | null; code?: number };
  /** Someone joins with a character held here: save it, close it, free the lease. */
  "mxo:takeover": { characterId: string; by: string };
  /** Chat that crosses rooms: global to all, district to its instances, organization to members, whisper to one. */
  "mxo:chat": { line: ChatLine; district?: string; organization?: string; toCharacterId?: string };
  "mxo:announce": { text: string; at: number };
  /** An account was muted (until, epoch ms) or unmuted (null): rooms where it plays apply it at once. */
  "mxo:mutes": { accountId: string; until: number | null; reason: string | null };
  /** A content revision was deployed: every process loads it and every room applies it at a tick boundary. */
  "mxo:content": { revision: number };
}

export type ClusterHandlers = { [K in keyof ClusterEvents]: (event: ClusterEvents[K]) => void };

/**
 * Typed pub/sub over Colyseus presence: in-process with LocalPresence, across
 * processes with RedisPresence. Handlers run on every process, including the
 * publisher's.
 */
export class ClusterBus {
  private subscribed: { channel: string; fn: (msg: unknown) => void }[] = [];

  constructor(private readonly presence: Presence) {}

  /** Fire and forget: a publish that fails (Redis down) is dropped, never an unhandled rejection. */
  publish<K extends keyof ClusterEvents>(channel: K, event: ClusterEvents[K]): void {
    this.send(channel, event).catch(() => {});
  }

  /** Publishes and lets the caller know whether it went out (to tell a player it did not). */
  async send<K extends keyof ClusterEvents>(channel: K, event: ClusterEvents[K]): Promise<void> {
    await this.presence.publish(channel, event);
  }

  async subscribeAll(handlers: ClusterHandlers): Promise<void> {
    for (const channel of Object.keys(handlers) as (keyof ClusterEvents)[]) {
      const handler = handlers[channel] as (e: unknown) => void;
      const fn = (msg: unknown) => {
        try {
          handler(msg);
        } catch {
          // A bad event must not break the subscription; handlers validate their input.
        }
      };
      await this.presence.subscribe(channel, fn);
      this.subscribed.push({ channel, fn });
    }
  }

  async close(): Promise<void> {
    for (const { channel, fn } of this.subscribed) await this.presence.unsubscribe(channel, fn);
    this.subscribed = [];
  }
}
