/** What went wrong, as a stable code an operator's script can test, and a sentence that says what to do. */
export type BackupErrorCode =
  | "not_a_backup"
  | "kind_mismatch"
  | "schema_newer"
  | "target_not_empty"
  | "server_running"
  | "no_database"
  | "output_exists"
  | "tool_missing"
  | "tool_version"
  | "dump_failed"
  | "restore_failed";

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "BackupError";
  }
}
