/**
 * The server processes' own logs stay out of the test output (each handle
 * keeps its lines), except under a test that fails: there the last lines of
 * every server that was up during it are printed, so a failure on a busy CI
 * machine can be read without running it again.
 */
const TAIL = 25;

interface Tracked {
  name: string;
  lines: string[];
  /** Date.now() at exit, undefined while it runs. */
  exitedAt?: number;
}

const tracked: Tracked[] = [];
let testStartedAt = Date.now();

/** Follows a server process started by a test helper. */
export function trackServerLog(name: string, lines: string[], exited: Promise<unknown>): void {
  const entry: Tracked = { name, lines };
  tracked.push(entry);
  void exited.then(() => (entry.exitedAt = Date.now()));
}

// Only under mocha (bench/ imports the helpers too). Top level in a module the
// test files import: root hooks, run around every test.
if (typeof afterEach === "function") {
  beforeEach(() => {
    testStartedAt = Date.now();
    // Servers gone before this test cannot tell anything about it.
    for (let i = tracked.length - 1; i >= 0; i--) {
      if (tracked[i]!.exitedAt !== undefined) tracked.splice(i, 1);
    }
  });
  afterEach(function () {
    if (this.currentTest?.state !== "failed") return;
    for (const t of tracked) {
      if (t.exitedAt !== undefined && t.exitedAt < testStartedAt) continue;
      const tail = t.lines.slice(-TAIL);
      console.error(
        `      last ${tail.length} log lines of ${t.name}${t.exitedAt !== undefined ? " (exited)" : ""}:\n` +
          tail.map((l) => `        ${l}`).join("\n"),
      );
    }
  });
}
