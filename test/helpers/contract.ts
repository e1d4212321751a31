import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Schema } from "@colyseus/schema";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");

/** How a contract interface types a replicated field, for comparing with the schema's own field types. */
export type WireKind = "string" | "number" | "boolean" | "map";

export type KindOf<T> = T extends string
  ? "string"
  : T extends number
    ? "number"
    : T extends boolean
      ? "boolean"
      : T extends ReadonlyMap<string, unknown>
        ? "map"
        : never;

/** One line per contract interface field, checked by the compiler against the interface. */
export type KindTable<T> = { [K in keyof T]-?: KindOf<T[K]> };

const NUMERIC = new Set([
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
  "number",
]);

/** A schema class's replicated fields and their kinds, read from its decorator metadata. */
export function schemaFields(klass: typeof Schema): Record<string, { kind: WireKind; child?: unknown }> {
  const metadata = (klass as unknown as Record<symbol, Record<string, { name: string; type: unknown }>>)[
    Symbol.metadata
  ];
  const out: Record<string, { kind: WireKind; child?: unknown }> = {};
  for (const [index, field] of Object.entries(metadata ?? {})) {
    if (!/^\d+$/.test(index)) continue;
    out[field.name] = kindOf(field.type);
  }
  return out;
}

function kindOf(type: unknown): { kind: WireKind; child?: unknown } {
  if (type === "string") return { kind: "string" };
  if (type === "boolean") return { kind: "boolean" };
  if (typeof type === "string" && NUMERIC.has(type)) return { kind: "number" };
  if (typeof type === "object" && type !== null) {
    if ("quantized" in type) return { kind: "number" };
    if ("map" in type) return { kind: "map", child: (type as { map: unknown }).map };
  }
  throw new Error(`no wire kind for schema type ${JSON.stringify(type)}`);
}

/** Every TypeScript source under the given repository folders, with its text. */
export function sources(...dirs: string[]): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const dir of dirs) {
    const root = join(REPO_ROOT, dir);
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const path = join(entry.parentPath, entry.name);
      out.push({ path: path.slice(REPO_ROOT.length + 1), text: readFileSync(path, "utf8") });
    }
  }
  return out;
}

/** Every first capture group of `pattern` in the given sources, with where it was found. */
export function captures(files: { path: string; text: string }[], pattern: RegExp): Map<string, string> {
  const found = new Map<string, string>();
  for (const { path, text } of files) {
    for (const m of text.matchAll(new RegExp(pattern.source, "g"))) {
      if (!found.has(m[1]!)) found.set(m[1]!, path);
    }
  }
  return found;
}
