import { ApiError, request, type RequestOptions } from "./http.js";

interface TokenPair {
  token: string;
  refreshToken: string;
  expiresIn: number;
  roles: string[];
}

interface Stored {
  username: string;
  token: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  roles: string[];
}

/** Refresh this long before the access token runs out, so a join or poll never carries a dying token. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * A logged-in account in this browser tab: tokens kept in sessionStorage (a
 * reload keeps you in; closing the tab logs you out of this page), refreshed
 * before they expire and once more on a 401, one refresh at a time because
 * each refresh token works only once.
 */
export class Session {
  private stored: Stored | undefined;
  private refreshing: Promise<void> | undefined;
  /** Called when the session ends on its own (refresh refused: logged out elsewhere, banned, expired). */
  onExpired: (reason: string) => void = () => {};

  constructor(private readonly storageKey: string) {
    try {
      const raw = sessionStorage.getItem(storageKey);
      if (raw) this.stored = JSON.parse(raw) as Stored;
    } catch {
      sessionStorage.removeItem(storageKey);
    }
  }

  get loggedIn(): boolean {
    return this.stored !== undefined;
  }

  get username(): string {
    return this.stored?.username ?? "";
  }

  /** Logs in; throws the server's `ApiError` (`totp_required`, `totp_invalid`, `account_locked`, …). */
  async login(username: string, password: string, totp?: string): Promise<void> {
    const { body } = await request<TokenPair>("/auth/login", {
      method: "POST",
      body: totp ? { username, password, totp } : { username, password },
    });
    this.keep(username, body);
  }

  async register(username: string, password: string): Promise<void> {
    await request("/auth/register", { method: "POST", body: { username, password } });
  }

  /** An access token good for at least another minute. */
  async token(): Promise<string> {
    const s = this.stored;
    if (!s) throw new ApiError(401, "unauthorized", "Not logged in");
    if (Date.now() > s.expiresAt - REFRESH_MARGIN_MS) await this.refresh();
    return this.stored!.token;
  }

  /** A call with the access token, refreshed and retried once if the server says it expired. */
  async call<T>(path: string, opts: Omit<RequestOptions, "token"> = {}): Promise<T> {
    try {
      return (await request<T>(path, { ...opts, token: await this.token() })).body;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || !this.stored) throw err;
      await this.refresh();
      return (await request<T>(path, { ...opts, token: this.stored!.token })).body;
    }
  }

  /** Same as `call`, with the HTTP status (202 for queued GM commands). */
  async callWithStatus<T>(path: string, opts: Omit<RequestOptions, "token"> = {}) {
    try {
      return await request<T>(path, { ...opts, token: await this.token() });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || !this.stored) throw err;
      await this.refresh();
      return request<T>(path, { ...opts, token: this.stored!.token });
    }
  }

  async logout(): Promise<void> {
    const token = this.stored?.token;
    this.forget();
    if (token) await request("/auth/logout", { method: "POST", token }).catch(() => undefined);
  }

  forget(): void {
    this.stored = undefined;
    sessionStorage.removeItem(this.storageKey);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const s = this.stored;
      if (!s) throw new ApiError(401, "unauthorized", "Not logged in");
      try {
        const { body } = await request<TokenPair>("/auth/refresh", {
          method: "POST",
          body: { refreshToken: s.refreshToken },
        });
        this.keep(s.username, body);
      } catch (err) {
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
          this.forget();
          this.onExpired(err.message);
        }
        throw err;
      }
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private keep(username: string, pair: TokenPair): void {
    this.stored = {
      username,
      token: pair.token,
      refreshToken: pair.refreshToken,
      expiresAt: Date.now() + pair.expiresIn * 1000,
      roles: pair.roles,
    };
    sessionStorage.setItem(this.storageKey, JSON.stringify(this.stored));
  }
}
