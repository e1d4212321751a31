import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { resolve, join } from "node:path";
import { hostname } from "node:os";
import { z } from "zod";

/**
 * The one place that reads the environment. Everything else receives a typed
 * `Config`; tests build one with `loadConfig({...})` instead of mutating env.
 */

const intInRange = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, "must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`));

const urlWithProtocols = (protocols: string[]) =>
  z
    .string()
    .min(1)
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}`,
    );

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** OTLP over HTTP only: the SDK's gRPC exporter is not shipped (collectors and Jaeger take HTTP on 4318). */
const otlpProtocol = z.enum(["http/protobuf", "http/json"], {
  message:
    "must be http/protobuf or http/json (OTLP over gRPC is not supported: use the collector's HTTP port, 4318)",
});

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: intInRange(1, 65535).default(2567),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_ADDRESS: z.string().min(1).optional(),
  DATABASE_URL: urlWithProtocols(["postgres:", "postgresql:"]).optional(),
  REDIS_URL: urlWithProtocols(["redis:", "rediss:"]).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  TOTP_ENCRYPTION_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  STAFF_MFA_REQUIRED: booleanString.optional(),
  ACCESS_TOKEN_TTL_SECONDS: intInRange(30, 86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: intInRange(60, 90 * 86_400).default(30 * 86_400),
  TICK_RATE: intInRange(1, 60).default(20),
  PATCH_RATE: intInRange(1, 60).default(20),
  AUTOSAVE_SECONDS: intInRange(1, 3600).default(5),
  EMBEDDED_VACUUM_SECONDS: intInRange(0, 86400).default(60),
  RECONNECT_GRACE_SECONDS: intInRange(0, 300).default(20),
  MAX_CLIENTS_PER_DISTRICT: intInRange(1, 5000).default(1000),
  JOIN_ADMIT_PER_TICK: intInRange(1, 1000).default(4),
  JOIN_QUEUE_MAX: intInRange(0, 100_000).default(200),
  AOI_RADIUS: intInRange(5, 2000).default(100),
  AOI_HYSTERESIS_PERCENT: intInRange(100, 200).default(120),
  AOI_MAX_VISIBLE: intInRange(1, 5000).default(100),
  AOI_UPDATE_TICKS: intInRange(1, 60).default(2),
  AOI_FULL_RATE_PERCENT: intInRange(0, 100).default(40),
  AOI_FAR_RATE_EVERY: z
    .enum(["1", "2", "4", "8"], { message: "must be 1 (off), 2, 4 or 8" })
    .transform(Number)
    .default(4),
  MAX_MESSAGES_PER_SECOND: intInRange(1, 1000).default(30),
  LOGIN_MAX_FAILURES: intInRange(1, 100).default(5),
  LOGIN_LOCK_SECONDS: intInRange(1, 86_400).default(900),
  HTTP_RATE_LIMIT_PER_MINUTE: intInRange(1, 100_000).default(300),
  AUTH_RATE_LIMIT_PER_MINUTE: intInRange(1, 100_000).default(60),
  TRANSPORT: z.enum(["auto", "uws", "ws"], { message: "must be auto, uws or ws" }).default("auto"),
  CONTENT_DIR: z.string().min(1).default("./content"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_SECONDS: intInRange(1, 600).default(25),
  ADMIN_USERNAME: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  TRUST_PROXY: booleanString.default(false),
  ADMIN_RATE_LIMIT_PER_MINUTE: intInRange(1, 100_000).default(120),
  GM_ESCALATION_SECONDS: intInRange(1, 7 * 86_400).default(7200),
  GM_BULK_GIVE_THRESHOLD: intInRange(1, 1_000_000_000).default(1000),
  // OpenTelemetry (the variables of its spec; the SDK reads the rest of them itself, see README "Tracing").
  OTEL_EXPORTER_OTLP_ENDPOINT: urlWithProtocols(["http:", "https:"]).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: urlWithProtocols(["http:", "https:"]).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "none"], { message: "must be otlp or none" }).optional(),
  OTEL_SDK_DISABLED: booleanString.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(
      [
        "always_on",
        "always_off",
        "traceidratio",
        "parentbased_always_on",
        "parentbased_always_off",
        "parentbased_traceidratio",
      ],
      {
        message:
          "must be always_on, always_off, traceidratio or parentbased_(always_on|always_off|traceidratio)",
      },
    )
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, "must be a ratio from 0 to 1")
    .optional(),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  /** Overrides the address written into seat reservations (`host:port`); computed when unset. */
  publicAddress: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  contentDir: string;
  /**
   * Signs access tokens. `undefined` only in development with DATABASE_URL:
   * then one secret is generated and kept in that database, so every process
   * sharing it signs alike (see src/framework/auth/SharedSecrets.ts).
   */
  jwtSecret: string | undefined;
  /**
   * Encrypts TOTP secrets at rest (AES-256-GCM). `undefined` only in
   * development: then a generated key is kept in the database (embedded or shared).
   */
  totpEncryptionKey: string | undefined;
  /** Staff accounts (any role but `player`) must turn TOTP on before their tokens reach anything else. */
  staffMfaRequired: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  tickRate: number;
  patchRate: number;
  autosaveSeconds: number;
  /** Embedded database only: how often tables with many dead rows are vacuumed (PGlite has no autovacuum); 0: never. */
  embeddedVacuumSeconds: number;
  reconnectGraceSeconds: number;
  maxClientsPerDistrict: number;
  /** Joins per process that start their heavy work (custody, load, first state) per tick interval; the rest queue. */
  joinAdmitPerTick: number;
  /** Joins that may wait for admission; one more is refused at once (503, server busy). */
  joinQueueMax: number;
  /** Interest management: who receives which entities (see src/framework/aoi). */
  aoi: {
    radius: number;
    hysteresis: number;
    maxVisible: number;
    updateEveryTicks: number;
    /** Others within this share of a view's reach are sent every patch (src/framework/aoi/viewRates.ts `setViewRates`). */
    fullRateFraction: number;
    /** The far part of a view is sent every this many patches (1: rates off). */
    farRateEvery: number;
  };
  maxMessagesPerSecond: number;
  loginMaxFailures: number;
  loginLockSeconds: number;
  httpRateLimitPerMinute: number;
  authRateLimitPerMinute: number;
  /**
   * `auto`: uWebSockets.js where a real build loads, else ws with a warning;
   * `uws`: uWebSockets.js or no start (src/framework/server/transport.ts).
   */
  transport: "auto" | "uws" | "ws";
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  shutdownTimeoutSeconds: number;
  admin: { username: string; password: string } | undefined;
  trustProxy: boolean;
  /** Admin API calls per account (or per IP before authentication) per minute. */
  adminRateLimitPerMinute: number;
  /** Set when spans are exported (OTEL_EXPORTER_OTLP_ENDPOINT or …_TRACES_ENDPOINT); undefined: tracing off. */
  tracing: TracingConfig | undefined;
  gm: {
    /** How long `POST /escalations` lifts a GM one tier. */
    escalationSeconds: number;
    /** A give above this quantity waits for a second GM (two-person rule). */
    bulkGiveThreshold: number;
  };
}

export interface TracingConfig {
  /** Where spans are posted: the traces endpoint, or the OTLP endpoint with `/v1/traces` appended (as the spec says). */
  tracesUrl: string;
  protocol: "http/protobuf" | "http/json";
  /** OTEL_SERVICE_NAME; unset: the game's (`<game>-server`). */
  serviceName: string | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads and validates configuration. `source` defaults to `process.env`; empty
 * strings count as unset so `FOO=` in a shell behaves like no FOO at all.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new ConfigError(variable, `${issue.message}${describeValue(variable, raw[variable])}`);
  }
  const env = parsed.data;

  if ((env.ADMIN_USERNAME === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(
      env.ADMIN_USERNAME === undefined ? "ADMIN_USERNAME" : "ADMIN_PASSWORD",
      "must be set together with " + (env.ADMIN_USERNAME === undefined ? "ADMIN_PASSWORD" : "ADMIN_USERNAME"),
    );
  }
  if (env.ADMIN_PASSWORD !== undefined && env.ADMIN_PASSWORD.length < 8) {
    throw new ConfigError("ADMIN_PASSWORD", "must be at least 8 characters");
  }
  if (env.ADMIN_USERNAME !== undefined && !/^[A-Za-z0-9_]{3,24}$/.test(env.ADMIN_USERNAME)) {
    throw new ConfigError("ADMIN_USERNAME", "must be 3–24 characters of A-Z, a-z, 0-9 and _");
  }

  const dataDir = resolve(env.DATA_DIR);
  for (const variable of ["JWT_SECRET", "TOTP_ENCRYPTION_KEY"] as const) {
    if (env[variable] === undefined && env.NODE_ENV === "production") {
      throw new ConfigError(variable, "is required when NODE_ENV=production");
    }
  }
  // Development: with a shared PostgreSQL a data-dir secret would differ per
  // process, so the database keeps one for all (undefined here).
  const jwtSecret = env.JWT_SECRET ?? (env.DATABASE_URL === undefined ? devSecret(dataDir) : undefined);

  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    publicAddress: env.PUBLIC_ADDRESS,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    dataDir,
    contentDir: resolve(env.CONTENT_DIR),
    jwtSecret,
    totpEncryptionKey: env.TOTP_ENCRYPTION_KEY,
    staffMfaRequired: env.STAFF_MFA_REQUIRED ?? env.NODE_ENV === "production",
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    tickRate: env.TICK_RATE,
    patchRate: env.PATCH_RATE,
    autosaveSeconds: env.AUTOSAVE_SECONDS,
    embeddedVacuumSeconds: env.EMBEDDED_VACUUM_SECONDS,
    reconnectGraceSeconds: env.RECONNECT_GRACE_SECONDS,
    maxClientsPerDistrict: env.MAX_CLIENTS_PER_DISTRICT,
    joinAdmitPerTick: env.JOIN_ADMIT_PER_TICK,
    joinQueueMax: env.JOIN_QUEUE_MAX,
    aoi: {
      radius: env.AOI_RADIUS,
      hysteresis: env.AOI_HYSTERESIS_PERCENT / 100,
      maxVisible: env.AOI_MAX_VISIBLE,
      updateEveryTicks: env.AOI_UPDATE_TICKS,
      fullRateFraction: env.AOI_FULL_RATE_PERCENT / 100,
      farRateEvery: env.AOI_FAR_RATE_EVERY,
    },
    maxMessagesPerSecond: env.MAX_MESSAGES_PER_SECOND,
    loginMaxFailures: env.LOGIN_MAX_FAILURES,
    loginLockSeconds: env.LOGIN_LOCK_SECONDS,
    httpRateLimitPerMinute: env.HTTP_RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
    transport: env.TRANSPORT,
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutSeconds: env.SHUTDOWN_TIMEOUT_SECONDS,
    admin:
      env.ADMIN_USERNAME !== undefined && env.ADMIN_PASSWORD !== undefined
        ? { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD }
        : undefined,
    trustProxy: env.TRUST_PROXY,
    adminRateLimitPerMinute: env.ADMIN_RATE_LIMIT_PER_MINUTE,
    tracing: tracingConfig(env),
    gm: { escalationSeconds: env.GM_ESCALATION_SECONDS, bulkGiveThreshold: env.GM_BULK_GIVE_THRESHOLD },
  };
}

/** Off unless an OTLP endpoint is given, and off when the spec's switches say so. */
function tracingConfig(env: z.output<typeof EnvSchema>): TracingConfig | undefined {
  if (env.OTEL_SDK_DISABLED === true || env.OTEL_TRACES_EXPORTER === "none") return undefined;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? base.replace(/\/*$/, "") + "/v1/traces" : undefined);
  if (!tracesUrl) return undefined;
  return {
    tracesUrl,
    // The spec's default for OTLP over HTTP.
    protocol: env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf",
    serviceName: env.OTEL_SERVICE_NAME,
  };
}

const SECRET_VARIABLES = new Set(["JWT_SECRET", "TOTP_ENCRYPTION_KEY", "ADMIN_PASSWORD"]);

/** Echoes the offending value to help the operator, but never a secret or a URL's password. */
function describeValue(variable: string, value: string | undefined): string {
  if (value === undefined) return "";
  if (SECRET_VARIABLES.has(variable)) return ` (value hidden, ${value.length} characters)`;
  const redacted = value.replace(/(\/\/[^/:@]*):[^@/]*@/, "$1:***@");
  return ` (got ${JSON.stringify(redacted)})`;
}

/**
 * Development secret: generated once and kept in DATA_DIR so tokens survive a
 * restart, and shared by processes that share a DATA_DIR.
 */
function devSecret(dataDir: string): string {
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  try {
    // Exclusive create: of two processes starting at once on an empty DATA_DIR, one secret wins.
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: existsSync(file) ? "w" : "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const winner = readFileSync(file, "utf8").trim();
    if (winner.length >= 32) return winner;
    writeFileSync(file, secret + "\n", { mode: 0o600 });
  }
  return secret;
}

/**
 * The address written into seat reservations. A single process leaves it unset
 * so clients keep using the address they called; with Redis every process
 * needs a routable one (Colyseus does not proxy between processes).
 */
export function resolvePublicAddress(config: Config): string | undefined {
  if (config.publicAddress) return config.publicAddress;
  if (!config.redisUrl) return undefined;
  const host = config.host === "0.0.0.0" || config.host === "::" ? hostname() : config.host;
  return `${host}:${config.port}`;
}
