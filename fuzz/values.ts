import { Packr } from "msgpackr";
import type { Prng } from "./Prng.js";

/** The SDK's own packer (`new Packr()`: msgpackr records), so message bodies look like a real client's. */
const sdkPacker = new Packr();
/** A packer that also writes the extensions an SDK never sends (Set, RegExp, Error, cycles). */
const exoticPacker = new Packr({ moreTypes: true, structuredClone: true });

const STRINGS = [
  "",
  " ",
  "say",
  "richland",
  "Trinity",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "𝄞€ü",
  "'; DROP TABLE accounts; --",
  "${jndi:ldap://x}",
  "../../etc/passwd",
  "%00",
  "\r\n\r\n",
  "<script>alert(1)</script>",
  "00000000-0000-0000-0000-000000000000",
  "------------------------------------",
];

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  63,
  64,
  127,
  128,
  255,
  256,
  65535,
  65536,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.EPSILON,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
  -1e-308,
];

/**
 * Sets an own, enumerable property, "__proto__" included (plain assignment would
 * change the object's prototype instead, and never put the key on the wire).
 */
export function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function randomString(r: Prng, maxLength = 300): string {
  return r.weighted<() => string>([
    [30, () => r.pick(STRINGS)],
    [30, () => asciiString(r, r.length(Math.min(maxLength, 64)))],
    [20, () => unicodeString(r, r.length(Math.min(maxLength, 64)))],
    [10, () => asciiString(r, r.length(maxLength))],
    [
      10,
      () =>
        r
          .pick(STRINGS)
          .repeat(1 + r.int(40))
          .slice(0, maxLength),
    ],
  ])();
}

function asciiString(r: Prng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(32 + r.int(95));
  return s;
}

function unicodeString(r: Prng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(0x10000));
  return s;
}

export function randomNumber(r: Prng): number {
  return r.weighted<() => number>([
    [40, () => r.pick(NUMBERS)],
    [30, () => r.int(2000) - 1000],
    [30, () => (r.next() - 0.5) * 10 ** r.int(12)],
  ])();
}

/** A random JS value of bounded size and depth: what a hostile client could hand to `room.send`. */
export function randomValue(r: Prng, depth = 0): unknown {
  const leaf = depth >= 4 || r.chance(0.4);
  if (leaf) {
    return r.weighted<() => unknown>([
      [30, () => randomString(r)],
      [30, () => randomNumber(r)],
      [8, () => r.chance(0.5)],
      [8, () => null],
      [6, () => undefined],
      [4, () => r.bytes(r.length(64))],
      [2, () => BigInt(r.int(1000)) * 10n ** BigInt(r.int(20))],
      [2, () => new Date(r.int(2 ** 40))],
    ])();
  }
  if (r.chance(0.5)) {
    return Array.from({ length: r.length(12) }, () => randomValue(r, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (let i = 0, n = r.length(10); i < n; i++) put(out, randomString(r, 24), randomValue(r, depth + 1));
  return out;
}

/** Deeply nested arrays or maps (msgpackr recursion, handlers walking payloads). */
export function deepValue(r: Prng): unknown {
  let v: unknown = randomString(r, 8);
  for (let i = 0, n = r.range(20, 2000); i < n; i++) v = r.chance(0.5) ? [v] : { k: v };
  return v;
}

/** msgpack bytes of a value as the SDK would write them (or with extensions it never writes). */
export function packValue(r: Prng, value: unknown): Uint8Array {
  try {
    return r.chance(0.9) ? sdkPacker.pack(value) : exoticPacker.pack(value);
  } catch {
    // Values msgpackr cannot pack (BigInt past 64 bits, very deep nesting): random bytes instead.
    return r.bytes(r.length(64));
  }
}
