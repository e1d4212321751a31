import type { z } from "zod";
import type {
  ApprovalListing,
  ApprovalRow,
  ApprovalStore,
  NewApproval,
} from "../persistence/ports/ApprovalStore.js";
import type { GmActionRow, GmActionStore, NewGmAction } from "../persistence/ports/GmActionStore.js";
import { conflict, notFound } from "../util/errors.js";
import { GIVE_BUDGET_HOURS } from "./Command.js";

export type { ApprovalRow } from "../persistence/ports/ApprovalStore.js";
export type { GmActionRow } from "../persistence/ports/GmActionStore.js";

/**
 * What the registry keeps: actions done (with what undoes them, and whether
 * they were reversed) and what waits for a second GM. Missing rows and lost
 * races are answered here as the registry's errors.
 */
export class GmActions {
  constructor(
    private readonly actionStore: GmActionStore,
    private readonly approvalStore: ApprovalStore,
  ) {}

  async record(row: NewGmAction): Promise<void> {
    await this.actionStore.record(row);
  }

  async get(id: string): Promise<GmActionRow> {
    const row = await this.actionStore.get(id);
    if (!row) throw notFound(`No GM action ${id}`);
    return row;
  }

  /** Marks the action reversed before its inverse runs, so two reversals cannot both pass. */
  async claimReversal(id: string): Promise<void> {
    if (!(await this.actionStore.claimReversal(id))) {
      throw conflict("already_reversed", `Action ${id} was already reversed`);
    }
  }

  async releaseReversal(id: string): Promise<void> {
    await this.actionStore.releaseReversal(id);
  }

  async setReversedBy(id: string, by: string): Promise<void> {
    await this.actionStore.setReversedBy(id, by);
  }

  /** The action whose reversal waits for this approval, if any. */
  async reversalWaitingFor(approvalId: string): Promise<string | undefined> {
    return this.actionStore.reversalWaitingFor(approvalId);
  }

  /**
   * Units of `itemId` this actor gave this character alone (not run under an
   * approval) within the budget window and not reversed; `parse` reads a
   * give's arguments as the command does.
   */
  async soloGiven(
    actorId: string,
    target: string,
    itemId: string,
    parse: z.ZodType<unknown, string[]>,
  ): Promise<number> {
    const gives = await this.actionStore.soloArgs("give", actorId, target, GIVE_BUDGET_HOURS);
    let total = 0;
    for (const args of gives) {
      const parsed = parse.safeParse(args);
      const give = parsed.success ? (parsed.data as { itemId?: string; quantity?: number }) : undefined;
      if (give?.itemId === itemId) total += give.quantity ?? 0;
    }
    return total;
  }

  async queueApproval(a: NewApproval): Promise<void> {
    await this.approvalStore.queue(a);
  }

  async approval(id: string): Promise<ApprovalRow> {
    const row = await this.approvalStore.get(id);
    if (!row) throw notFound(`No approval ${id}`);
    return row;
  }

  async approvals(status = "pending"): Promise<ApprovalListing[]> {
    return this.approvalStore.list(status);
  }

  /** Decides a pending approval, once. */
  async decideApproval(id: string, approve: boolean, deciderId: string): Promise<void> {
    if (!(await this.approvalStore.decide(id, approve, deciderId))) {
      throw conflict("already_decided", `Approval ${id} was already decided`);
    }
  }

  async setApprovalAction(id: string, actionId: string): Promise<void> {
    await this.approvalStore.setAction(id, actionId);
  }
}
