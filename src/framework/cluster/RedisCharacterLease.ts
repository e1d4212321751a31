import { Redis } from "ioredis";
import { ownerOf, type CharacterLease, type LeaseEntry } from "./CharacterLease.js";

const idKey = (id: string) => `mxo:char:${id}`;
const nameKey = (name: string) => `mxo:charname:${name.toLowerCase()}`;

// KEYS[1] = id key, KEYS[2] = name key; ARGV = owner, entry JSON, ttl seconds.
// The value is "<owner>\n<json>" so ownership checks need no JSON parsing in Lua.
const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, string.len(ARGV[1]) + 1) ~= ARGV[1] .. '\\n' then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[1] .. '\\n' .. ARGV[2], 'EX', ARGV[3])
return 1`;

const RENEW = ACQUIRE; // same check-then-set, only when we still hold it (a missing key is re-taken)

// ARGV = expected current owner, new owner, entry JSON, ttl.
const STEAL = `
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, string.len(ARGV[1]) + 1) ~= ARGV[1] .. '\\n' then return 0 end
redis.call('SET', KEYS[1], ARGV[2] .. '\\n' .. ARGV[3], 'EX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[2] .. '\\n' .. ARGV[3], 'EX', ARGV[4])
return 1`;

const RELEASE = `
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '\\n' then
  redis.call('DEL', KEYS[1])
  local n = redis.call('GET', KEYS[2])
  if n and string.sub(n, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '\\n' then redis.call('DEL', KEYS[2]) end
end
return 1`;

/**
 * The multi-process adapter: atomic check-and-set in Redis with expiry, on the
 * process's shared Redis connection (which it does not close).
 */
export class RedisCharacterLease implements CharacterLease {
  constructor(
    private readonly redis: Redis,
    readonly ttlSeconds: number,
  ) {}

  async acquire(entry: LeaseEntry): Promise<boolean> {
    const ok = await this.redis.eval(
      ACQUIRE,
      2,
      idKey(entry.characterId),
      nameKey(entry.name),
      ownerOf(entry),
      JSON.stringify(entry),
      String(this.ttlSeconds),
    );
    return ok === 1;
  }

  async steal(entry: LeaseEntry, fromOwner: string): Promise<boolean> {
    const ok = await this.redis.eval(
      STEAL,
      2,
      idKey(entry.characterId),
      nameKey(entry.name),
      fromOwner,
      ownerOf(entry),
      JSON.stringify(entry),
      String(this.ttlSeconds),
    );
    return ok === 1;
  }

  async renew(entries: LeaseEntry[]): Promise<LeaseEntry[]> {
    if (entries.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const e of entries) {
      pipeline.eval(
        RENEW,
        2,
        idKey(e.characterId),
        nameKey(e.name),
        ownerOf(e),
        JSON.stringify(e),
        String(this.ttlSeconds),
      );
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    return entries.filter((_, i) => results[i]?.[1] !== 1);
  }

  async release(e: Pick<LeaseEntry, "characterId" | "name" | "processId" | "sessionId">): Promise<void> {
    await this.redis.eval(RELEASE, 2, idKey(e.characterId), nameKey(e.name), ownerOf(e));
  }

  async locate(characterId: string): Promise<LeaseEntry | undefined> {
    return parse(await this.redis.get(idKey(characterId)));
  }

  async findByName(name: string): Promise<LeaseEntry | undefined> {
    return parse(await this.redis.get(nameKey(name)));
  }

  async close(): Promise<void> {}
}

function parse(value: string | null): LeaseEntry | undefined {
  if (!value) return undefined;
  const newline = value.indexOf("\n");
  try {
    return JSON.parse(value.slice(newline + 1)) as LeaseEntry;
  } catch {
    return undefined;
  }
}
