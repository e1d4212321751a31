import { z } from "zod";
import { invalidIdMessage, isUuid } from "../util/uuid.js";
import type { TargetRef } from "./Command.js";

/** A positional argument that does not parse; its message reaches the GM with the usage. */
export class ArgError extends Error {}

/**
 * Reads positional string arguments left to right. Commands declare their
 * argument schema as `positional((r) => ({…}))`: the result is a zod schema
 * over `string[]`, so the registry validates every command the same way.
 */
export class ArgReader {
  private i = 0;
  constructor(private readonly args: readonly string[]) {}

  get remaining(): number {
    return this.args.length - this.i;
  }

  peek(): string | undefined {
    return this.args[this.i];
  }

  word(label: string): string {
    const v = this.args[this.i];
    if (v === undefined || v.trim() === "") throw new ArgError(`missing <${label}>`);
    this.i++;
    return v.trim();
  }

  /** A character or account name as typed at registration. */
  name(label = "target"): string {
    const v = this.word(label);
    if (!/^[A-Za-z0-9_ '-]{1,24}$/.test(v)) throw new ArgError(`<${label}> "${v}" is not a valid name`);
    return v;
  }

  /**
   * A target: a name of the kind the command is about (a character for
   * `<target>`, an account for `<account>`), or an account written out as
   * `account:<username>`. Nothing is looked up here and nothing is guessed.
   */
  target(label = "target", kind: "character" | "account" = "character"): TargetRef {
    const raw = this.word(label);
    const explicit = /^account:(.*)$/i.exec(raw);
    const name = explicit ? explicit[1]!.trim() : raw;
    if (!/^[A-Za-z0-9_ '-]{1,24}$/.test(name)) throw new ArgError(`<${label}> "${raw}" is not a valid name`);
    return { kind: explicit ? "account" : kind, name };
  }

  /** An id (a UUID), as the admin API names accounts, escalations and actions. */
  id(label = "id"): string {
    const v = this.args[this.i];
    if (v === undefined) throw new ArgError(`missing <${label}>`);
    if (!isUuid(v)) throw new ArgError(invalidIdMessage(v));
    this.i++;
    return v;
  }

  /** An account named by its id. */
  accountId(label = "account id"): TargetRef {
    return { kind: "accountId", id: this.id(label) };
  }

  number(label: string, { min = -Infinity, max = Infinity, integer = false } = {}): number {
    const raw = this.word(label);
    const v = Number(raw);
    if (raw === "" || !Number.isFinite(v)) throw new ArgError(`<${label}> must be a number, got "${raw}"`);
    if (integer && !Number.isInteger(v))
      throw new ArgError(`<${label}> must be a whole number, got "${raw}"`);
    if (v < min || v > max) throw new ArgError(`<${label}> must be between ${min} and ${max}, got ${v}`);
    return v;
  }

  optionalNumber(label: string, fallback: number, opts: Parameters<ArgReader["number"]>[1] = {}): number {
    return this.remaining > 0 ? this.number(label, opts) : fallback;
  }

  oneOf<T extends string>(label: string, options: readonly T[]): T {
    const v = this.word(label).toLowerCase();
    if (!(options as readonly string[]).includes(v)) {
      throw new ArgError(`<${label}> must be one of ${options.join(", ")}, got "${v}"`);
    }
    return v as T;
  }

  /** Everything left, joined by spaces (free text such as a reason). */
  rest(): string {
    const v = this.args.slice(this.i).join(" ").trim();
    this.i = this.args.length;
    return v;
  }

  end(): void {
    if (this.i < this.args.length) {
      throw new ArgError(`unexpected argument "${this.args[this.i]}"`);
    }
  }
}

export function positional<A>(read: (r: ArgReader) => A): z.ZodType<A, string[]> {
  return z.array(z.string()).transform((args, ctx) => {
    try {
      return read(new ArgReader(args));
    } catch (err) {
      if (!(err instanceof ArgError)) throw err;
      ctx.addIssue({ code: "custom", message: err.message });
      return z.NEVER;
    }
  });
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `90s`, `15m`, `2h`, `7d`, `1w` (or a bare number of seconds) → seconds; up to ten years. */
export function parseDuration(raw: string): number {
  const m = /^(\d+)([smhdw]?)$/i.exec(raw.trim());
  if (!m) throw new ArgError(`"${raw}" is not a duration (e.g. 30m, 2h, 7d)`);
  const seconds = Number(m[1]) * UNIT_SECONDS[(m[2] || "s").toLowerCase()]!;
  if (seconds < 1 || seconds > 10 * 365 * 86_400) {
    throw new ArgError(`"${raw}" is out of range (1 second to 10 years)`);
  }
  return seconds;
}

/** The inverse of `parseDuration`, rounded up to whole seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  return `${s}s`;
}

/** "4m 12s" style, for people. */
export function humanDuration(ms: number): string {
  let s = Math.max(1, Math.ceil(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s > 0 || parts.length === 0) parts.push(`${s}s`);
  return parts.slice(0, 2).join(" ");
}

export const sameName = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** The arguments of a command that takes just a character name. */
export function oneTarget(label = "target") {
  return positional((r) => {
    const target = r.name(label);
    r.end();
    return { target };
  });
}

/** The target of a command whose `target` argument is a character name. */
export const characterTarget = (a: { target: string }): TargetRef => ({ kind: "character", name: a.target });
