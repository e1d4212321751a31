export type EscalationStatus = "pending" | "active";

export interface Escalation {
  id: string;
  accountId: string;
  username: string;
  role: string;
  reason: string;
  status: EscalationStatus;
  /** When it was asked for (pending) or approved (active). */
  startedAt: Date;
  /** Null while pending. */
  expiresAt: Date | null;
  approvedBy: string | null;
}

/** A request nobody approved within this long lapses. */
export const ESCALATION_PENDING_SECONDS = 3600;

export type RequestOutcome =
  | { kind: "requested"; escalation: Escalation }
  | { kind: "already_escalated" }
  | { kind: "already_requested" };

export type ApprovalOutcome =
  | { kind: "approved"; escalation: Escalation }
  | { kind: "missing" }
  /** The requester is escalated already (another request was approved meanwhile). */
  | { kind: "already_escalated"; username: string }
  /** No longer pending: approved, rejected, withdrawn or lapsed. */
  | { kind: "already_decided" };

/**
 * Temporary escalations to the next GM tier. Pending until a second person
 * approves; active until `expiresAt` or until ended. Nothing runs on a timer:
 * what is active or pending is decided by the clock when it is read.
 */
export interface EscalationStore {
  /** The account's active escalation (the latest started), if any. */
  active(accountId: string): Promise<Escalation | null>;
  /** The account's pending request, if any. */
  pendingOf(accountId: string): Promise<Escalation | null>;
  /** An escalation still pending or active, by id. */
  live(id: string): Promise<Escalation | null>;
  /** Pending requests, oldest first (at most 200). */
  pending(): Promise<Escalation[]>;
  /**
   * A new pending request, as a unit: with the account locked (one request or
   * approval at a time per account, across processes), refused while another
   * is pending or active.
   */
  request(accountId: string, role: string, reason: string, seconds: number): Promise<RequestOutcome>;
  /**
   * Starts a pending request, once, as a unit with the requester's account
   * locked; it runs for the seconds asked, or `defaultSeconds`.
   */
  approve(id: string, approverId: string, defaultSeconds: number): Promise<ApprovalOutcome>;
  /** Rejects a pending request, once; false when it is no longer pending. */
  reject(id: string, deciderId: string): Promise<boolean>;
  /** Ends an escalation (active or pending), if it has not ended yet. */
  end(id: string): Promise<void>;
}
