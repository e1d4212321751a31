/** One stored revision, without its pack. */
export interface StoredRevision {
  revision: number;
  /** Hex SHA-256 of the pack's canonical JSON. */
  sha256: string;
  note: string;
  createdBy: string;
  createdAt: Date;
  /** When it last became the active revision (deploy, or rollback to it); null if never. */
  deployedAt: Date | null;
  /** Whether it is the revision every room should run now. */
  active: boolean;
}

/** What a deploy or rollback changed: the revision now active and the one active before. */
export interface DeploymentChange {
  revision: number;
  previous: number | null;
}

/**
 * Content pack revisions (stored as JSON text, with their hash) and the one
 * deployment: which revision is active, and the ones active before it (the
 * rollback history).
 */
export interface ContentRevisionStore {
  /** Stores a new revision; returns its number. */
  create(packJson: string, sha256: string, note: string, actor: string): Promise<number>;
  /** Newest first. */
  list(): Promise<StoredRevision[]>;
  /** The stored pack (parsed JSON), or undefined when there is no such revision. */
  pack(revision: number): Promise<unknown>;
  /** The active revision and its pack; null before the first deploy. */
  active(): Promise<{ revision: number; pack: unknown } | null>;
  /**
   * Makes `revision` active, as a unit with the deployment locked (concurrent
   * deploys and rollbacks take turns): the one it replaces goes onto the
   * history; deploying the active one changes nothing (`previous` is then
   * that revision). Undefined when there is no such revision.
   */
  deploy(revision: number, actor: string): Promise<DeploymentChange | undefined>;
  /** Makes the last revision of the history active again, as a unit; undefined when the history is empty. */
  rollback(actor: string): Promise<DeploymentChange | undefined>;
}
