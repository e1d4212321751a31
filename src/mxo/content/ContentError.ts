import { StartupError } from "../../framework/util/errors.js";

/** One problem in a content pack: which file, where in it, and what is wrong. */
export interface ContentIssue {
  /** The pack file the problem is in, e.g. `npcs.json`. */
  file: string;
  /** Dotted path inside that file (`npcs.3.lootTable`), `(root)` for the file itself. */
  path: string;
  message: string;
  /** Id of the top-level entry the path points into, when it has one: helps find `npcs.3`. */
  id?: string;
}

/** `file: path: reason`, with the entry's id appended when known. */
export function formatIssue(issue: ContentIssue): string {
  return `${issue.file}: ${issue.path}: ${issue.message}${issue.id !== undefined ? ` (${issue.id})` : ""}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".") || "(root)";
}

/** Content that failed validation; the message lists every problem, one per line. */
export class ContentError extends StartupError {
  readonly issues: readonly ContentIssue[];

  /** Problems in one file, with zod-style paths (the district catalog's form). */
  constructor(file: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]);
  /** Problems anywhere in a pack; `source` names the directory or revision. */
  constructor(issues: readonly ContentIssue[], source: string);
  constructor(
    first: string | readonly ContentIssue[],
    second: string | readonly { path: readonly PropertyKey[]; message: string }[],
  ) {
    let issues: ContentIssue[];
    let message: string;
    if (typeof first === "string") {
      const file = first;
      issues = (second as readonly { path: readonly PropertyKey[]; message: string }[]).map((i) => ({
        file,
        path: formatPath(i.path),
        message: i.message,
      }));
      message = `Invalid content in ${file}:\n` + issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n");
    } else {
      issues = [...first];
      const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
      message =
        `Invalid content pack in ${second as string} (${count}):\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join("\n");
    }
    super(message);
    this.name = "ContentError";
    this.issues = issues;
  }
}
