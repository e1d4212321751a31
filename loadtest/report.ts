/**
 * Where the load test's lines go. With a terminal, to @colyseus/loadtest's
 * dashboard (it takes over console.*); without one, plain text on stdout and
 * stderr. In both, to the `--output` file as plain text: the library writes
 * its file with the dashboard's `{blue-fg}` markup, so this one is ours.
 */
import { appendFileSync, existsSync, renameSync, writeFileSync } from "node:fs";
import { formatWithOptions } from "node:util";
import { recordError } from "./stats.js";

export type Level = "detail" | "progress" | "warn" | "error";

/** The run's log file: plain text, one timestamped line per entry, written synchronously so nothing is lost at exit. */
export class PlainFile {
  constructor(readonly path: string) {
    // As @colyseus/loadtest does: keep the previous run's file.
    if (existsSync(path)) renameSync(path, `${path}.bkp`);
    writeFileSync(path, "");
  }

  write(level: Level | "info", text: string): void {
    const stamp = new Date().toISOString();
    const lines = plain(text).split("\n");
    appendFileSync(this.path, lines.map((l) => `${stamp} ${level.padEnd(8)} ${l}\n`).join(""));
  }
}

/** Text without ANSI escape sequences or blessed tags, whatever a library handed over. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/\{\/?[a-z-]+-(?:fg|bg)\}/g, "");
}

/** console.* arguments as one plain line, as console.log would print them without colours. */
export function formatArgs(args: unknown[]): string {
  return formatWithOptions({ colors: false }, ...args);
}

export interface Log {
  /** Per-bot lines (joined, left): the dashboard and the file; off stdout without a terminal, where they would drown the progress. */
  detail(text: string): void;
  progress(text: string): void;
  warn(text: string): void;
  /** Counted in the summary's `errors`. */
  error(text: string): void;
}

/** No terminal: progress on stdout, warnings and errors on stderr, everything in the file. */
export function plainLog(file: PlainFile | undefined): Log {
  const out = (level: Level, stream: NodeJS.WriteStream | undefined, text: string) => {
    stream?.write(`${plain(text)}\n`);
    file?.write(level, text);
  };
  return {
    detail: (text) => out("detail", undefined, text),
    progress: (text) => out("progress", process.stdout, text),
    warn: (text) => out("warn", process.stderr, `warning: ${text}`),
    error: (text) => {
      recordError(text);
      out("error", process.stderr, `error: ${text}`);
    },
  };
}

/**
 * With a terminal: through console.*, which @colyseus/loadtest's dashboard has
 * taken over by then; the file gets what the dashboard gets (see `teeConsole`).
 */
export function dashboardLog(): Log {
  return {
    detail: (text) => console.log(text),
    progress: (text) => console.info(text),
    warn: (text) => console.warn(text),
    error: (text) => {
      recordError(text);
      console.error(text);
    },
  };
}

/** Copies every console.* call (the library's own included: a failed bot's error) into the file as plain text. */
export function teeConsole(file: PlainFile): void {
  const methods = { debug: "detail", log: "detail", info: "progress", warn: "warn", error: "error" } as const;
  for (const [method, level] of Object.entries(methods) as [keyof typeof methods, Level][]) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      file.write(level, formatArgs(args));
      original(...args);
    };
  }
}
