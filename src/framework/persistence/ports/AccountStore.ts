/** An account by its two names: the id and the username. */
export interface AccountRef {
  id: string;
  username: string;
}

/** What a sign-in checks, for accounts created or kept up by the server itself (the admin bootstrap). */
export interface AccountCredentials extends AccountRef {
  passwordHash: string;
  roles: string[];
  tokenVersion: number;
}

export interface NewAccount {
  id: string;
  username: string;
  passwordHash: string;
  roles: string[];
}

/** Accounts: one per login; roles and sanctions are account-wide. */
export interface AccountStore {
  /** False when the username is taken (case-insensitively); nothing is stored then. */
  create(account: NewAccount): Promise<boolean>;
  /** Case-insensitive. */
  byUsername(username: string): Promise<AccountRef | undefined>;
  byId(id: string): Promise<AccountRef | undefined>;
  /** The roles stored now; none for an account that does not exist. */
  roles(accountId: string): Promise<string[]>;
  /** Case-insensitive. */
  credentials(username: string): Promise<AccountCredentials | undefined>;
  updateCredentials(
    accountId: string,
    changes: Partial<Pick<AccountCredentials, "passwordHash" | "roles" | "tokenVersion">>,
  ): Promise<void>;
}
