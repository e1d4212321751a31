import type { DeploymentChange, StoredRevision } from "../persistence/ports/ContentRevisionStore.js";

/** `GET /api/v1/admin/content`: the revision this process runs, and every stored one (newest first). */
export interface ContentOverview {
  running: { processId: string; revision: number | null };
  revisions: StoredRevision[];
}

/**
 * A game's content (MxO: its content pack) with revisions and hot deploys, as
 * the framework runs it: the admin API's `/content` routes and the
 * `content.*` commands store, deploy and roll back revisions; the bus tells
 * every process, whose rooms switch at a tick boundary (`LocalRoom.applyContent`).
 * The pack's format and validation are the game's.
 */
export interface GameContent {
  /** The revision this process runs; null while it runs the pack on disk. */
  readonly revision: number | null;
  /** Every stored revision and the one running, for the admin API. */
  overview(): Promise<ContentOverview>;
  /** A stored revision's pack, as JSON. */
  packOf(revision: number): Promise<{ toJSON(): unknown }>;
  /** Validates and stores a new revision (refused whole, with every issue, as an AppError). */
  store(raw: unknown, actor: string, note?: string): Promise<{ revision: number; sha256: string }>;
  deploy(revision: number, actor: string): Promise<DeploymentChange>;
  rollback(actor: string): Promise<DeploymentChange>;
  /** The bus said `revision` was deployed: load it and hand it to every room of this process. */
  onDeployed(revision: number): Promise<void>;
}
