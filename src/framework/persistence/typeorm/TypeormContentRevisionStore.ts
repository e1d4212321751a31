import type { DataSource, EntityManager } from "typeorm";
import type {
  ContentRevisionStore,
  DeploymentChange,
  StoredRevision,
} from "../ports/ContentRevisionStore.js";

/**
 * `content_revisions` and the one-row `content_deployment` (migration
 * GmAdmin1732500000000). Deploy and rollback lock the deployment row
 * (`SELECT … FOR UPDATE` in a transaction), so concurrent ones serialize and
 * the history stays consistent.
 */
export class TypeormContentRevisionStore implements ContentRevisionStore {
  constructor(private readonly db: DataSource) {}

  async create(packJson: string, sha256: string, note: string, actor: string): Promise<number> {
    const rows = (await this.db.query(
      `INSERT INTO content_revisions (pack, sha256, note, created_by) VALUES ($1::jsonb, $2, $3, $4)
       RETURNING revision`,
      [packJson, sha256, note, actor],
    )) as { revision: number | string }[];
    return Number(rows[0]!.revision);
  }

  async list(): Promise<StoredRevision[]> {
    const rows = (await this.db.query(
      `SELECT r.revision, r.sha256, r.note, r.created_by, r.created_at, r.deployed_at,
              (d.revision IS NOT NULL AND d.revision = r.revision) AS active
         FROM content_revisions r
         LEFT JOIN content_deployment d ON d.id = 1
        ORDER BY r.revision DESC`,
    )) as {
      revision: number | string;
      sha256: string;
      note: string;
      created_by: string;
      created_at: Date | string;
      deployed_at: Date | string | null;
      active: boolean;
    }[];
    return rows.map((r) => ({
      revision: Number(r.revision),
      sha256: r.sha256.trim(),
      note: r.note,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at),
      deployedAt: r.deployed_at === null ? null : new Date(r.deployed_at),
      active: r.active === true,
    }));
  }

  async pack(revision: number): Promise<unknown> {
    const rows = (await this.db.query(`SELECT pack FROM content_revisions WHERE revision = $1`, [
      revision,
    ])) as { pack: unknown }[];
    return rows.length === 0 ? undefined : parsed(rows[0]!.pack);
  }

  async active(): Promise<{ revision: number; pack: unknown } | null> {
    const rows = (await this.db.query(
      `SELECT r.revision, r.pack
         FROM content_deployment d
         JOIN content_revisions r ON r.revision = d.revision
        WHERE d.id = 1`,
    )) as { revision: number | string; pack: unknown }[];
    if (rows.length === 0) return null;
    return { revision: Number(rows[0]!.revision), pack: parsed(rows[0]!.pack) };
  }

  async deploy(revision: number, actor: string): Promise<DeploymentChange | undefined> {
    return this.db.transaction(async (tx) => {
      const found = (await tx.query(`SELECT 1 FROM content_revisions WHERE revision = $1`, [
        revision,
      ])) as unknown[];
      if (found.length === 0) return undefined;
      const current = await lockDeployment(tx);
      if (current.revision === revision) return { revision, previous: revision };
      const history = current.revision === null ? current.history : [...current.history, current.revision];
      await setActive(tx, revision, history, actor);
      return { revision, previous: current.revision };
    });
  }

  async rollback(actor: string): Promise<DeploymentChange | undefined> {
    return this.db.transaction(async (tx) => {
      const current = await lockDeployment(tx);
      const target = current.history.at(-1);
      if (target === undefined) return undefined;
      await setActive(tx, target, current.history.slice(0, -1), actor);
      return { revision: target, previous: current.revision };
    });
  }
}

async function setActive(
  tx: EntityManager,
  revision: number,
  history: number[],
  actor: string,
): Promise<void> {
  await tx.query(
    `UPDATE content_deployment
        SET revision = $1, history = $2::integer[], deployed_by = $3, deployed_at = now()
      WHERE id = 1`,
    [revision, intArrayLiteral(history), actor],
  );
  await tx.query(`UPDATE content_revisions SET deployed_at = now() WHERE revision = $1`, [revision]);
}

/**
 * The deployment row, locked until the transaction ends. The migration does
 * not insert it: the first deploy does (`ON CONFLICT DO NOTHING`, so two first
 * deploys at once both end up locking the same row).
 */
async function lockDeployment(tx: EntityManager): Promise<{ revision: number | null; history: number[] }> {
  await tx.query(`INSERT INTO content_deployment (id) VALUES (1) ON CONFLICT (id) DO NOTHING`);
  const rows = (await tx.query(
    `SELECT revision, history FROM content_deployment WHERE id = 1 FOR UPDATE`,
  )) as {
    revision: number | string | null;
    history: unknown;
  }[];
  const row = rows[0]!;
  return {
    revision: row.revision === null ? null : Number(row.revision),
    history: intArray(row.history),
  };
}

/** jsonb as the driver gave it: parsed already (pg), or its text. */
function parsed(stored: unknown): unknown {
  return typeof stored === "string" ? (JSON.parse(stored) as unknown) : stored;
}

/** An `integer[]` as the driver gave it: an array (pg, PGlite) or the literal `{1,2}`. */
function intArray(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value === "string") {
    const inner = value.replace(/^\{|\}$/g, "").trim();
    return inner === "" ? [] : inner.split(",").map(Number);
  }
  return [];
}

/** `{1,2}`: the text form of an `integer[]` parameter, the same for pg and PGlite. */
function intArrayLiteral(values: readonly number[]): string {
  return `{${values.join(",")}}`;
}
