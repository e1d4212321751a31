import type { Redis } from "ioredis";

/** One key's expected value (null: absent) for a compare-and-set. */
export interface KeyCheck {
  key: string;
  value: string | null;
}

/** One key's new value (null: delete), kept for `ttlMs`. */
export interface KeyWrite {
  key: string;
  value: string | null;
  ttlMs: number;
}

/**
 * Where teams live, shared by every process: a few string keys and one
 * atomic operation, a compare-and-set over several keys. Every team change
 * reads, decides by the pure rules, and swaps only if nothing it read has
 * changed meanwhile (else it reads again): two processes can never both add a
 * seventh member, put one character in two teams, or drop a member.
 */
export interface TeamStore {
  get(keys: string[]): Promise<(string | null)[]>;
  /** True if every check held and the writes were applied, all at once; false if a check failed. */
  swap(checks: KeyCheck[], writes: KeyWrite[]): Promise<boolean>;
}

/** The single-process adapter: a map with expiry; each swap runs without yielding, so it is atomic. */
export class LocalTeamStore implements TeamStore {
  private readonly values = new Map<string, { value: string; expires: number }>();

  private read(key: string): string | null {
    const held = this.values.get(key);
    if (!held) return null;
    if (held.expires <= Date.now()) {
      this.values.delete(key);
      return null;
    }
    return held.value;
  }

  async get(keys: string[]): Promise<(string | null)[]> {
    return keys.map((k) => this.read(k));
  }

  async swap(checks: KeyCheck[], writes: KeyWrite[]): Promise<boolean> {
    if (checks.some((c) => this.read(c.key) !== c.value)) return false;
    for (const w of writes) {
      if (w.value === null) this.values.delete(w.key);
      else this.values.set(w.key, { value: w.value, expires: Date.now() + w.ttlMs });
    }
    return true;
  }
}

// KEYS = checked keys, then written keys; ARGV = nChecks, then the checks' expected values
// ("\0" for absent), then for each write: value ("\0" to delete) and ttl ms.
const SWAP = `
local n = tonumber(ARGV[1])
for i = 1, n do
  local cur = redis.call('GET', KEYS[i])
  if (cur or '\\0') ~= ARGV[i + 1] then return 0 end
end
local w = #KEYS - n
for j = 1, w do
  local v = ARGV[n + 2 + (j - 1) * 2]
  local ttl = ARGV[n + 3 + (j - 1) * 2]
  if v == '\\0' then redis.call('DEL', KEYS[n + j]) else redis.call('SET', KEYS[n + j], v, 'PX', ttl) end
end
return 1`;

const ABSENT = "\0";

/** The multi-process adapter: the compare-and-set is one Lua script, atomic in Redis. */
export class RedisTeamStore implements TeamStore {
  constructor(private readonly redis: Redis) {}

  async get(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    return this.redis.mget(...keys);
  }

  async swap(checks: KeyCheck[], writes: KeyWrite[]): Promise<boolean> {
    const keys = [...checks.map((c) => c.key), ...writes.map((w) => w.key)];
    const args = [
      String(checks.length),
      ...checks.map((c) => c.value ?? ABSENT),
      ...writes.flatMap((w) => [w.value ?? ABSENT, String(Math.max(1, Math.round(w.ttlMs)))]),
    ];
    return (await this.redis.eval(SWAP, keys.length, ...keys, ...args)) === 1;
  }
}
