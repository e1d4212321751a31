/**
 * Checks the economy's invariant on every character (or the first --limit by
 * name): per item, the ledger's entries add up to the inventory, and the
 * currency entries to the balance (LedgerService.verifyLedger). Run after a
 * restore, on the server's database (same environment as the server's;
 * PostgreSQL while the server runs or not, the embedded database with the
 * server stopped). Like the server, it migrates an older schema forward.
 *
 *   node --import tsx bench/verifyLedgers.ts [--limit N]
 *
 * Exit 0 when every character checks out, 1 otherwise (each mismatch printed).
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../src/framework/config/config.js";
import { LedgerService } from "../src/framework/economy/LedgerService.js";
import { openDatabase } from "../src/framework/persistence/database.js";
import { TypeormLedgerStore } from "../src/framework/persistence/typeorm/TypeormLedgerStore.js";
import { createLogger } from "../src/framework/util/logger.js";

const { values } = parseArgs({ options: { limit: { type: "string" } } });
const limit = values.limit === undefined ? null : Number(values.limit);
if (limit !== null && !(Number.isInteger(limit) && limit > 0)) {
  console.error("--limit must be a positive integer");
  process.exit(2);
}

const started = Date.now();
const db = await openDatabase(loadConfig(), createLogger("warn"));
let mismatched = 0;
let checked = 0;
try {
  const ledger = new LedgerService(new TypeormLedgerStore(db.dataSource));
  const rows = (await db.dataSource.query("SELECT id, name FROM characters ORDER BY name LIMIT $1", [
    limit,
  ])) as { id: string; name: string }[];
  for (const { id, name } of rows) {
    const result = await ledger.verifyLedger(id);
    checked++;
    if (!result.ok) {
      mismatched++;
      console.log(`${name} (${id}): ${JSON.stringify(result.mismatches)}`);
    }
  }
} finally {
  await db.close();
}
console.log(
  `verified ${checked} characters in ${((Date.now() - started) / 1000).toFixed(1)} s: ${mismatched} mismatched`,
);
process.exit(mismatched === 0 ? 0 : 1);
