/** A UUID in its one spelling (36 dashes are not an id). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}

/** How a refused id is named back to the caller (cut short: it is the caller's text). */
export function invalidIdMessage(raw: unknown): string {
  return `Invalid id: ${JSON.stringify(String(raw)).slice(0, 80)}`;
}
