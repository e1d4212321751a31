import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ContentPack } from "./ContentPack.js";
import { ContentError, type ContentIssue } from "./ContentError.js";
import { PACK_FILES } from "./schema/pack.js";
import { validateContentPack } from "./validateContentPack.js";

/** Each file of a pack on disk and the top-level keys its JSON object holds. */
export const PACK_FILE_KEYS: ReadonlyMap<string, readonly string[]> = (() => {
  const byFile = new Map<string, string[]>();
  for (const [key, file] of Object.entries(PACK_FILES)) byFile.set(file, [...(byFile.get(file) ?? []), key]);
  return byFile;
})();

/**
 * Reads the pack files in `dir` into one pack object, without validating it. Problems
 * reading a file (missing, not JSON, not an object, unknown keys) come back as issues.
 */
export function readContentPackFiles(dir: string): { raw: Record<string, unknown>; issues: ContentIssue[] } {
  const raw: Record<string, unknown> = {};
  const issues: ContentIssue[] = [];
  for (const [file, keys] of PACK_FILE_KEYS) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (err) {
      const reason = err instanceof SyntaxError ? `not valid JSON: ${err.message}` : (err as Error).message;
      issues.push({ file, path: "(root)", message: reason });
      continue;
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      issues.push({ file, path: "(root)", message: `expected an object with ${keys.join(" and ")}` });
      continue;
    }
    const record = json as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!keys.includes(key)) {
        issues.push({ file, path: key, message: `unknown key; ${file} holds ${keys.join(" and ")}` });
      }
    }
    for (const key of keys) raw[key] = record[key];
  }
  return { raw, issues };
}

/**
 * Loads and validates the pack in `dir` (pack.json, districts.json, items.json,
 * abilities.json, npcs.json, loot.json, missions.json). Throws a `ContentError` listing
 * every problem as `file: path: reason`. A file that cannot be read is reported once;
 * references into it are not checked.
 */
export function loadContentPack(dir: string): ContentPack {
  const { raw, issues } = readContentPackFiles(dir);
  const unreadable = new Set(issues.filter((i) => i.path === "(root)").map((i) => i.file));
  const result = validateContentPack(raw);
  const all = [...issues, ...(result.ok ? [] : result.errors.filter((i) => !unreadable.has(i.file)))];
  if (all.length > 0) throw new ContentError(all, dir);
  if (!result.ok) throw new Error("unreachable: validation failed without issues");
  return result.pack;
}
