import { createHash } from "node:crypto";
import type {
  ContentRevisionStore,
  DeploymentChange,
  StoredRevision,
} from "../../framework/persistence/ports/ContentRevisionStore.js";
import { AppError, conflict, notFound } from "../../framework/util/errors.js";
import { formatIssue, type ContentIssue } from "./ContentError.js";
import type { ContentPack } from "./ContentPack.js";
import { validateContentPack } from "./validateContentPack.js";

/** One stored revision as `list()` shows it: everything but the pack body. */
export type ContentRevisionInfo = StoredRevision;

/** What `deploy` and `rollback` changed: the revision now active and the one active before. */
export type ContentDeployResult = DeploymentChange;

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
 * Content pack revisions (a ContentRevisionStore): upload (validated, stored
 * as the validated pack's JSON with its SHA-256), list, read back, and which
 * revision is active, with deploy and rollback. Concurrent deploys and
 * rollbacks take turns, so the history stays consistent. Storing a revision
 * does not deploy it; making rooms run the active revision is the caller's job.
 *
 * Errors are `AppError`s: `invalid_content` (400, `details: {issues}`),
 * `not_found` (404), `nothing_to_roll_back` (409), `invalid_request` (400, a bad
 * actor name), and `invalid_stored_content` (500) if a stored pack no longer
 * passes this server's validation.
 */
export class ContentRevisions {
  constructor(private readonly store: ContentRevisionStore) {}

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
    const revision = await this.store.create(body, sha256, note, actor);
    return { revision, sha256 };
  }

  /** Every revision, newest first, without the pack bodies. */
  async list(): Promise<ContentRevisionInfo[]> {
    return this.store.list();
  }

  /** The pack of a revision, validated again on the way out. 404 if there is no such revision. */
  async get(revision: number): Promise<ContentPack> {
    checkRevisionNumber(revision);
    const pack = await this.store.pack(revision);
    if (pack === undefined) throw unknownRevision(revision);
    return revive(revision, pack);
  }

  /** The revision rooms should run, with its pack; null before the first deploy. */
  async active(): Promise<{ revision: number; pack: ContentPack } | null> {
    const active = await this.store.active();
    if (!active) return null;
    return { revision: active.revision, pack: revive(active.revision, active.pack) };
  }

  /**
   * Makes `revision` the active one and pushes the revision it replaces onto
   * the rollback history. 404 if there is no such revision. Deploying the
   * revision already active changes nothing (`previous` is then that revision).
   */
  async deploy(revision: number, actor: string): Promise<ContentDeployResult> {
    checkActor(actor);
    checkRevisionNumber(revision);
    const change = await this.store.deploy(revision, actor);
    if (!change) throw unknownRevision(revision);
    return change;
  }

  /**
   * Goes back to the revision that was active before the current one (pops
   * the history). 409 `nothing_to_roll_back` when there is none.
   */
  async rollback(actor: string): Promise<ContentDeployResult> {
    checkActor(actor);
    const change = await this.store.rollback(actor);
    if (!change)
      throw conflict("nothing_to_roll_back", "There is no earlier content revision to roll back to");
    return change;
  }
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

function revive(revision: number, raw: unknown): ContentPack {
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
