export interface DiffEntry {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

export interface DiffOptions {
  /**
   * `after` is an uploaded pack and `before` a stored one, which the server
   * stored with every default filled in: a field the upload leaves out takes
   * its default, so its absence is not a removal. Such fields are counted in
   * `defaulted` instead of listed (whole entries and top-level keys still are).
   */
  omittedMeansDefault?: boolean;
  defaulted?: { count: number };
}

/**
 * The differences between two JSON values, as paths. Arrays whose items all
 * carry an `id` (districts, NPCs, missions… in a content pack) are matched by
 * id, so inserting one entry shows as one addition instead of every later
 * entry "changing"; other arrays are compared by position.
 */
export function jsonDiff(before: unknown, after: unknown, path = "", opts: DiffOptions = {}): DiffEntry[] {
  if (deepEqual(before, after)) return [];
  if (before === undefined) return [{ path: path || "(root)", kind: "added", after }];
  if (after === undefined) return [{ path: path || "(root)", kind: "removed", before }];
  if (isKeyedArray(before) && isKeyedArray(after)) {
    const a = new Map(before.map((x) => [x.id, x]));
    const b = new Map(after.map((x) => [x.id, x]));
    const ids = [...new Set([...a.keys(), ...b.keys()])];
    return ids.flatMap((id) => jsonDiff(a.get(id), b.get(id), `${path}[${id}]`, opts));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    const out: DiffEntry[] = [];
    for (let i = 0; i < n; i++) out.push(...jsonDiff(before[i], after[i], `${path}[${i}]`, opts));
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => {
      if (opts.omittedMeansDefault && path && !(k in after)) {
        if (opts.defaulted) opts.defaulted.count++;
        return [];
      }
      return jsonDiff(before[k], after[k], path ? `${path}.${k}` : k, opts);
    });
  }
  return [{ path: path || "(root)", kind: "changed", before, after }];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isKeyedArray(v: unknown): v is { id: string }[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((x) => isObject(x) && typeof x.id === "string") &&
    new Set(v.map((x) => (x as { id: string }).id)).size === v.length
  );
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
