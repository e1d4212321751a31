import { ContentPack } from "./ContentPack.js";
import type { ContentIssue } from "./ContentError.js";
import { formatPath } from "./ContentError.js";
import { checkCrossReferences, type KnownIds, type ParsedPack } from "./crossReferences.js";
import {
  CONTENT_PACK_VERSION,
  KIND_NAMES,
  KIND_NOUN,
  PACK_FILES,
  PACK_KINDS,
  type ContentPackData,
  type PackKind,
} from "./schema/pack.js";

export type ContentValidation = { ok: true; pack: ContentPack } | { ok: false; errors: ContentIssue[] };

/**
 * Validates a whole pack held in memory (`{version, districts, items, abilities, npcs,
 * lootTables, missions, contacts}`, e.g. an uploaded revision): every entry against its
 * schema, then ids and references across kinds. Reports every problem, each with the
 * file it belongs in; an entry that fails its schema still counts as existing for
 * references, so one typo yields one issue rather than a cascade. The input is not
 * modified; the pack returned holds fresh, frozen copies with defaults filled in.
 */
export function validateContentPack(input: unknown): ContentValidation {
  const raw = input instanceof ContentPack ? input.toJSON() : input;
  const issues: ContentIssue[] = [];
  const report = (path: (string | number)[], message: string): void => {
    issues.push(issueAt(raw, path, message));
  };

  if (!isRecord(raw)) {
    report([], `a content pack is an object {version, ${KIND_NAMES.join(", ")}}`);
    return { ok: false, errors: issues };
  }
  for (const key of Object.keys(raw)) {
    if (!(key in PACK_FILES)) report([key], `unknown key; a pack holds version, ${KIND_NAMES.join(", ")}`);
  }
  if (raw.version === undefined) {
    report(["version"], `missing version; this server reads version ${CONTENT_PACK_VERSION}`);
  } else if (raw.version !== CONTENT_PACK_VERSION) {
    report(
      ["version"],
      `unsupported version ${JSON.stringify(raw.version)}; this server reads version ${CONTENT_PACK_VERSION}`,
    );
  }

  const parsed: Partial<Record<PackKind, { index: number; value: unknown }[]>> = {};
  const known: KnownIds = {};
  for (const kind of KIND_NAMES) {
    const list = raw[kind];
    if (!Array.isArray(list)) {
      report([kind], `expected an array of ${KIND_NOUN[kind]} entries, got ${describe(list)}`);
      continue;
    }
    known[kind] = new Set(list.map(idOf).filter((id): id is string => id !== undefined));
    const entries: { index: number; value: unknown }[] = [];
    list.forEach((entry, index) => {
      const result = PACK_KINDS[kind].safeParse(entry);
      if (result.success) entries.push({ index, value: result.data });
      else for (const i of result.error.issues) report([kind, index, ...i.path.map(pathKey)], i.message);
    });
    parsed[kind] = entries;
    checkUniqueIds(kind, list, report);
  }
  if (Array.isArray(raw.districts) && raw.districts.length === 0) {
    report(["districts"], "a pack needs at least one district");
  }

  checkCrossReferences(
    {
      districts: parsed.districts ?? [],
      items: parsed.items ?? [],
      abilities: parsed.abilities ?? [],
      npcs: parsed.npcs ?? [],
      lootTables: parsed.lootTables ?? [],
      missions: parsed.missions ?? [],
      contacts: parsed.contacts ?? [],
    } as ParsedPack,
    known,
    report,
  );

  if (issues.length > 0) return { ok: false, errors: issues };
  const values = (kind: PackKind) => (parsed[kind] ?? []).map((e) => e.value);
  const data = {
    version: CONTENT_PACK_VERSION,
    districts: values("districts"),
    items: values("items"),
    abilities: values("abilities"),
    npcs: values("npcs"),
    lootTables: values("lootTables"),
    missions: values("missions"),
    contacts: values("contacts"),
  } as ContentPackData;
  return { ok: true, pack: new ContentPack(data) };
}

/** Which file a path belongs in follows from its first key; the id from the entry it points into. */
function issueAt(raw: unknown, path: (string | number)[], message: string): ContentIssue {
  const key = path[0];
  const file =
    typeof key === "string" && key in PACK_FILES ? PACK_FILES[key as keyof typeof PACK_FILES] : "pack.json";
  const issue: ContentIssue = { file, path: formatPath(path), message };
  if (typeof key === "string" && typeof path[1] === "number" && isRecord(raw)) {
    const list = raw[key];
    const id = Array.isArray(list) ? idOf(list[path[1]]) : undefined;
    if (id !== undefined) issue.id = id;
  }
  return issue;
}

function checkUniqueIds(
  kind: PackKind,
  list: readonly unknown[],
  report: (path: (string | number)[], message: string) => void,
): void {
  const first = new Map<string, number>();
  list.forEach((entry, index) => {
    const id = idOf(entry);
    if (id === undefined) return;
    const at = first.get(id);
    if (at === undefined) first.set(id, index);
    else report([kind, index, "id"], `duplicate ${KIND_NOUN[kind]} id "${id}" (also at ${kind}.${at})`);
  });
}

function idOf(entry: unknown): string | undefined {
  return isRecord(entry) && typeof entry.id === "string" ? entry.id : undefined;
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === "number" ? key : String(key);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : typeof value;
}
