import { createHash } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { AppError, conflict, notFound } from "../util/errors.js";
import { formatIssue, type ContentIssue } from "./ContentError.js";
import type { ContentPack } from "./ContentPack.js";
import { validateContentPack } from "./validateContentPack.js";

/** One stored revision as `list()` shows it: everything but the pack body. */
export interface ContentRevisionInfo {
  revision: number;
  /** Hex SHA-256 of the pack's canonical JSON (`canonicalJson`). */
  sha256: string;
  note: string;
  createdBy: string;
  createdAt: Date;
  /** When it last became the active revision (deploy, or rollback to it); null if never. */
  deployedAt: Date | null;
  /** Whether it is the revision every room should run now. */
  active: boolean;
}

/** What `deploy` and `rollback` changed: the revision now active and the one active before. */
export interface ContentDeployResult {
  revision: number;
  previous: number | null;
}

/** `AppError.details` of a refused pack (`invalid_content`, 400). */
export interface InvalidContentDetails {
  /** Every problem found, in validation order. */
  issues: ContentIssue[];
}

/** Issues quoted in the error message; `details.issues` always has all of them. */
const MESSAGE_ISSUES = 10;
/** `content_revisions.created_by` and `content_deployment.deployed_by` are varchar(64). */
const MAX_ACTOR_LENGTH = 64;
/** `revision` is a Postgres `integer`. */
const MAX_REVISION = 2_147_483_647;

/**
 * Content pack revisions in the database (tables `content_revisions` and the
 * one-row `content_deployment`, migration GmAdmin1732500000000): upload
 * (validated, stored as the validated pack's JSON with its SHA-256), list,
 * read back, and which revision is active, with deploy and rollback.
 *
 * Works on any `DataSource` of the `postgres` type, a real PostgreSQL or the
 * embedded PGlite. Deploy and rollback lock the deployment row (`SELECT … FOR
 * UPDATE` in a transaction), so concurrent ones serialize and the history
 * stays consistent. Storing a revision does not deploy it; making rooms run
 * the active revision is the caller's job.
 *
 * Errors are `AppError`s: `invalid_content` (400, `details: {issues}`),
 * `not_found` (404), `nothing_to_roll_back` (409), `invalid_request` (400, a bad
 * actor name), and `invalid_stored_content` (500) if a stored pack no longer
 * passes this server's validation.
 */
export class ContentRevisions {
  constructor(private readonly db: DataSource) {}

  /**
   * Validates `raw` (a pack object `{version, districts, items, …}` or a
   * `ContentPack`) and stores it as a new revision. A pack with problems is
   * refused with every one of them and nothing is stored. The stored body is
   * the validated pack's JSON (defaults filled in), its `sha256` that JSON's
   * canonical form's. Does not deploy it.
   */
  async create(raw: unknown, actor: string, note = ""): Promise<{ revision: number; sha256: string }> {
    checkActor(actor);
    const result = validateContentPack(raw);
    if (!result.ok) throw invalidContent(result.errors);
    const body = canonicalJson(result.pack.toJSON());
    const sha256 = sha256Hex(body);
    const rows = (await this.db.query(
      `INSERT INTO content_revisions (pack, sha256, note, created_by) VALUES ($1::jsonb, $2, $3, $4)
       RETURNING revision`,
      [body, sha256, note, actor],
    )) as { revision: number | string }[];
    return { revision: Number(rows[0]!.revision), sha256 };
  }

