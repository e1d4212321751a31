/** The command (with its arguments, and its input if it takes one) that undoes an action. */
export interface StoredInverse {
  command: string;
  args: string[];
  input?: unknown;
}

export interface NewGmAction {
  id: string;
  command: string;
  args: string[];
  actorId: string;
  actor: string;
  target: string | null;
  inverse: StoredInverse | null;
  replayable: boolean;
}

export interface GmActionRow {
  id: string;
  command: string;
  args: string[];
  actor: string;
  target: string | null;
  inverse: StoredInverse | null;
  replayable: boolean;
  createdAt: Date;
  reversedAt: Date | null;
  /** The action that undid it; while that waits for a second GM, the approval's id. */
  reversedBy: string | null;
}

/** Privileged commands that were carried out, with what undoes each and whether it was undone. */
export interface GmActionStore {
  record(action: NewGmAction): Promise<void>;
  get(id: string): Promise<GmActionRow | undefined>;
  /** Marks the action reversed, once (atomic); false when it already was. */
  claimReversal(id: string): Promise<boolean>;
  /** Gives the mark back: not reversed, by nothing. */
  releaseReversal(id: string): Promise<void>;
  setReversedBy(id: string, by: string): Promise<void>;
  /** The action whose reversal waits for this approval, if any. */
  reversalWaitingFor(approvalId: string): Promise<string | undefined>;
  /**
   * The arguments of every `command` this actor ran on this target (named
   * case-insensitively) alone — not under an approval — within the last
   * `hours`, and not reversed (at most 10,000).
   */
  soloArgs(command: string, actorId: string, target: string, hours: number): Promise<string[][]>;
}
