import express from "express";
import type { Request, RequestHandler, Response } from "express";
import { z } from "zod";
import { hasUnstorable } from "../../audit/AuditLog.js";
import type { Principal } from "../../auth/AuthService.js";
import type { Actor } from "../../commands/Command.js";
import type { CommandOutcome } from "../../commands/CommandRegistry.js";
import { AppError, badRequest, forbidden } from "../../util/errors.js";
import type { AdminDeps } from "../adminRoutes.js";
import type { ApiRouter, RouteSpec } from "../api.js";
import { bearerToken, clientIp, WithStatus } from "../handler.js";

export const ADMIN_PREFIX = "/api/v1/admin";

export interface Caller {
  principal: Principal;
  actor: Actor;
}

export interface AuditNote {
  result: "ok" | "refused" | "failed";
  message: string;
  target?: string | undefined;
  oldValue?: unknown;
  newValue?: unknown;
}

type AdminHandler = (req: Request, who: Caller, res: Response) => Promise<unknown>;

/** What every admin route file registers through. */
export interface AdminKit {
  deps: AdminDeps;
  /** A route with its spec, guard and handler in one place (so the OpenAPI document lists it). */
  add(
    spec: Omit<RouteSpec, "tag" | "auth"> & { tag?: string; largeBody?: boolean },
    fn: AdminHandler,
  ): RouteSpec;
  /** Writes an audit record for a call to `spec` (refusals go through the coalescer). */
  record(actor: Actor, spec: RouteSpec, req: Request, note: AuditNote): Promise<void>;
  /** A command outcome as HTTP: refusals become errors (already audited), queued ones 202. */
  asHttp(outcome: CommandOutcome): unknown;
}

/** Text a caller may send: PostgreSQL refuses NUL and unpaired surrogates, so they are a 400 here. */
export const safeText = (schema: z.ZodString) =>
  schema.refine((s) => !hasUnstorable(s), "cannot hold NUL characters or unpaired surrogates");

/** A UUID, in its one spelling (36 dashes are not an id). */
const Id = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "not an id");

export function parseId(raw: unknown): string {
  const parsed = Id.safeParse(raw);
  if (!parsed.success) throw badRequest(`Invalid id: ${JSON.stringify(String(raw)).slice(0, 80)}`);
  return parsed.data;
}

export function parseQuery<T extends z.ZodType>(req: Request, schema: T): z.infer<T> {
  const parsed = schema.safeParse(req.query ?? {});
  if (!parsed.success) {
    throw badRequest(
      parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "),
      parsed.error.issues,
    );
  }
  return parsed.data;
}

/**
 * The guard and the audit every admin route shares. Each call is
 * authenticated and checked against the caller's permissions as the
 * database holds them now; every change is audited, and so is every refused
 * call of an authenticated caller (a missing permission on any route; any
 * 4xx on a route that changes something), through the refusal coalescer.
 */
export function createAdminKit(
  api: ApiRouter,
  deps: AdminDeps,
  limiter: RequestHandler,
  json: RequestHandler,
): AdminKit {
  const { log, audit } = deps;
  // A whole content pack is far larger than any other body.
  const packJson = express.json({ limit: "4mb", type: () => true });
  /** Errors whose refusal is already in the audit log (command outcomes). */
  const audited = new WeakSet<object>();

  const actorOf = (req: Request, p: Principal): Actor => ({
    accountId: p.accountId,
    username: p.username,
    via: "http",
    ip: clientIp(req, deps.trustProxy),
    userAgent: req.get("user-agent") ?? undefined,
  });

  const record: AdminKit["record"] = async (actor, spec, req, e) => {
    const entry = {
      actorId: actor.accountId,
      actor: actor.username,
      action: `admin.${spec.method} ${spec.path.slice(ADMIN_PREFIX.length)}`.slice(0, 64),
      target: e.target ?? null,
      args: { params: req.params, body: redactBody(req.body) },
      oldValue: e.oldValue ?? null,
      newValue: e.newValue ?? null,
      message: e.message,
      via: "http" as const,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
    };
    if (e.result === "refused") await audit.refused(entry);
    else await audit.append({ ...entry, result: e.result });
  };

  const guard = async (req: Request, spec: RouteSpec): Promise<Caller> => {
    const principal = await deps.auth.authenticate(bearerToken(req));
    const actor = actorOf(req, principal);
    if (spec.permission && !(await deps.permissions.can(principal.accountId, spec.permission))) {
      log.warn(
        { actor: principal.username, permission: spec.permission, path: req.path },
        "admin request refused",
      );
      const err = forbidden("forbidden", `Missing permission ${spec.permission}`);
      await record(actor, spec, req, { result: "refused", message: err.message });
      audited.add(err);
      throw err;
    }
    return { principal, actor };
  };

  const worthAuditing = (spec: RouteSpec, err: unknown): err is AppError =>
    err instanceof AppError &&
    !audited.has(err) &&
    err.status >= 400 &&
    err.status < 500 &&
    err.status !== 401 &&
    (spec.method !== "get" || err.status === 403);

  return {
    deps,
    record,
    add(spec, fn) {
      const { largeBody, ...rest } = spec;
      const full: RouteSpec = { tag: "admin", auth: true, ...rest, path: `${ADMIN_PREFIX}${spec.path}` };
      const parser = largeBody ? packJson : json;
      const middleware = spec.method === "get" || !spec.body ? [limiter] : [limiter, parser];
      api.add(full, middleware, async (req, res) => {
        const who = await guard(req, full);
        try {
          return await fn(req, who, res);
        } catch (err) {
          if (worthAuditing(full, err)) {
            await record(who.actor, full, req, {
              result: "refused",
              message: `${err.code}: ${err.message}`,
            }).catch((auditErr: unknown) => log.error({ err: auditErr }, "refusal not audited"));
          }
          throw err;
        }
      });
      return full;
    },
    asHttp(outcome) {
      if (outcome.status === "queued") return new WithStatus(202, outcome);
      if (!outcome.ok) {
        const err = new AppError(outcome.code ?? "command_failed", outcome.httpStatus, outcome.message, {
          actionId: outcome.actionId,
        });
        audited.add(err);
        throw err;
      }
      return outcome;
    },
  };
}

/** Bodies go into the audit log; a content pack is too big to copy there (its hash is stored with it). */
function redactBody(body: unknown): unknown {
  if (body && typeof body === "object" && "pack" in body) return { ...body, pack: "(content pack)" };
  return body ?? null;
}
