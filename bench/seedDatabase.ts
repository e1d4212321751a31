/**
 * Fills the server's database (DATABASE_URL, else the embedded one in
 * DATA_DIR: the same environment as the server's) with a realistic shard, to
 * time backups and restores on (docs/operations.md). Reproducible: ids and
 * amounts derive from the row numbers, so two runs of the same size hold the
 * same data.
 *
 *   node --import tsx bench/seedDatabase.ts [--accounts 10000]
 *
 * Per account: one character (stats, position, missions), two login sessions,
 * 8 inventory stacks each reached through 3 ledger entries (loot, buy, sell),
 * 10 currency entries, 30 analytics events; the inventory and the currency
 * are exactly what the ledger adds up to, so verifyLedger passes on every
 * character. Every account logs in with the password "seeded password".
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/framework/config/config.js";
import { hashPassword } from "../src/framework/auth/passwords.js";
import { openDatabase } from "../src/framework/persistence/database.js";
import { createLogger } from "../src/framework/util/logger.js";

const { values } = parseArgs({ options: { accounts: { type: "string", default: "10000" } } });
const accounts = Number(values.accounts);
if (!Number.isInteger(accounts) || accounts < 1 || accounts > 1_000_000) {
  console.error("--accounts must be an integer from 1 to 1000000");
  process.exit(2);
}
const items = (
  JSON.parse(readFileSync(new URL("../content/items.json", import.meta.url), "utf8")) as {
    items: { id: string }[];
  }
).items.map((i) => i.id);

const config = loadConfig();
const db = await openDatabase(config, createLogger("warn"));
const started = Date.now();
try {
  const [{ n } = { n: 0 }] = (await db.dataSource.query(
    "SELECT count(*)::int AS n FROM accounts WHERE username LIKE 'seed\\_%'",
  )) as { n: number }[];
  if (n > 0) throw new Error(`the database already holds ${n} seeded accounts: seed an empty one`);
  const hash = await hashPassword("seeded password");
  const step = (what: string, sql: string, params: unknown[] = []) =>
    db.dataSource
      .query(sql, params)
      .then(() => console.log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`));

  await db.dataSource.transaction(async (tx) => {
    const q = (what: string, sql: string, params: unknown[] = []) =>
      tx
        .query(sql, params)
        .then(() => console.log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`));
    await q(
      "accounts",
      `INSERT INTO accounts (id, username, password_hash, created_at, last_login_at)
       SELECT md5('account' || i)::uuid, 'seed_' || i, $2, now() - (i % 400) * interval '1 day', now() - (i % 30) * interval '1 hour'
       FROM generate_series(1, $1) AS i`,
      [accounts, hash],
    );
    await q(
      "characters",
      `INSERT INTO characters (id, account_id, name, organization, level, experience, district, x, y, z, heading,
                               hp, max_hp, stats, currency, missions, saved_at)
       SELECT md5('character' || i)::uuid, md5('account' || i)::uuid, 'Seed' || i,
              (ARRAY['zion', 'machines', 'merovingian'])[1 + i % 3], 1 + i % 50, (i % 50) * 1000 + i % 997,
              (ARRAY['richland', 'westview', 'downtown', 'international'])[1 + i % 4],
              (i * 37) % 2000, (i * 91) % 2000, 0, (i % 360) * pi() / 180, 500 + i % 500, 1000,
              jsonb_build_object('focus', 10 + i % 7, 'perception', 10 + i % 5, 'reason', 10 + i % 3,
                                 'belief', 10 + i % 11, 'vitality', 10 + i % 13, 'unspent', i % 4),
              0, jsonb_build_object('active', jsonb_build_array('rl-wake-up'), 'completed', jsonb_build_object()),
              now() - (i % 30) * interval '1 hour'
       FROM generate_series(1, $1) AS i`,
      [accounts],
    );
    await q(
      "sessions",
      `INSERT INTO sessions (id, account_id, refresh_hash, expires_at, ip, user_agent)
       SELECT md5('session' || i || ':' || s)::uuid, md5('account' || i)::uuid, md5('refresh' || i || ':' || s),
              now() + interval '30 days', '10.0.' || (i % 250) || '.' || s, 'mxo-client/1.0'
       FROM generate_series(1, $1) AS i, generate_series(1, 2) AS s`,
      [accounts],
    );
    // Per stack: loot a, buy b, sell c < a + b; what remains is the stack.
    await q(
      "ledger (items)",
      `INSERT INTO ledger_entries (id, character_id, kind, item_id, quantity, balance_after, idempotency_key, reason, actor, created_at)
       SELECT md5('ledger' || i || ':' || k || ':' || e)::uuid, md5('character' || i)::uuid,
              (ARRAY['loot', 'buy', 'sell'])[e], ($2::text[])[(i + k) % cardinality($2::text[]) + 1],
              CASE e WHEN 1 THEN 1 + (i + k) % 5 WHEN 2 THEN 1 + (i * k) % 3 ELSE -1 END,
              CASE e WHEN 1 THEN 1 + (i + k) % 5 WHEN 2 THEN 2 + (i + k) % 5 + (i * k) % 3 ELSE 1 + (i + k) % 5 + (i * k) % 3 END,
              'seed:' || i || ':' || k || ':' || e, 'seeded', 'seed', now() - (3 - e) * interval '1 hour'
       FROM generate_series(1, $1) AS i, generate_series(0, 7) AS k, generate_series(1, 3) AS e`,
      [accounts, items],
    );
    await q(
      "inventory",
      `INSERT INTO inventory_items (character_id, item_id, quantity)
       SELECT character_id, item_id, sum(quantity) FROM ledger_entries WHERE idempotency_key LIKE 'seed:%'
       GROUP BY character_id, item_id`,
    );
    // Eight earnings, then two spends smaller than any earning: the balance never goes below zero.
    await q(
      "ledger (currency)",
      `INSERT INTO ledger_entries (id, character_id, kind, item_id, quantity, balance_after, idempotency_key, reason, actor, created_at)
       SELECT md5('info' || i || ':' || e)::uuid, md5('character' || i)::uuid,
              CASE WHEN e <= 8 THEN 'loot' ELSE 'buy' END, 'currency', amount,
              sum(amount) OVER (PARTITION BY i ORDER BY e), 'seedinfo:' || i || ':' || e, 'seeded', 'seed',
              now() - (11 - e) * interval '1 hour'
       FROM (SELECT i, e, CASE WHEN e <= 8 THEN 100 + (i * e) % 400 ELSE -(50 + (i + e) % 49) END AS amount
             FROM generate_series(1, $1) AS i, generate_series(1, 10) AS e) AS x`,
      [accounts],
    );
    await q(
      "currency",
      `UPDATE characters c SET currency = l.total
       FROM (SELECT character_id, sum(quantity) AS total FROM ledger_entries WHERE item_id = 'currency'
             AND idempotency_key LIKE 'seedinfo:%' GROUP BY character_id) AS l WHERE l.character_id = c.id`,
    );
    await q(
      "game events",
      `INSERT INTO game_events (at, kind, account_id, character_id, district, amount, data)
       SELECT now() - ((i * 7 + e) % 720) * interval '1 hour',
              (ARRAY['login', 'loot', 'level_up', 'death', 'mission_complete'])[1 + e % 5],
              md5('account' || i)::uuid, md5('character' || i)::uuid,
              (ARRAY['richland', 'westview', 'downtown', 'international'])[1 + i % 4], e,
              jsonb_build_object('seq', e)
       FROM generate_series(1, $1) AS i, generate_series(1, 30) AS e`,
      [accounts],
    );
  });
  await step("analyze", "ANALYZE");
  const counts = (await db.dataSource.query(
    `SELECT (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM characters)::int AS characters,
            (SELECT count(*) FROM inventory_items)::int AS stacks, (SELECT count(*) FROM ledger_entries)::int AS ledger,
            (SELECT count(*) FROM game_events)::int AS events, pg_size_pretty(pg_database_size(current_database())) AS size`,
  )) as Record<string, unknown>[];
  console.log(JSON.stringify({ seconds: (Date.now() - started) / 1000, ...counts[0] }));
} finally {
  await db.close();
}
