import express from "express";
import type { Request, RequestHandler, Response } from "express";
import { z } from "zod";
import { hasUnstorable } from "../../audit/AuditLog.js";
import type { Principal } from "../../auth/AuthService.js";
import type { Actor } from "../../commands/Command.js";
import type { CommandOutcome } from "../../commands/CommandRegistry.js";
import { AppError, badRequest, forbidden } from "../../util/errors.js";
import { invalidIdMessage, isUuid } from "../../util/uuid.js";
import type { AdminDeps } from "../adminRoutes.js";
import type { Answer, ApiRouter, RouteSpec } from "../api.js";
import { bearerToken, clientIp, WithStatus } from "../handler.js";

export const ADMIN_PREFIX = "/api/v1/admin";

export interface Caller {
  principal: Principal;
  actor: Actor;
}

type AdminHandler<R extends z.ZodType> = (req: Request, who: Caller, res: Response) => Promise<Answer<R>>;
type AdminSpec<R extends z.ZodType = z.ZodType> = Omit<RouteSpec<R>, "tag" | "auth"> & {
  tag?: string;
  largeBody?: boolean;
};

/** What a request asks of the command its route runs: positional arguments (from the path) and input (the body). */
export interface CommandCall {
  args?: string[];
  input?: unknown;
}

/** What every admin route file registers through. */
export interface AdminKit {
  deps: AdminDeps;
  /** A route with its spec, guard and handler in one place (so the OpenAPI document lists it). */
  add<R extends z.ZodType>(spec: AdminSpec<R>, fn: AdminHandler<R>): RouteSpec;
  /**
   * A route that is one registry command: the registry checks the command's
   * permission (which the spec documents), validates, acts and audits; the
   * route only reads which arguments and input the request carries, and
   * answers with what the command reports (`data`), at the spec's status.
   * Commands report `data` untyped: the spec's `response` documents it, and
   * outside production each answer is checked against it (ApiRouter).
   */
  command(spec: Omit<AdminSpec, "permission">, name: string, call: (req: Request) => CommandCall): RouteSpec;
  /** A GM console outcome as HTTP: refusals become errors (already audited), queued ones 202. */
  asHttp(outcome: CommandOutcome): CommandOutcome | WithStatus;
}

/** Text a caller may send: PostgreSQL refuses NUL and unpaired surrogates, so they are a 400 here. */
export const safeText = (schema: z.ZodString) =>
  schema.refine((s) => !hasUnstorable(s), "cannot hold NUL characters or unpaired surrogates");

export function parseId(raw: unknown): string {
  if (!isUuid(raw)) throw badRequest(invalidIdMessage(raw));
  return raw;
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
 * authenticated; a route that is a registry command leaves its permission
 * check and its audit record to the registry, the others are checked here
 * with the registry's own check (`may`, against the database now). Every
 * other refused call of an authenticated caller (a missing permission on any
 * route; any 4xx on a route that changes something) is audited here, through
 * the refusal coalescer.
 */
export function createAdminKit(
  api: ApiRouter,
  deps: AdminDeps,
  limiter: RequestHandler,
  json: RequestHandler,
): AdminKit {
  const { log, audit, commands } = deps;
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

  const refused = async (actor: Actor, spec: RouteSpec, req: Request, message: string) =>
    audit.refused({
      actorId: actor.accountId,
      actor: actor.username,
      action: `admin.${spec.method} ${spec.path.slice(ADMIN_PREFIX.length)}`.slice(0, 64),
      target: null,
      args: { params: req.params, body: req.body ?? null },
      message,
      via: "http" as const,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
    });

  const guard = async (req: Request, spec: RouteSpec, checked: boolean): Promise<Caller> => {
    const principal = await deps.auth.authenticate(bearerToken(req));
    const actor = actorOf(req, principal);
    if (checked && spec.permission && !(await commands.may(principal.accountId, spec.permission))) {
      log.warn(
        { actor: principal.username, permission: spec.permission, path: req.path },
        "admin request refused",
      );
      const err = forbidden("forbidden", `Missing permission ${spec.permission}`);
      await refused(actor, spec, req, err.message);
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

  /** A refused outcome as the error the route answers with; the registry has audited it. */
  const refusalOf = (outcome: CommandOutcome): AppError => {
    const err = new AppError(
      outcome.code ?? "command_failed",
      outcome.httpStatus,
      outcome.message,
      outcome.details ?? { actionId: outcome.actionId },
    );
    audited.add(err);
    return err;
  };

  const register = <R extends z.ZodType>(
    spec: AdminSpec<R>,
    fn: AdminHandler<R>,
    checked: boolean,
  ): RouteSpec => {
    const { largeBody, ...rest } = spec;
    const full: RouteSpec<R> = { tag: "admin", auth: true, ...rest, path: `${ADMIN_PREFIX}${spec.path}` };
    const parser = largeBody ? packJson : json;
    const middleware = spec.method === "get" || !spec.body ? [limiter] : [limiter, parser];
    api.add(full, middleware, async (req, res) => {
      const who = await guard(req, full, checked);
      try {
        return await fn(req, who, res);
      } catch (err) {
        if (worthAuditing(full, err)) {
          await refused(who.actor, full, req, `${err.code}: ${err.message}`).catch((auditErr: unknown) =>
            log.error({ err: auditErr }, "refusal not audited"),
          );
        }
        throw err;
      }
    });
    return full as RouteSpec;
  };

  return {
    deps,
    add: (spec, fn) => register(spec, fn, true),
    command(spec, name, call) {
      const command = commands.get(name);
      if (!command) throw new Error(`${spec.method} ${spec.path} runs ${name}, which is not registered`);
      // Documented as the registry checks it: the command's permission, its input as the body.
      const documented = {
        ...spec,
        body: spec.body ?? command.input,
        permission: command.permission ?? undefined,
      };
      return register(
        documented,
        async (req, { actor }): Promise<unknown> => {
          const { args = [], input } = call(req);
          const outcome = await commands.run(actor, name, args, { input, from: "owner" });
          if (!outcome.ok) throw refusalOf(outcome);
          return outcome.status === "queued" ? new WithStatus(202, outcome) : outcome.data;
        },
        false,
      );
    },
    asHttp(outcome) {
      if (outcome.status === "queued") return new WithStatus(202, outcome);
      if (!outcome.ok) throw refusalOf(outcome);
      return outcome;
    },
  };
}
