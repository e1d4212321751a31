import type { ClusterBus } from "../cluster/ClusterBus.js";
import { CloseCodes } from "../contract/closeCodes.js";
import type { AccountRef, AccountStore } from "../persistence/ports/AccountStore.js";
import type { SanctionKind, SanctionStore } from "../persistence/ports/SanctionStore.js";
import { notFound } from "../util/errors.js";

export type { AccountRef } from "../persistence/ports/AccountStore.js";

/** Far enough to never end; one comparison (`until > now`) then covers timed and permanent. */
export const PERMANENT = new Date("9999-12-31T00:00:00.000Z");

export interface SanctionState {
  until: Date | null;
  reason: string | null;
}

/**
 * Bans and mutes, on accounts (a player cannot dodge them with another
 * character). A ban ends the account's sessions and closes its connections on
 * every process with 4103; a mute is pushed to every room so chat stops at once.
 */
export class Sanctions {
  private readonly accounts: AccountStore;
  private readonly store: SanctionStore;

  constructor(
    stores: { accounts: AccountStore; sanctions: SanctionStore },
    private readonly bus: ClusterBus,
  ) {
    this.accounts = stores.accounts;
    this.store = stores.sanctions;
  }

  /** The account with this username (case-insensitive); 404 otherwise. Never a character's name. */
  async byUsername(username: string): Promise<AccountRef> {
    const row = await this.accounts.byUsername(username);
    if (!row) throw notFound(`No account named "${username}"`);
    return row;
  }

  async accountById(id: string): Promise<AccountRef> {
    const row = await this.accounts.byId(id);
    if (!row) throw notFound(`No account ${id}`);
    return row;
  }

  async banState(accountId: string): Promise<SanctionState> {
    return this.state(accountId, "ban");
  }

  async muteState(accountId: string): Promise<SanctionState> {
    return this.state(accountId, "mute");
  }

  /** Returns what it replaced. `until` null lifts the ban. */
  async setBan(accountId: string, until: Date | null, reason: string | null): Promise<SanctionState> {
    const previous = await this.banState(accountId);
    // A banned player logs in again once the ban is over; the store ends every session issued before it.
    await this.store.setBan(accountId, until, until ? reason : null);
    if (until && until > new Date()) {
      this.bus.publish("mxo:revocations", { accountId, sessionId: null, code: CloseCodes.BANNED });
    }
    return previous;
  }

  async setMute(accountId: string, until: Date | null, reason: string | null): Promise<SanctionState> {
    const previous = await this.muteState(accountId);
    await this.store.setMute(accountId, until, until ? reason : null);
    this.bus.publish("mxo:mutes", {
      accountId,
      until: until ? until.getTime() : null,
      reason: until ? reason : null,
    });
    return previous;
  }

  private async state(accountId: string, kind: SanctionKind): Promise<SanctionState> {
    const row = await this.store.get(accountId, kind);
    if (!row) throw notFound(`No account ${accountId}`);
    // An expired sanction is no sanction: reversing to it must not resurrect it.
    return row.until && row.until > new Date()
      ? { until: row.until, reason: row.reason }
      : { until: null, reason: null };
  }
}
