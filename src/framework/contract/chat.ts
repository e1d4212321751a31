/**
 * `chat`: one line as every client that hears it receives it. A game names its
 * channels (`Channel`); the framework only carries them.
 */
export interface ChatLine<Channel extends string = string> {
  /** The speaker's character name. */
  from: string;
  channel: Channel;
  text: string;
  /** When the server accepted it (epoch ms). */
  at: number;
  /** Set on the sender's own copy of a whisper: who it went to. */
  to?: string;
}

/** `announce`: a GM's announcement, to every room on every process. */
export interface AnnounceMessage {
  text: string;
  /** Epoch ms. */
  at: number;
}
