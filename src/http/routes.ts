import express, { type Application, type NextFunction, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import { z } from "zod";
import { PasswordSchema, UsernameSchema, type AuthService, type Principal } from "../auth/AuthService.js";
import type { Metrics } from "../metrics/metrics.js";
import { CreateCharacterSchema, type CharacterService } from "../persistence/CharacterService.js";
import { AppError } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import { registerAdminRoutes, type AdminDeps } from "./adminRoutes.js";
import { parseBody } from "./body.js";
import { bearerToken, clientIp, route, sendError } from "./handler.js";

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpDeps {
  admin: Omit<AdminDeps, "auth" | "metrics" | "log" | "trustProxy">;
  auth: AuthService;
  characters: CharacterService;
  metrics: Metrics;
  log: Logger;
  /** True while the process takes new players; false while starting or draining. */
  isAccepting(): boolean;
  readiness: ReadinessCheck[];
  rateLimits: { perMinute: number; authPerMinute: number };
  trustProxy: boolean;
}

const RegisterBody = z.object({ username: UsernameSchema, password: PasswordSchema });
const LoginBody = z.object({
  username: z.string({ message: "username is required" }).min(1).max(64),
  password: z.string({ message: "password is required" }).min(1).max(256),
  totp: z.string().max(16).optional(),
});
const RefreshBody = z.object({
  refreshToken: z.string({ message: "refreshToken is required" }).min(1).max(512),
});

export function registerRoutes(app: Application, deps: HttpDeps): void {
  const { metrics, log } = deps;
  const r = (name: string, fn: Parameters<typeof route>[3], status?: number) =>
    route(metrics, log, name, fn, status);

  // Probes and metrics stay outside the rate limits: orchestrators poll them.
  app.get(
    "/health",
    r("/health", () => ({ status: "ok" })),
  );
  app.get(
    "/ready",
    r("/ready", async (_req, res) => {
      const checks: Record<string, string> = {};
      checks.accepting = deps.isAccepting() ? "ok" : "draining";
      await Promise.all(
        deps.readiness.map(async (c) => {
          try {
            await withTimeout(c.check(), 2000);
            checks[c.name] = "ok";
          } catch (err) {
            checks[c.name] = `failed: ${(err as Error).message}`;
          }
        }),
      );
      const ok = Object.values(checks).every((v) => v === "ok");
      res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "unavailable", checks });
    }),
  );
  app.get(
    "/metrics",
    r("/metrics", async (_req, res) => {
      res.set("Content-Type", metrics.registry.contentType);
      res.status(200).send(await metrics.registry.metrics());
    }),
  );

  const limited = (perMinute: number) =>
    rateLimit({
      windowMs: 60_000,
      limit: perMinute,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      keyGenerator: (req) => clientIp(req, deps.trustProxy) ?? "unknown",
      validate: false,
      handler: (_req, res) => {
        res.status(429).json({ error: { code: "rate_limited", message: "Too many requests; slow down" } });
      },
    });

  const json = express.json({ limit: "16kb", type: () => true });
  const authLimit = limited(deps.rateLimits.authPerMinute);
  const apiLimit = limited(deps.rateLimits.perMinute);

  const requireAuth = async (req: Request): Promise<Principal> => deps.auth.authenticate(bearerToken(req));

  app.post(
    "/auth/register",
    authLimit,
    json,
    r(
      "/auth/register",
      async (req) => {
        const body = parseBody(req, RegisterBody);
        return deps.auth.register(body.username, body.password);
      },
      201,
    ),
  );
  app.post(
    "/auth/login",
    authLimit,
    json,
    r("/auth/login", async (req) => {
      const body = parseBody(req, LoginBody);
      return deps.auth.login(body.username, body.password, {
        ip: clientIp(req, deps.trustProxy),
        userAgent: req.get("user-agent") ?? undefined,
      });
    }),
  );
  app.post(
    "/auth/refresh",
    authLimit,
    json,
    r("/auth/refresh", async (req) => deps.auth.refresh(parseBody(req, RefreshBody).refreshToken)),
  );
  app.post(
    "/auth/logout",
    authLimit,
    r("/auth/logout", async (req) => {
      await deps.auth.logout(await requireAuth(req));
      return undefined;
    }),
  );

  app.get(
    "/characters",
    apiLimit,
    r("/characters", async (req) => deps.characters.list((await requireAuth(req)).accountId)),
  );
  app.post(
    "/characters",
    apiLimit,
    json,
    r(
      "/characters",
      async (req) => {
        const principal = await requireAuth(req);
        return deps.characters.create(principal.accountId, parseBody(req, CreateCharacterSchema));
      },
      201,
    ),
  );

  registerAdminRoutes(
    app,
    { ...deps.admin, auth: deps.auth, metrics, log, trustProxy: deps.trustProxy },
    apiLimit,
    json,
  );

  // Body parser failures (malformed JSON, oversized body) arrive here.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === "entity.parse.failed") {
      return sendError(res, new AppError("invalid_json", 400, "Request body is not valid JSON"), log);
    }
    if (e?.type === "entity.too.large") {
      return sendError(res, new AppError("payload_too_large", 413, "Request body too large"), log);
    }
    sendError(res, err, log);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (err) => {
        clearTimeout(t);
        reject(err);
      },
    );
  });
}
