import { newPlayer } from "../test/helpers/api.js";
import { mutate } from "./frameGen.js";
import type { Prng } from "./Prng.js";
import { deepValue, put, randomNumber, randomString, randomValue } from "./values.js";

/** Largest body sent: past the server's limits (413), well short of what would only measure the network. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Response bytes kept in a finding. */
const EXCERPT = 600;

interface Route {
  method: string;
  path: string;
  schema: JsonSchema | undefined;
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}

export interface HttpFinding {
  problem: "5xx" | "not_json" | "bad_error_shape";
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  status: number;
  contentType: string | null;
  response: string;
}

export interface HttpStats {
  requests: number;
  byStatus: Record<string, number>;
  /** The server reset or closed the connection (oversized bodies may end that way); not a failure. */
  networkErrors: number;
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "application/vnd.api+json",
  "garbage/;;;",
];
const COLYSEUS_ROUTES: Route[] = [
  { method: "POST", path: "/matchmake/joinOrCreate/district", schema: undefined },
  { method: "POST", path: "/matchmake/create/district", schema: undefined },
  { method: "POST", path: "/matchmake/join/district", schema: undefined },
  { method: "POST", path: "/matchmake/joinById/{id}", schema: undefined },
  { method: "POST", path: "/matchmake/reconnect/{id}", schema: undefined },
  { method: "GET", path: "/matchmake/district", schema: undefined },
];

/**
 * Random HTTP requests against every served route (read from the server's
 * own OpenAPI document), Colyseus's matchmaking routes and made-up paths:
 * random methods, headers, query strings, bodies shaped after each route's
 * schema and then broken, and sizes up to 2 MB. Every answer must be below
 * 500, and every error a JSON body — `{error: {code, message}}` on our routes.
 */
export class HttpFuzzer {
  readonly stats: HttpStats = { requests: 0, byStatus: {}, networkErrors: 0 };
  readonly findings: HttpFinding[] = [];
  private token = "";
  private refreshToken = "";
  private characterId = "";
  private password = "";
  private username = "";

  private constructor(
    private readonly servers: { http: string }[],
    private readonly routes: Route[],
    private readonly r: Prng,
  ) {}

