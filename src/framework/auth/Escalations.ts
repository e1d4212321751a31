import type { Escalation, EscalationStore } from "../persistence/ports/EscalationStore.js";
import { conflict, forbidden, notFound } from "../util/errors.js";
import { nextTier } from "./permissions.js";

export type { Escalation, EscalationStatus } from "../persistence/ports/EscalationStore.js";

/**
 * Temporary GM escalation: a tier-1 or tier-2 GM asks for the next tier, and
 * gets it for a while only once a second person who holds that tier approves
 * (the route checks who may). Nothing runs on a timer: permission checks only
 * count approved escalations whose `expires_at` is still ahead, so one ends by
 * itself on every process at the same moment.
 */
export class Escalations {
  constructor(
    private readonly store: EscalationStore,
    private readonly defaultSeconds: number,
  ) {}

  async active(accountId: string): Promise<Escalation | null> {
    return this.store.active(accountId);
  }

  async byId(id: string): Promise<Escalation> {
    const found = await this.store.live(id);
    if (!found) throw notFound(`No pending or running escalation ${id}`);
    return found;
  }

  async pending(): Promise<Escalation[]> {
    return this.store.pending();
  }

  /** `roles`: the account's own roles (without any escalation). */
  async request(
    accountId: string,
    roles: string[],
    reason: string,
    seconds = this.defaultSeconds,
  ): Promise<Escalation> {
    const role = nextTier(roles);
    if (!role) {
      throw forbidden(
        "cannot_escalate",
        roles.includes("gm_tier3")
          ? "gm_tier3 is the highest tier"
          : "Only gm_tier1 and gm_tier2 GMs can escalate",
      );
    }
    const result = await this.store.request(accountId, role, reason, seconds);
    switch (result.kind) {
      case "requested":
        return result.escalation;
      case "already_escalated":
        throw conflict("already_escalated", "An escalation is already running; end it first");
      case "already_requested":
        throw conflict("already_requested", "An escalation request is already waiting for approval");
    }
  }

  /** Starts a pending escalation, once; the caller has checked that `approverId` may approve it. */
  async approve(id: string, approverId: string): Promise<Escalation> {
    const result = await this.store.approve(id, approverId, this.defaultSeconds);
    switch (result.kind) {
      case "approved":
        return result.escalation;
      case "missing":
        throw notFound(`No escalation ${id}`);
      case "already_escalated":
        throw conflict("already_escalated", `${result.username} is already escalated`);
      case "already_decided":
        throw conflict("already_decided", `Escalation ${id} is no longer pending`);
    }
  }

  async reject(id: string, deciderId: string): Promise<Escalation> {
    const request = await this.byId(id);
    if (!(await this.store.reject(id, deciderId))) {
      throw conflict("already_decided", `Escalation ${id} is no longer pending`);
    }
    return request;
  }

  /** Ends the account's running escalation, or withdraws its pending request. */
  async end(accountId: string): Promise<Escalation> {
    const current = (await this.store.active(accountId)) ?? (await this.store.pendingOf(accountId));
    if (!current) throw notFound("No escalation is running or waiting");
    await this.store.end(current.id);
    return current;
  }
}