  /** Every revision, newest first, without the pack bodies. */
  async list(): Promise<ContentRevisionInfo[]> {
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

  /** The pack of a revision, validated again on the way out. 404 if there is no such revision. */
  async get(revision: number): Promise<ContentPack> {
    checkRevisionNumber(revision);
    const rows = (await this.db.query(`SELECT pack FROM content_revisions WHERE revision = $1`, [
      revision,
    ])) as { pack: unknown }[];
    if (rows.length === 0) throw unknownRevision(revision);
    return revive(revision, rows[0]!.pack);
  }

  /** The revision rooms should run, with its pack; null before the first deploy. */
  async active(): Promise<{ revision: number; pack: ContentPack } | null> {
    const rows = (await this.db.query(
      `SELECT r.revision, r.pack
         FROM content_deployment d
         JOIN content_revisions r ON r.revision = d.revision
        WHERE d.id = 1`,
    )) as { revision: number | string; pack: unknown }[];
    if (rows.length === 0) return null;
    const revision = Number(rows[0]!.revision);
    return { revision, pack: revive(revision, rows[0]!.pack) };
  }

  /**
   * Makes `revision` the active one and pushes the revision it replaces onto
   * the rollback history. 404 if there is no such revision. Deploying the
   * revision already active changes nothing (`previous` is then that revision).
   */
  async deploy(revision: number, actor: string): Promise<ContentDeployResult> {
    checkActor(actor);
    checkRevisionNumber(revision);
    return this.db.transaction(async (tx) => {
      const found = (await tx.query(`SELECT 1 FROM content_revisions WHERE revision = $1`, [
        revision,
      ])) as unknown[];
      if (found.length === 0) throw unknownRevision(revision);
      const current = await lockDeployment(tx);
      if (current.revision === revision) return { revision, previous: revision };
      const history = current.revision === null ? current.history : [...current.history, current.revision];
      await tx.query(
        `UPDATE content_deployment
            SET revision = $1, history = $2::integer[], deployed_by = $3, deployed_at = now()
          WHERE id = 1`,
        [revision, intArrayLiteral(history), actor],
      );
      await tx.query(`UPDATE content_revisions SET deployed_at = now() WHERE revision = $1`, [revision]);
      return { revision, previous: current.revision };
    });
  }

  /**
   * Goes back to the revision that was active before the current one (pops
   * the history). 409 `nothing_to_roll_back` when there is none.
   */
  async rollback(actor: string): Promise<ContentDeployResult> {
    checkActor(actor);
    return this.db.transaction(async (tx) => {
      const current = await lockDeployment(tx);
      const target = current.history.at(-1);
      if (target === undefined) {
        throw conflict("nothing_to_roll_back", "There is no earlier content revision to roll back to");
      }
      await tx.query(
        `UPDATE content_deployment
            SET revision = $1, history = $2::integer[], deployed_by = $3, deployed_at = now()
          WHERE id = 1`,
        [target, intArrayLiteral(current.history.slice(0, -1)), actor],
      );
      await tx.query(`UPDATE content_revisions SET deployed_at = now() WHERE revision = $1`, [target]);
      return { revision: target, previous: current.revision };
    });
  }
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

/**
 * JSON with object keys sorted at every level and no whitespace: the same data
 * always gives the same text, whatever order its keys were written in (jsonb
 * does not keep it). `undefined` members are left out, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  return `{${members.join(",")}}`;
}

/** SHA-256 (hex) of a pack's canonical JSON: equal for equal packs. */
export function contentSha256(pack: ContentPack): string {
  return sha256Hex(canonicalJson(pack.toJSON()));
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function revive(revision: number, stored: unknown): ContentPack {
  const raw = typeof stored === "string" ? (JSON.parse(stored) as unknown) : stored;
  const result = validateContentPack(raw);
  if (result.ok) return result.pack;
  const details: InvalidContentDetails = { issues: result.errors };
  throw new AppError(
    "invalid_stored_content",
    500,
    `Stored content revision ${revision} no longer passes validation (${result.errors.length} problems)`,
    details,
  );
}

function invalidContent(issues: ContentIssue[]): AppError {
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  const quoted = issues.slice(0, MESSAGE_ISSUES).map(formatIssue);
  if (issues.length > MESSAGE_ISSUES) quoted.push(`… and ${issues.length - MESSAGE_ISSUES} more`);
  const details: InvalidContentDetails = { issues: issues.map((i) => ({ ...i })) };
  return new AppError(
    "invalid_content",
    400,
    `Content pack refused (${count}): ${quoted.join("; ")}`,
    details,
  );
}

function unknownRevision(revision: number): AppError {
  return notFound(`Content revision ${revision} does not exist`);
}

function checkRevisionNumber(revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 1 || revision > MAX_REVISION)
    throw unknownRevision(revision);
}

function checkActor(actor: string): void {
  if (typeof actor !== "string" || actor.length === 0 || actor.length > MAX_ACTOR_LENGTH) {
    throw new AppError("invalid_request", 400, `actor must be a name of 1 to ${MAX_ACTOR_LENGTH} characters`);
  }
}
