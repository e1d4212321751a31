import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stdout; tests and tools parse the `msg` field. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...base } });
}
