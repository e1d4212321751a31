/** mxo-server's side of the set-up: accounts and characters for the bots, and putting them where a scenario wants them. */
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { http } from "../../test/helpers/api.js";
import { queryDatabase } from "../../test/helpers/postgres.js";
import { endProgress, log, progress } from "./console.js";
import { DISTRICT } from "./options.js";
import { startMxo, type MxoData } from "./servers.js";

/** Characters one account may own (src/framework/persistence/CharacterService.ts): bots share accounts to spare argon2 work. */
const CHARACTERS_PER_ACCOUNT = 8;

export interface BenchPlayer {
  token: string;
  characterId: string;
}

/**
 * Registers accounts and characters for `n` bots on a server that then stops
 * (tokens stay valid: same DATA_DIR, same generated secret, long TTL). Bots
 * share accounts, up to the per-account character limit; each plays its own
 * character.
 */
export async function createPlayers(data: MxoData, n: number): Promise<BenchPlayer[]> {
  const t0 = performance.now();
  const running = await startMxo(data);
  const players: BenchPlayer[] = [];
  const accounts = Math.ceil(n / CHARACTERS_PER_ACCOUNT);
  const tag = Math.random().toString(36).slice(2, 8);
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await http(running.http, "POST", path, { body, token });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < accounts) {
          const a = next++;
          const username = `bench_${tag}_${a}`;
          const password = "bench password";
          await post("/auth/register", { username, password });
          const { token } = await post("/auth/login", { username, password });
          for (let c = 0; c < CHARACTERS_PER_ACCOUNT && players.length < n; c++) {
            const character = await post("/characters", { name: `B${tag}${a}x${c}` }, token);
            players.push({ token, characterId: character.id });
          }
          progress(`[setup] mxo: ${players.length}/${n} characters on ${a + 1}/${accounts} accounts`);
        }
      }),
    );
  } finally {
    endProgress();
    await running.server.stop();
  }
  log(
    `[setup] ${players.length} characters on ${accounts} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return players;
}

/**
 * Puts characters where the layout wants them (a new character starts at the
 * arrival hardline; a returning one where it was saved), with full health, by
 * writing the database (embedded or PostgreSQL) while no server runs.
 */
export async function placeCharacters(
  data: MxoData,
  players: BenchPlayer[],
  spots: { x: number; y: number }[],
): Promise<void> {
  const sql = `UPDATE characters c SET district = $4, x = v.x, y = v.y, z = 0, hp = c.max_hp
     FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::float8[]) AS x, unnest($3::float8[]) AS y) v
    WHERE c.id = v.id`;
  const params = [players.map((p) => p.characterId), spots.map((s) => s.x), spots.map((s) => s.y), DISTRICT];
  if (data.databaseUrl) {
    await queryDatabase(data.databaseUrl, sql, params);
    return;
  }
  const db = new PGlite(join(data.dataDir, "pglite"));
  try {
    await db.query(sql, params);
  } finally {
    await db.close();
  }
}
