import type {
  AccountKey,
  LockoutPolicy,
  LockoutStore,
  Reservation,
} from "../persistence/ports/LockoutStore.js";
import { AppError } from "../util/errors.js";

export type { LockoutPolicy, LoginCandidate, Reservation } from "../persistence/ports/LockoutStore.js";

/**
 * Failed logins in a row, counted in the database before any password is
 * checked: each guess first takes a place atomically (across requests and
 * processes), and the guess that takes the last place locks the account.
 * Parallel guesses therefore cannot outnumber the limit: the rest are refused
 * (423) without being evaluated. A guess that turns out neither right nor
 * wrong (banned, code missing) gives its place back.
 */
export class Lockout {
  constructor(
    private readonly store: LockoutStore,
    private readonly policy: LockoutPolicy,
  ) {}

  /** A place for one guess at this username; `undefined` if no such account; throws 423 when locked. */
  async reserveByUsername(username: string): Promise<Reservation | undefined> {
    return this.reserve({ username });
  }

  /** The same for an account already known (re-checking the password of a signed-in account). */
  async reserveById(accountId: string): Promise<Reservation> {
    const r = await this.reserve({ id: accountId });
    if (!r) throw new AppError("unauthorized", 401, "Account no longer exists");
    return r;
  }

  /** The guess was right: the run of failures it belonged to is over; guesses reserved after it still count. */
  async succeeded(r: Reservation): Promise<void> {
    await this.store.succeeded(r.account.id, r.position, this.policy.maxFailures);
  }

  /** The guess proved nothing (banned account, one-time code not given yet): it does not count. */
  async release(r: Reservation): Promise<void> {
    await this.store.release(r.account.id, this.policy.maxFailures);
  }

  private async reserve(who: AccountKey, retried = false): Promise<Reservation | undefined> {
    const reservation = await this.store.reserve(who, this.policy);
    if (reservation) return reservation;
    const existing = await this.store.lockedUntil(who);
    if (!existing) return undefined;
    const until = existing.until;
    // The lock ran out between the two statements: take the place now.
    if ((!until || until <= new Date()) && !retried) return this.reserve(who, true);
    throw locked(until ?? new Date());
  }
}

export function locked(until: Date): AppError {
  return new AppError(
    "account_locked",
    423,
    `Too many failed logins; try again after ${until.toISOString()}`,
    {
      lockedUntil: until.toISOString(),
    },
  );
}