  static async prepare(servers: { http: string }[], r: Prng): Promise<HttpFuzzer> {
    const doc = (await (await fetch(`${servers[0]!.http}/api/v1/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
      >;
    };
    const routes: Route[] = [...COLYSEUS_ROUTES];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        // Never the drain: it would stop the very server being measured.
        if (path.endsWith("/drain")) continue;
        routes.push({
          method: method.toUpperCase(),
          path,
          schema: op.requestBody?.content?.["application/json"]?.schema,
        });
      }
    }
    const fuzzer = new HttpFuzzer(servers, routes, r);
    await fuzzer.login();
    return fuzzer;
  }

  /** A player of its own (never staff), whose token some requests carry; renewed now and then. */
  private async login(): Promise<void> {
    const p = await newPlayer(this.servers[0]!.http);
    this.token = p.token;
    this.refreshToken = p.refreshToken;
    this.characterId = p.characterId;
    this.password = p.password;
    this.username = p.username;
  }

  async one(): Promise<void> {
    if (this.stats.requests % 500 === 499) await this.login().catch(() => {});
    const r = this.r;
    const route = r.chance(0.75)
      ? r.pick(this.routes)
      : { method: "GET", path: randomPath(r), schema: undefined };
    const method = r.chance(0.8) ? route.method : r.pick(METHODS);
    const url = this.servers[r.int(this.servers.length)]!.http + this.fillPath(route.path) + query(r);
    const headers = this.headers(route);
    const body = method === "GET" || method === "HEAD" ? undefined : this.body(route);
    this.stats.requests++;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(20_000) });
    } catch {
      this.stats.networkErrors++;
      return;
    }
    const text = await res.text().catch(() => "");
    this.stats.byStatus[res.status] = (this.stats.byStatus[res.status] ?? 0) + 1;
    const problem = judge(res, text, method, new URL(url).pathname);
    if (problem) {
      this.findings.push({
        problem,
        request: {
          method,
          url: url.length > 300 ? `${url.slice(0, 300)}…` : url,
          headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.slice(0, 120)])),
          body:
            body === undefined
              ? ""
              : typeof body === "string"
                ? body.slice(0, 300)
                : `<${body.length} bytes>`,
        },
        status: res.status,
        contentType: res.headers.get("content-type"),
        response: text.slice(0, EXCERPT),
      });
    }
  }

  private fillPath(path: string): string {
    return path.replace(/\{[a-z]+\}/g, () =>
      this.r.weighted<string>([
        [30, crypto.randomUUID()],
        [15, this.characterId],
        [10, "-".repeat(36)],
        [10, "00000000-0000-0000-0000-000000000000"],
        [10, uriComponent(randomString(this.r, 60)) || "x"],
        [5, "%00"],
        [5, "%E0%A4%A"],
        [5, String(randomNumber(this.r))],
        [5, "x".repeat(this.r.range(100, 4000))],
        [5, "..%2F..%2Fetc%2Fpasswd"],
      ]),
    );
  }

  private headers(route: Route): Record<string, string> {
    const r = this.r;
    const h: Record<string, string> = {};
    if (r.chance(0.8)) h["content-type"] = r.chance(0.7) ? "application/json" : r.pick(CONTENT_TYPES);
    const auth = r.weighted<string | undefined>([
      [35, undefined],
      [35, `Bearer ${this.token}`],
      [15, `Bearer ${randomString(r, 400).replace(/[^\x21-\x7e]/g, "a")}`],
      [5, `Bearer ${this.token.slice(0, -3)}abc`],
      [5, "Basic dXNlcjpwYXNz"],
      [5, "Bearer"],
    ]);
    if (auth) h.authorization = auth;
    if (r.chance(0.2)) h["x-request-id"] = randomString(r, 200).replace(/[^\x21-\x7e]/g, "-") || "x";
    if (r.chance(0.2))
      h["x-forwarded-for"] = r.pick(["1.2.3.4", "::1, 10.0.0.1", "garbage", "999.999.999.999", ""]);
    if (r.chance(0.1)) h["content-encoding"] = r.pick(["gzip", "deflate", "br", "identity", "x-bogus"]);
    if (r.chance(0.1)) h.accept = r.pick(["text/html", "*/*", "application/xml", ""]);
    if (r.chance(0.05)) h["x-huge"] = "h".repeat(r.range(1000, 12_000));
    if (r.chance(0.05)) h.origin = "https://evil.example";
    if (route.path.startsWith("/matchmake") && r.chance(0.5)) h.authorization = `Bearer ${this.token}`;
    return h;
  }

  private body(route: Route): string | Uint8Array | undefined {
    const r = this.r;
    const shaped = () =>
      route.path.startsWith("/matchmake") ? this.joinOptions() : fromSchema(r, route.schema);
    return r.weighted<() => string | Uint8Array | undefined>([
      [40, () => json(shaped())],
      [20, () => json(reshape(r, shaped()))],
      [10, () => json(randomValue(r))],
      [6, () => Buffer.from(mutate(r, Buffer.from(json(shaped())))).toString("latin1")],
      [4, () => json(deepValue(r))],
      [4, () => json(shaped()).replace(/"(\w)/, '"\\u0000$1')],
      [4, () => r.bytes(r.length(4096))],
      [4, () => big(r)],
      [4, () => undefined],
      [4, () => ""],
    ])();
  }

  private joinOptions(): unknown {
    const r = this.r;
    return {
      district: r.chance(0.6)
        ? r.pick(["richland", "westview", "downtown", "international"])
        : randomString(r, 40),
      characterId: r.chance(0.5) ? this.characterId : randomString(r, 40),
      ...(r.chance(0.2) ? { username: this.username, password: this.password } : {}),
      ...(r.chance(0.1) ? { refreshToken: this.refreshToken } : {}),
    };
  }
}

/**
 * Colyseus's matchmaking error codes (ErrorCode.MATCHMAKE_*: unknown room name or id, bad criteria, expired
 * seat, auth failed…) are sent as the HTTP status of /matchmake/* answers, and the SDK reports that status
 * to client code as the error's code: they are its protocol, not server faults. Only 523 (an exception in
 * onCreate/onJoin) is one.
 */
const MATCHMAKE_CODES = new Set([520, 521, 522, 524, 525, 526]);

function judge(
  res: Response,
  text: string,
  method: string,
  path: string,
): HttpFinding["problem"] | undefined {
  const matchmaking = path.startsWith("/matchmake");
  if (res.status >= 500 && !(matchmaking && MATCHMAKE_CODES.has(res.status))) return "5xx";
  if (res.status < 400 || method === "HEAD") return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "not_json";
  }
  if (!String(res.headers.get("content-type")).includes("json")) return "not_json";
  // Colyseus's matchmaking routes answer {code, error}: JSON, but not ours to shape.
  if (matchmaking) return undefined;
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === "string" && typeof error.message === "string" ? undefined : "bad_error_shape";
}

/** `encodeURIComponent` that takes lone surrogates too (as replacement characters). */
function uriComponent(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(Buffer.from(s).toString());
  }
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v)) ?? "null";
  } catch {
    // A random "__proto__" key can give an object an inherited toJSON that throws.
    return "{}";
  }
}

function big(r: Prng): string {
  const size = r.pick([100_000, 1_000_001, MAX_BODY_BYTES, r.int(MAX_BODY_BYTES)]);
  return JSON.stringify({ username: "big", password: "x".repeat(size) });
}

function randomPath(r: Prng): string {
  return r.weighted<() => string>([
    [30, () => `/${uriComponent(randomString(r, 40))}`],
    [
      15,
      () =>
        r.pick(["/auth", "/api/v1", "/api/v1/admin", "/characters/x", "/matchmake", "/play", "/admin"]) +
        `/${r.int(99)}`,
    ],
    [10, () => "/%E0%A4%A"],
    [10, () => "/" + "a/".repeat(r.range(10, 300))],
    [10, () => `/api/v1/admin/${uriComponent(randomString(r, 30))}`],
    [10, () => "/..%2f..%2f..%2fetc%2fpasswd"],
    [5, () => `/${"x".repeat(r.range(2000, 8000))}`],
    [10, () => r.pick(["/health", "/ready", "/metrics", "/api/v1/openapi.json", "/api/v1/districts"])],
  ])();
}

function query(r: Prng): string {
  if (!r.chance(0.3)) return "";
  const parts: string[] = [];
  for (let i = 0, n = 1 + r.int(5); i < n; i++) {
    const key = r.pick([
      "limit",
      "since",
      "actor",
      "action",
      "offset",
      "x",
      "__proto__[a]",
      "a[b][c]",
      "cursor",
    ]);
    const value = r.chance(0.5) ? String(randomNumber(r)) : uriComponent(randomString(r, 60));
    parts.push(`${encodeURIComponent(key)}=${value}`);
  }
  return `?${parts.join("&")}`;
}

/** A value shaped after a route's JSON schema, often valid, with lengths and ranges at their edges. */
function fromSchema(r: Prng, schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 4) return randomValue(r);
  if (schema.enum && schema.enum.length > 0) return r.chance(0.9) ? r.pick(schema.enum) : randomString(r, 20);
  switch (schema.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(k) || r.chance(0.6)) put(out, k, fromSchema(r, s, depth + 1));
      }
      return out;
    }
    case "array":
      return Array.from({ length: r.int(Math.min(schema.maxItems ?? 6, 6) + 1) }, () =>
        fromSchema(r, schema.items, depth + 1),
      );
    case "string": {
      const min = schema.minLength ?? 1;
      const max = Math.min(schema.maxLength ?? 24, 600);
      const n = r.pick([min, max, r.range(min, max), max + 1, Math.max(0, min - 1)]);
      return r.chance(0.7) ? "a".repeat(Math.max(0, n - 4)) + r.int(10_000) : randomString(r, n);
    }
    case "integer":
    case "number": {
      const min = schema.minimum ?? -1000;
      const max = schema.maximum ?? 1000;
      return r.pick([
        min,
        max,
        min - 1,
        max + 1,
        r.range(Math.ceil(min), Math.floor(Math.min(max, 2 ** 40))),
      ]);
    }
    case "boolean":
      return r.chance(0.5);
    default:
      return randomValue(r, depth);
  }
}

function reshape(r: Prng, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return randomValue(r);
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(out);
  const key = keys.length ? r.pick(keys) : "x";
  r.weighted<() => void>([
    [30, () => put(out, key, randomValue(r))],
    [20, () => delete out[key]],
    [20, () => put(out, key, `${typeof out[key] === "string" ? out[key] : "x"}\u0000`)],
    [15, () => put(out, randomString(r, 20), randomValue(r))],
    [15, () => put(out, key, "x".repeat(r.range(257, 70_000)))],
  ])();
  return out;
}
