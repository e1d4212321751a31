export interface NewApproval {
  id: string;
  command: string;
  args: string[];
  requestedBy: string;
  requestedByName: string;
  reason: string;
}

export interface ApprovalRow {
  id: string;
  command: string;
  args: string[];
  requestedBy: string;
  requestedByName: string;
  status: string;
}

/** An approval as listed to staff (`requestedBy` is the requester's name). */
export interface ApprovalListing {
  id: string;
  command: string;
  args: string[];
  requestedBy: string;
  reason: string;
  status: string;
  createdAt: Date;
  decidedAt: Date | null;
  actionId: string | null;
}

/** Privileged commands waiting for a second person (two-person rule), and how each was decided. */
export interface ApprovalStore {
  queue(approval: NewApproval): Promise<void>;
  get(id: string): Promise<ApprovalRow | undefined>;
  /** Newest first, at most 200. */
  list(status: string): Promise<ApprovalListing[]>;
  /** Approves or rejects a pending approval, once (atomic); false when it was decided already. */
  decide(id: string, approve: boolean, deciderId: string): Promise<boolean>;
  /** The action an approval was carried out as. */
  setAction(id: string, actionId: string): Promise<void>;
}
