/** The SQLSTATE of a PostgreSQL error, as TypeORM wraps it or as the driver threw it. */
export function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === "string" ? code : undefined;
}

/** A unique index refused the row (23505). */
export function isUniqueViolation(err: unknown): boolean {
  return pgCode(err) === "23505";
}
