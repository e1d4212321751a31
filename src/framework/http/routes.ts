import express, { type Application, type NextFunction, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import type { Redis } from "ioredis";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import { FallbackStore } from "./FallbackStore.js";
import { z } from "zod";
import { PasswordSchema, UsernameSchema, type AuthService, type Principal } from "../auth/AuthService.js";
import type { Metrics } from "../metrics/metrics.js";
import type { CharacterService } from "../persistence/CharacterService.js";
import type { WorldInfo } from "../game/GameModule.js";
import { AppError } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import { registerAdminRoutes, type AdminDeps } from "./adminRoutes.js";
import { registerWebPages, webPageSpecs } from "./webPages.js";
import { isUuid, JSON_BODY_LIMIT_BYTES, parseBody } from "./body.js";
import { ApiRouter } from "./api.js";
import { describeMatchmaking, type Matchmaking } from "./matchmakeSpecs.js";
import { registerProbeRoutes, type ReadinessCheck } from "./probeRoutes.js";
import {
  CharacterSummaryBody,
  OpenApiBody,
  RegisteredBody,
  TokenPairBody,
  TotpEnabledBody,
  TotpEnrollmentBody,
} from "./responseSchemas.js";
import { bearerToken, clientIp, sendError, setRequestId } from "./handler.js";
import { instrumentation } from "../tracing/tracing.js";
import { randomUUID } from "node:crypto";

export type { ReadinessCheck };

export interface HttpDeps {
  admin: Omit<AdminDeps, "auth" | "metrics" | "log" | "trustProxy">;
  auth: AuthService;
  characters: CharacterService;
  metrics: Metrics;
  log: Logger;
  /** True while the process takes new players; false while starting or draining. */
  isAccepting(): boolean;
  readiness: ReadinessCheck[];
  rateLimits: { perMinute: number; authPerMinute: number; adminPerMinute: number };
  /** Shared rate-limit counters across processes (set with REDIS_URL). */
  rateLimitRedis?: Redis | undefined;
  /** The game's public description of its world, if it has one (MxO: `GET /api/v1/districts`). */
  worldInfo?: WorldInfo | undefined;
  /** The rooms Colyseus matchmakes on this port, for the document (`POST /matchmake/…`). */
  matchmaking: Matchmaking;
  /** Check every answer against its documented schema (outside production), logging a mismatch. */
  checkResponses?: boolean;
  /** package.json version, for the OpenAPI document. */
  version: string;
  trustProxy: boolean;
}

const RegisterBody = z.object({ username: UsernameSchema, password: PasswordSchema });
const LoginBody = z.object({
  username: z.string({ message: "username is required" }).min(1).max(64),
  password: z.string({ message: "password is required" }).min(1).max(256),
  totp: z.string().max(16).optional(),
});
const TotpEnrollBody = z.object({
  password: z.string({ message: "password is required" }).min(1).max(256),
});
const TotpBody = z.object({
  code: z.string({ message: "code is required" }).regex(/^\d{6}$/, "code is 6 digits"),
});
const RefreshBody = z.object({
  refreshToken: z.string({ message: "refreshToken is required" }).min(1).max(512),
});

export function registerRoutes(app: Application, deps: HttpDeps): void {
  const { metrics, log } = deps;
  const api = new ApiRouter(app, metrics, log, deps.checkResponses);
  const tracing = instrumentation();
  if (tracing) app.use(tracing.http()); // first: a request's span covers every middleware after it

  // Every response names its request; error bodies repeat it (see sendError).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.get("x-request-id");
    const id = given && /^[A-Za-z0-9._:-]{8,128}$/.test(given) ? given : randomUUID();
    setRequestId(req, res, id);
    next();
  });

  // Request bodies are small JSON: a compressed one would only be a way to
  // make the server inflate more than the body limit admits (and every
  // coding but identity failed as a 500 inside the parser).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const coding = req.get("content-encoding");
    if (coding && coding.trim().toLowerCase() !== "identity") {
      return sendError(
        res,
        new AppError("unsupported_media_type", 415, "Request bodies cannot be compressed (Content-Encoding)"),
        log,
        req,
      );
    }
    next();
  });

  // PostgreSQL cannot store NUL: refused here for every path and query string
  // (bodies are checked by parseBody), so no route reaches the database with one.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (/%00/i.test(req.url) || req.url.includes("\u0000")) {
      return sendError(
        res,
        new AppError("invalid_request", 400, "The URL must not contain NUL characters"),
        log,
        req,
      );
    }
    next();
  });
  // Every `:id` is a UUID: anything else would reach a uuid column and fail there.
  app.param("id", (req: Request, res: Response, next: NextFunction, value: unknown) => {
    if (isUuid(value)) return next();
    sendError(res, new AppError("invalid_request", 400, `Invalid id: not a UUID`), log, req);
  });

  registerProbeRoutes(api, deps);

  // With Redis the counts are shared by every process, so N processes do not
  // allow N times the limit; alone, each process counts in memory.
  const store = (name: string) =>
    deps.rateLimitRedis
      ? new RedisStore({
          prefix: `mxo:rl:${name}:`,
          sendCommand: (command: string, ...args: string[]) =>
            deps.rateLimitRedis!.call(command, ...args) as Promise<RedisReply>,
        })
      : undefined;
  const limited = (name: string, perMinute: number, key?: (req: Request) => string | undefined) =>
    rateLimit({
      windowMs: 60_000,
      limit: perMinute,
      ...(deps.rateLimitRedis
        ? { store: new FallbackStore(store(name)!, () => deps.rateLimitRedis!.status === "ready") }
        : {}),
      standardHeaders: "draft-8",
      legacyHeaders: false,
      keyGenerator: (req) => key?.(req) ?? clientIp(req, deps.trustProxy) ?? "unknown",
      validate: false,
      handler: (req, res) => {
        sendError(res, new AppError("rate_limited", 429, "Too many requests; slow down"), log, req);
      },
    });

  const json = express.json({ limit: JSON_BODY_LIMIT_BYTES, type: () => true });
  const authLimit = limited("auth", deps.rateLimits.authPerMinute);
  const apiLimit = limited("api", deps.rateLimits.perMinute);
  // Staff share offices and VPNs: the admin limit follows the account when the
  // token names one (signature checked, nothing else), the address otherwise.
  const adminLimit = limited("admin", deps.rateLimits.adminPerMinute, (req) => {
    const account = deps.auth.peekAccount(bearerToken(req));
    return account ? `account:${account}` : undefined;
  });

  const requireAuth = async (req: Request, opts: { mfaPending?: boolean } = {}): Promise<Principal> =>
    deps.auth.authenticate(bearerToken(req), opts);

  const world = deps.worldInfo;
  if (world)
    api.add(
      { method: "get", path: world.path, summary: world.summary, tag: "world", response: world.response },
      [apiLimit],
      () => world.read(),
    );

  api.add(
    {
      method: "post",
      path: "/auth/register",
      summary: "Create an account",
      tag: "auth",
      body: RegisterBody,
      response: RegisteredBody,
      status: 201,
      errors: { 409: "Username taken" },
    },
    [authLimit, json],
    async (req) => {
      const body = parseBody(req, RegisterBody);
      return deps.auth.register(body.username, body.password);
    },
  );
  api.add(
    {
      method: "post",
      path: "/auth/login",
      summary: "Log in (with a one-time code once TOTP is on)",
      tag: "auth",
      body: LoginBody,
      response: TokenPairBody,
      errors: { 401: "Bad credentials or one-time code", 403: "Banned", 423: "Locked after failed attempts" },
    },
    [authLimit, json],
    async (req) => {
      const body = parseBody(req, LoginBody);
      return deps.auth.login(
        body.username,
        body.password,
        { ip: clientIp(req, deps.trustProxy), userAgent: req.get("user-agent") ?? undefined },
        body.totp,
      );
    },
  );
  api.add(
    {
      method: "post",
      path: "/auth/refresh",
      summary: "Rotate a refresh token for a new pair",
      tag: "auth",
      body: RefreshBody,
      response: TokenPairBody,
      errors: { 401: "Expired, revoked or reused refresh token" },
    },
    [authLimit, json],
    async (req) => deps.auth.refresh(parseBody(req, RefreshBody).refreshToken),
  );
  api.add(
    {
      method: "post",
      path: "/auth/logout",
      summary: "End this session everywhere",
      tag: "auth",
      auth: true,
      status: 204,
    },
    [authLimit],
    async (req) => {
      await deps.auth.logout(await requireAuth(req, { mfaPending: true }));
      return undefined;
    },
  );
  api.add(
    {
      method: "post",
      path: "/auth/totp/enroll",
      summary: "Start TOTP enrolment (the password again): a secret and otpauth:// URL to scan",
      tag: "auth",
      auth: true,
      body: TotpEnrollBody,
      response: TotpEnrollmentBody,
      errors: { 401: "Wrong password", 409: "Already enrolled", 423: "Locked after failed attempts" },
    },
    [authLimit, json],
    async (req) => {
      const principal = await requireAuth(req, { mfaPending: true });
      return deps.auth.enrollTotp(principal, parseBody(req, TotpEnrollBody).password);
    },
  );
  api.add(
    {
      method: "post",
      path: "/auth/totp/verify",
      summary: "Finish TOTP enrolment with a first code; logins need codes from then on",
      tag: "auth",
      auth: true,
      body: TotpBody,
      response: TotpEnabledBody,
      errors: { 409: "Not enrolling, or already enrolled" },
    },
    [authLimit, json],
    async (req) => {
      const principal = await requireAuth(req, { mfaPending: true });
      return deps.auth.confirmTotp(principal, parseBody(req, TotpBody).code);
    },
  );

  api.add(
    {
      method: "get",
      path: "/characters",
      summary: "The account's characters",
      tag: "characters",
      auth: true,
      response: z.array(CharacterSummaryBody),
    },
    [apiLimit],
    async (req) => deps.characters.list((await requireAuth(req)).accountId),
  );
  api.add(
    {
      method: "post",
      path: "/characters",
      summary: "Create a character",
      tag: "characters",
      auth: true,
      body: deps.characters.createSchema,
      response: CharacterSummaryBody,
      status: 201,
      errors: { 409: "Name taken" },
    },
    [apiLimit, json],
    async (req) => {
      const principal = await requireAuth(req);
      return deps.characters.create(principal.accountId, parseBody(req, deps.characters.createSchema));
    },
  );

  registerWebPages(app, { log });
  for (const spec of webPageSpecs()) api.describe(spec);
  registerAdminRoutes(
    api,
    { ...deps.admin, auth: deps.auth, metrics, log, trustProxy: deps.trustProxy },
    adminLimit,
    json,
  );

  describeMatchmaking(api, deps.matchmaking);
  // Built at the first request, when every route (this one too) is registered.
  let document: Record<string, unknown> | undefined;
  api.add(
    {
      method: "get",
      path: "/api/v1/openapi.json",
      summary: "This document",
      tag: "meta",
      response: OpenApiBody,
    },
    [apiLimit],
    () => (document ??= api.openapi({ title: "mxo-server", version: deps.version })),
  );

  // Anything no route took: a JSON 404 like every other error, never Express's HTML page.
  app.use((req: Request, res: Response) => {
    sendError(res, new AppError("not_found", 404, `No route for ${req.method} ${req.path}`), log, req);
  });

  // Body parser and router failures (malformed JSON, oversized body, a bad
  // charset, broken percent-encoding in a path) arrive here: the client's fault, a 4xx.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendError(res, clientFault(err) ?? err, log, req);
  });
}

/** The 4xx a parser or router error stands for, if it is one. */
function clientFault(err: unknown): AppError | undefined {
  const e = err as {
    type?: string;
    status?: number;
    statusCode?: number;
    expose?: boolean;
    message?: string;
  };
  if (e?.type === "entity.parse.failed")
    return new AppError("invalid_json", 400, "Request body is not valid JSON");
  if (e?.type === "entity.too.large") return new AppError("payload_too_large", 413, "Request body too large");
  if (e?.type === "charset.unsupported" || e?.type === "encoding.unsupported") {
    return new AppError("unsupported_media_type", 415, "Send JSON in UTF-8, uncompressed");
  }
  if (err instanceof URIError)
    return new AppError("invalid_request", 400, "The URL is not valid percent-encoding");
  const status = e?.status ?? e?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new AppError("invalid_request", status, e.expose && e.message ? e.message : "Bad request");
  }
  return undefined;
}
