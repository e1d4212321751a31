/**
 * The rows of an `UPDATE`/`DELETE … RETURNING` run through `DataSource.query`:
 * TypeORM's Postgres driver answers those with `[rows, affectedCount]`, and
 * everything else (SELECT, INSERT … RETURNING) with the rows alone.
 */
export function returnedRows<T>(raw: unknown): T[] {
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === "number") {
    return raw[0] as T[];
  }
  return raw as T[];
}
