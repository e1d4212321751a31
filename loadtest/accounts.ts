/**
 * The bots' accounts: registered fresh (register, log in, create a
 * character), or reused from an `--accounts` file through `/auth/refresh`,
 * which costs the server no password hash.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { usage } from "./options.js";

interface TokenPair {
  token: string;
  refreshToken: string;
}
interface CharacterSummary {
  id: string;
  name: string;
}

/** ws://host:port → http://host:port (wss → https), without a trailing slash. */
export function httpBase(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.protocol === "ws:") url.protocol = "http:";
  else if (url.protocol === "wss:") url.protocol = "https:";
  return url.href.replace(/\/+$/, "");
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: "GET" | "POST", url: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    const hint =
      res.status === 429
        ? " (raise AUTH_RATE_LIMIT_PER_MINUTE and HTTP_RATE_LIMIT_PER_MINUTE on the server for load tests)"
        : "";
    const path = new URL(url).pathname;
    throw new HttpError(
      res.status,
      `${method} ${path} → ${res.status} ${error?.code ?? ""}: ${error?.message ?? text}${hint}`,
    );
  }
  return parsed as T;
}

interface SavedAccount {
  username: string;
  name: string;
  characterId: string;
  refreshToken: string;
}
interface AccountsFile {
  version: 1;
  /** By server HTTP base, then by loadtest clientId. */
  servers: Record<string, Record<string, SavedAccount>>;
}

export interface Account {
  name: string;
  token: string;
  characterId: string;
}

export class Accounts {
  private readonly saved: AccountsFile;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Set-ups in flight, by `${clientId}:${attempt}`; started ahead of the joins. */
  private readonly pending = new Map<string, Promise<Account>>();

  /**
   * @param runId distinguishes this run's accounts from earlier runs' and from
   *   parallel load-generator processes'.
   */
  constructor(
    private readonly file: string | undefined,
    private readonly password: string,
    private readonly runId: string,
  ) {
    this.saved = this.load();
    process.on("exit", () => {
      if (this.saveTimer) this.save();
    });
  }

  /** Starts setting up the account of bot `id`'s `attempt`th start, once however often it is asked. */
  ahead(base: string, id: number, attempt: number): Promise<Account> {
    const key = `${id}:${attempt}`;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.create(base, id, attempt);
      // A set-up started ahead that fails is reported when its bot takes it.
      pending.catch(() => {});
      this.pending.set(key, pending);
    }
    return pending;
  }

  /** The account for the bot now joining: the set-up started ahead, or a new one. */
  async take(base: string, id: number, attempt: number): Promise<Account> {
    try {
      return await this.ahead(base, id, attempt);
    } finally {
      this.pending.delete(`${id}:${attempt}`);
    }
  }

  /** Set-ups still running (a run that ends waits for them: an aborted request is needless noise on the server). */
  inFlight(): Promise<unknown>[] {
    return [...this.pending.values()];
  }

  save(): void {
    if (!this.file) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    // Refresh tokens rotate on every use, so the file is rewritten as they change.
    writeFileSync(this.file + ".tmp", JSON.stringify(this.saved, null, 1) + "\n", { mode: 0o600 });
    renameSync(this.file + ".tmp", this.file);
  }

  private load(): AccountsFile {
    if (!this.file || !existsSync(this.file)) return { version: 1, servers: {} };
    try {
      const data = JSON.parse(readFileSync(this.file, "utf8")) as AccountsFile;
      if (data.version === 1 && typeof data.servers === "object" && data.servers) return data;
    } catch {
      // fall through
    }
    usage(`--accounts ${this.file}: not an accounts file written by this scenario`);
  }

  private remember(base: string, id: number, account: SavedAccount): void {
    if (!this.file) return;
    (this.saved.servers[base] ??= {})[String(id)] = account;
    this.saveTimer ??= setTimeout(() => this.save(), 1000);
  }

  private async create(base: string, id: number, attempt: number): Promise<Account> {
    const password = this.password;
    // --reestablishAllDelay starts a bot again: that gets a fresh account, as
    // the old character may still be held for reconnection.
    const reusable = attempt === 0 ? this.saved.servers[base]?.[String(id)] : undefined;
    if (reusable) {
      try {
        const pair = await request<TokenPair>("POST", `${base}/auth/refresh`, {
          refreshToken: reusable.refreshToken,
        });
        this.remember(base, id, { ...reusable, refreshToken: pair.refreshToken });
        return { name: reusable.name, token: pair.token, characterId: reusable.characterId };
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 401) throw err;
        // Session gone (revoked, expired, or the server's data was reset): log in again below.
      }
    }
    const suffix = attempt === 0 ? `${this.runId}_${id}` : `${this.runId}_${id}_${attempt}`;
    const username = reusable?.username ?? `lt_${suffix}`;
    const name = reusable?.name ?? `Bot_${suffix}`;

    let pair: TokenPair;
    try {
      if (!reusable) throw new HttpError(401, "new account");
      pair = await request<TokenPair>("POST", `${base}/auth/login`, { username, password });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 401) throw err;
      await request("POST", `${base}/auth/register`, { username, password });
      pair = await request<TokenPair>("POST", `${base}/auth/login`, { username, password });
    }
    const existing = reusable
      ? (await request<CharacterSummary[]>("GET", `${base}/characters`, undefined, pair.token)).find(
          (c) => c.name === name,
        )
      : undefined;
    const character =
      existing ?? (await request<CharacterSummary>("POST", `${base}/characters`, { name }, pair.token));
    if (attempt === 0)
      this.remember(base, id, {
        username,
        name,
        characterId: character.id,
        refreshToken: pair.refreshToken,
      });
    return { name, token: pair.token, characterId: character.id };
  }
}
