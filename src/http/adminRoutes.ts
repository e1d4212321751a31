import { matchMaker } from "@colyseus/core";
import express from "express";
import type { Request, RequestHandler, Response } from "express";
import { z } from "zod";
import type { PlayerListing } from "../../rooms/DistrictRoom.js";
import type { AuditLog } from "../audit/AuditLog.js";
import type { AuthService, Principal } from "../auth/AuthService.js";
import type { Escalations } from "../auth/Escalations.js";
import type { PermissionService } from "../auth/PermissionService.js";
import { allows, ROLES } from "../auth/permissions.js";
import type { Actor } from "../commands/Command.js";
import { CommandRequest, type CommandOutcome, type CommandRegistry } from "../commands/CommandRegistry.js";
import type { ContentDeployer } from "../content/ContentDeployer.js";
import type { AnalyticsQueries } from "../analytics/AnalyticsQueries.js";
import type { Metrics } from "../metrics/metrics.js";
import { returnedRows } from "../persistence/sql.js";
import { AppError, badRequest, forbidden, notFound } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import type { ApiRouter, RouteSpec } from "./api.js";
import { parseBody } from "./body.js";
import { bearerToken, clientIp, WithStatus } from "./handler.js";

export interface DrainReport {
  status: "drained";
  processId: string;
  ms: number;
}

export interface AdminDeps {
  auth: AuthService;
  permissions: PermissionService;
  escalations: Escalations;
  audit: AuditLog;
  commands: CommandRegistry;
  content: ContentDeployer;
  analytics: AnalyticsQueries;
  metrics: Metrics;
  log: Logger;
  trustProxy: boolean;
  drain(reason: string): Promise<DrainReport>;
}

/** How long a listing waits for a room on another process before leaving it out. */
const REMOTE_TIMEOUT_MS = 2000;

const A = "/api/v1/admin";

const AuditQuery = z.object({
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  target: z.string().max(128).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const RolesBody = z.object({ roles: z.array(z.enum(ROLES)).max(ROLES.length) });
const Permission = z.string().regex(/^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/, "not a permission string");
const OverridesBody = z.object({
  grant: z.array(Permission).max(64).default([]),
  deny: z.array(Permission).max(64).default([]),
});
const BanBody = z.object({
  reason: z.string().min(1).max(256),
  durationSeconds: z
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 86_400)
    .optional(),
});
const EscalationBody = z.object({ reason: z.string().min(3).max(256) });
const RevisionBody = z.object({ pack: z.unknown(), note: z.string().max(256).optional() });
const DaysQuery = z.object({ days: z.coerce.number().int().min(1).max(90).default(7) });
const Id = z.string().regex(/^[0-9a-f-]{36}$/i, "not an id");

/**
 * Operator and GM routes under /api/v1/admin (contract §2). Every call is
 * authenticated and checked against the caller's permissions as the
 * database holds them now; every change, and every refused attempt at one,
 * goes to the audit log.
 */
export function registerAdminRoutes(
  api: ApiRouter,
  deps: AdminDeps,
  limiter: RequestHandler,
  json: RequestHandler,
): void {
  const { log, audit } = deps;
  // A whole content pack is far larger than any other body.
  const packJson = express.json({ limit: "4mb", type: () => true });

  const actorOf = (req: Request, p: Principal): Actor => ({
    accountId: p.accountId,
    username: p.username,
    via: "http",
    ip: clientIp(req, deps.trustProxy),
    userAgent: req.get("user-agent") ?? undefined,
  });

  /** Authenticates, then checks the permission; a refused change is audited. */
  const guard = async (req: Request, spec: RouteSpec): Promise<{ principal: Principal; actor: Actor }> => {
    const principal = await deps.auth.authenticate(bearerToken(req));
    const actor = actorOf(req, principal);
    if (spec.permission && !(await deps.permissions.can(principal.accountId, spec.permission))) {
      log.warn(
        { actor: principal.username, permission: spec.permission, path: req.path },
        "admin request refused",
      );
      if (spec.method !== "get") {
        await record(actor, spec, req, {
          result: "refused",
          message: `Missing permission ${spec.permission}`,
        });
      }
      throw forbidden("forbidden", `Missing permission ${spec.permission}`);
    }
    return { principal, actor };
  };

  const record = (
    actor: Actor,
    spec: RouteSpec,
    req: Request,
    e: {
      result: "ok" | "refused" | "failed";
      message: string;
      target?: string;
      oldValue?: unknown;
      newValue?: unknown;
    },
  ) =>
    audit.append({
      actorId: actor.accountId,
      actor: actor.username,
      action: `admin.${spec.method} ${spec.path.slice(A.length)}`.slice(0, 64),
      target: e.target ?? null,
      args: { params: req.params, body: redactBody(req.body) },
      oldValue: e.oldValue ?? null,
      newValue: e.newValue ?? null,
      result: e.result,
      message: e.message,
      via: "http",
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
    });

  /** A route with a spec, guard and handler in one place (so the OpenAPI document lists it). */
  const add = (
    spec: Omit<RouteSpec, "tag" | "auth"> & { tag?: string },
    fn: (req: Request, who: { principal: Principal; actor: Actor }, res: Response) => Promise<unknown>,
  ) => {
    const full: RouteSpec = { tag: "admin", auth: true, ...spec, path: `${A}${spec.path}` };
    const parser = spec.body === RevisionBody ? packJson : json;
    const middleware = spec.method === "get" || !spec.body ? [limiter] : [limiter, parser];
    api.add(full, middleware, async (req, res) => fn(req, await guard(req, full), res));
    return full;
  };

  /** Command outcomes as HTTP: refusals become errors with the action id, queued ones 202. */
  const asHttp = (outcome: CommandOutcome) => {
    if (outcome.status === "queued") return new WithStatus(202, outcome);
    if (!outcome.ok) {
      const status =
        outcome.code === "forbidden"
          ? 403
          : outcome.code === "unknown_command" || outcome.code === "invalid_arguments"
            ? 400
            : outcome.status === "failed"
              ? 500
              : 409;
      throw new AppError(outcome.code ?? "command_failed", status, outcome.message, {
        actionId: outcome.actionId,
      });
    }
    return outcome;
  };

  add(
    {
      method: "get",
      path: "/me",
      summary: "Your roles, escalation and permissions as the server sees them now",
    },
    async (_req, { principal }) => {
      const standing = await deps.permissions.standing(principal.accountId);
      return {
        accountId: standing.accountId,
        username: standing.username,
        roles: standing.roles,
        escalation: standing.escalation,
        permissions: standing.permissions,
      };
    },
  );

  add(
    {
      method: "get",
      path: "/districts",
      summary: "Every district room on every process",
      permission: "gm.view.districts",
    },
    async () => {
      const rooms = await matchMaker.query({ name: "district" });
      return rooms
        .map((r) => {
          const meta = (r.metadata ?? {}) as { district?: string; contentRevision?: number | null };
          return {
            roomId: r.roomId,
            district: String(meta.district ?? ""),
            clients: r.clients,
            maxClients: r.maxClients,
            processId: r.processId,
            contentRevision: meta.contentRevision ?? null,
          };
        })
        .sort((a, b) => a.district.localeCompare(b.district) || a.roomId.localeCompare(b.roomId));
    },
  );

  add(
    {
      method: "get",
      path: "/players",
      summary: "Every online character on every process",
      permission: "gm.view.players",
    },
    async () => {
      const rooms = await matchMaker.query({ name: "district" });
      // Each room answers for itself through presence IPC, wherever it runs; a
      // room on a process that does not answer in time is left out, not fatal.
      const lists = await Promise.all(
        rooms.map((r) =>
          matchMaker
            .remoteRoomCall(r.roomId, "listPlayers" as never, [], REMOTE_TIMEOUT_MS)
            .then((list) => (list as PlayerListing[]) ?? [])
            .catch((err) => {
              log.warn(
                { err: (err as Error).message, roomId: r.roomId },
                "room did not answer the player listing",
              );
              return [] as PlayerListing[];
            }),
        ),
      );
      return lists.flat().map((p) => ({
        characterId: p.characterId,
        name: p.name,
        district: p.district,
        organization: p.organization,
        roomId: p.roomId,
        processId: p.processId,
      }));
    },
  );

  add(
    { method: "get", path: "/commands", summary: "The GM commands you may run, with usage and help" },
    async (_req, { principal }) => deps.commands.available(principal.accountId),
  );

  // Same registry, checks and audit as the in-game `gm` message: the registry
  // checks the command's own permission, so the route needs none of its own.
  add(
    {
      method: "post",
      path: "/commands",
      summary: "Run a GM command (contract §5), exactly as the in-game gm message does",
      body: CommandRequest,
      errors: {
        202: "Queued for a second GM's approval",
        403: "Missing the command's permission",
        409: "Refused",
      },
    },
    async (req, { actor }) => {
      const body = parseBody(req, CommandRequest);
      return asHttp(await deps.commands.run(actor, body.command, body.args));
    },
  );

  add(
    {
      method: "get",
      path: "/audit-logs",
      summary:
        "The audit log, newest first (filters: actor, action (trailing * for a prefix), target, since, until; paging: before=<seq>)",
      permission: "admin.audit.view",
      query: AuditQuery,
    },
    async (req) => {
      const q = parseQuery(req, AuditQuery);
      return audit.query({
        actor: q.actor,
        action: q.action,
        target: q.target,
        since: q.since ? new Date(q.since) : undefined,
        until: q.until ? new Date(q.until) : undefined,
        before: q.before,
        limit: q.limit,
      });
    },
  );
  add(
    {
      method: "get",
      path: "/audit-logs/verify",
      summary: "Walk the hash chain; report the first record that does not hold",
      permission: "admin.audit.view",
    },
    async () => audit.verify(),
  );

  add(
    {
      method: "get",
      path: "/gm-actions/:id",
      summary: "One GM action: command, inverse, reversal",
      permission: "gm.view.actions",
    },
    async (req) => deps.commands.action(parseId(req.params.id)),
  );
  add(
    {
      method: "post",
      path: "/gm-actions/:id/reverse",
      summary: "Run the action's inverse (once) and mark it reversed",
      permission: "gm.command.reverse",
      errors: { 404: "No such action", 409: "Irreversible or already reversed" },
    },
    async (req, { actor }) => asHttp(await deps.commands.reverse(actor, parseId(req.params.id))),
  );
  add(
    {
      method: "post",
      path: "/gm-actions/:id/replay",
      summary: "Run a replayable action again with the same arguments",
      permission: "gm.command.replay",
      errors: { 404: "No such action", 409: "Not replayable" },
    },
    async (req, { actor }) => asHttp(await deps.commands.replay(actor, parseId(req.params.id))),
  );

  add(
    {
      method: "get",
      path: "/approvals",
      summary: "Commands waiting for a second GM (two-person rule)",
      permission: "gm.approve",
    },
    async () => deps.commands.approvals(),
  );
  for (const decision of ["approve", "reject"] as const) {
    add(
      {
        method: "post",
        path: `/approvals/:id/${decision}`,
        summary: decision === "approve" ? "Approve (and run) a queued command" : "Reject a queued command",
        permission: "gm.approve",
        errors: { 403: "Your own request, or missing the command's permission", 409: "Already decided" },
      },
      async (req, { actor }) => {
        const outcome = await deps.commands.decide(actor, parseId(req.params.id), decision === "approve");
        return "actionId" in outcome ? asHttp(outcome) : outcome;
      },
    );
  }

  const rolesSpec = add(
    {
      method: "put",
      path: "/accounts/:id/roles",
      summary: "Replace an account's roles (takes effect at once on every process)",
      permission: "admin.roles",
      body: RolesBody,
      errors: { 404: "No such account" },
    },
    async (req, { principal, actor }) => {
      const id = parseId(req.params.id);
      const { roles } = parseBody(req, RolesBody);
      const mine = await deps.permissions.standing(principal.accountId);
      // Nobody hands out more than they hold: super_admin only comes from "*".
      if (!allows(mine.permissions, "*") && roles.some((r) => r === "super_admin" || r === "admin")) {
        await record(actor, rolesSpec, req, {
          result: "refused",
          target: id,
          message: "Only a super admin grants admin roles",
        });
        throw forbidden("forbidden", "Only a super admin grants admin or super_admin");
      }
      const rows = returnedRows<{ username: string; before: string[] }>(
        await deps.permissions.db.query(
          `UPDATE accounts n SET roles = $2 FROM accounts o WHERE n.id = o.id AND n.id = $1
           RETURNING n.username, o.roles AS before`,
          [id, [...new Set(roles)]],
        ),
      );
      const row = rows[0];
      if (!row) throw notFound(`No account ${id}`);
      await record(actor, rolesSpec, req, {
        result: "ok",
        target: row.username,
        message: `Roles of ${row.username}: ${row.before.join(",")} → ${roles.join(",")}`,
        oldValue: { roles: row.before },
        newValue: { roles },
      });
      return { accountId: id, username: row.username, roles };
    },
  );

  const overridesSpec = add(
    {
      method: "put",
      path: "/accounts/:id/permissions",
      summary: "Replace an account's own grants and denies (denies win over any role)",
      permission: "admin.roles",
      body: OverridesBody,
      errors: { 404: "No such account" },
    },
    async (req, { actor }) => {
      const id = parseId(req.params.id);
      const body = parseBody(req, OverridesBody);
      const overlap = body.grant.filter((g) => body.deny.includes(g));
      if (overlap.length) throw badRequest(`Both granted and denied: ${overlap.join(", ")}`);
      const target = await deps.permissions.db.transaction(async (em) => {
        const acc = (await em.query(`SELECT username FROM accounts WHERE id = $1 FOR UPDATE`, [id]))[0] as
          { username: string } | undefined;
        if (!acc) throw notFound(`No account ${id}`);
        const before = (await em.query(
          `SELECT permission, effect FROM account_permission_overrides WHERE account_id = $1 ORDER BY permission`,
          [id],
        )) as { permission: string; effect: string }[];
        await em.query(`DELETE FROM account_permission_overrides WHERE account_id = $1`, [id]);
        for (const [effect, list] of [
          ["grant", body.grant],
          ["deny", body.deny],
        ] as const) {
          for (const permission of new Set(list)) {
            await em.query(
              `INSERT INTO account_permission_overrides (account_id, permission, effect) VALUES ($1, $2, $3)`,
              [id, permission, effect],
            );
          }
        }
        return { username: acc.username, before };
      });
      await record(actor, overridesSpec, req, {
        result: "ok",
        target: target.username,
        message: `Permission overrides of ${target.username} replaced`,
        oldValue: target.before,
        newValue: body,
      });
      return { accountId: id, ...body };
    },
  );

  add(
    {
      method: "post",
      path: "/accounts/:id/ban",
      summary:
        "Ban an account (durationSeconds, or permanent with a second GM's approval); runs the ban command",
      permission: "gm.command.ban",
      body: BanBody,
      errors: { 202: "Queued for a second GM's approval", 404: "No such account" },
    },
    async (req, { actor }) => {
      const body = parseBody(req, BanBody);
      const account = await deps.commands.accountName(parseId(req.params.id));
      const span = body.durationSeconds ? `${body.durationSeconds}s` : "perm";
      return asHttp(await deps.commands.run(actor, "ban", [account, span, body.reason]));
    },
  );
  add(
    {
      method: "delete",
      path: "/accounts/:id/ban",
      summary: "Lift a ban; runs the unban command",
      permission: "gm.command.unban",
      errors: { 404: "No such account" },
    },
    async (req, { actor }) => {
      const account = await deps.commands.accountName(parseId(req.params.id));
      return asHttp(await deps.commands.run(actor, "unban", [account]));
    },
  );

  const escalateSpec = add(
    {
      method: "post",
      path: "/escalations",
      summary: "Raise your GM tier by one for a limited time (tier 1 → 2, tier 2 → 3)",
      body: EscalationBody,
      status: 201,
      errors: { 403: "Not a tier-1 or tier-2 GM", 409: "Already escalated" },
    },
    async (req, { principal, actor }) => {
      const { reason } = parseBody(req, EscalationBody);
      const own = await deps.auth.currentRoles(principal.accountId);
      try {
        const e = await deps.escalations.start(principal.accountId, own, reason);
        await record(actor, escalateSpec, req, {
          result: "ok",
          target: principal.username,
          message: `Escalated to ${e.role} until ${e.expiresAt.toISOString()}: ${reason}`,
          newValue: { role: e.role, expiresAt: e.expiresAt.toISOString() },
        });
        return e;
      } catch (err) {
        if (err instanceof AppError) {
          await record(actor, escalateSpec, req, {
            result: "refused",
            target: principal.username,
            message: err.message,
          });
        }
        throw err;
      }
    },
  );
  const endEscalationSpec = add(
    {
      method: "delete",
      path: "/escalations/mine",
      summary: "End your escalation early",
      errors: { 404: "None running" },
    },
    async (req, { principal, actor }) => {
      const e = await deps.escalations.end(principal.accountId);
      await record(actor, endEscalationSpec, req, {
        result: "ok",
        target: principal.username,
        message: `Ended escalation to ${e.role}`,
        oldValue: { role: e.role, expiresAt: e.expiresAt.toISOString() },
      });
      return undefined;
    },
  );

  add(
    {
      method: "get",
      path: "/content",
      summary: "Content revisions and the one every process runs",
      permission: "gm.content.view",
    },
    async () => deps.content.overview(),
  );
  add(
    {
      method: "get",
      path: "/content/revisions/:rev",
      summary: "One stored revision's pack (for review and diffs)",
      permission: "gm.content.view",
      errors: { 404: "No such revision" },
    },
    async (req) => {
      const rev = Number(req.params.rev);
      if (!Number.isInteger(rev) || rev < 1) throw badRequest("rev must be a revision number");
      return { revision: rev, pack: (await deps.content.packOf(rev)).toJSON() };
    },
  );
  const revisionSpec = add(
    {
      method: "post",
      path: "/content/revisions",
      summary: "Validate and store a content pack ({pack, note?}); every error is listed when refused",
      permission: "gm.content.deploy",
      body: RevisionBody,
      status: 201,
      errors: { 400: "Invalid pack (details lists every issue)" },
    },
    async (req, { actor }) => {
      const body = parseBody(req, RevisionBody);
      try {
        const created = await deps.content.store(body.pack, actor.username, body.note);
        await record(actor, revisionSpec, req, {
          result: "ok",
          target: `revision ${created.revision}`,
          message: `Stored content revision ${created.revision}`,
          newValue: created,
        });
        return created;
      } catch (err) {
        if (err instanceof AppError) {
          await record(actor, revisionSpec, req, { result: "refused", message: err.message });
        }
        throw err;
      }
    },
  );
  const deploySpec = add(
    {
      method: "post",
      path: "/content/revisions/:rev/deploy",
      summary: "Hot-load a stored revision into every running room on every process",
      permission: "gm.content.deploy",
      errors: { 404: "No such revision" },
    },
    async (req, { actor }) => {
      const rev = Number(req.params.rev);
      if (!Number.isInteger(rev) || rev < 1) throw badRequest("rev must be a revision number");
      const result = await deps.content.deploy(rev, actor.username);
      await record(actor, deploySpec, req, {
        result: "ok",
        target: `revision ${rev}`,
        message: `Deployed content revision ${rev}`,
        oldValue: { revision: result.previous },
        newValue: { revision: result.revision },
      });
      return result;
    },
  );
  const rollbackSpec = add(
    {
      method: "post",
      path: "/content/rollback",
      summary: "Go back to the revision deployed before the current one",
      permission: "gm.content.deploy",
      errors: { 409: "Nothing to roll back to" },
    },
    async (req, { actor }) => {
      const result = await deps.content.rollback(actor.username);
      await record(actor, rollbackSpec, req, {
        result: "ok",
        target: `revision ${result.revision}`,
        message: `Rolled content back to revision ${result.revision}`,
        oldValue: { revision: result.previous },
        newValue: { revision: result.revision },
      });
      return result;
    },
  );

  add(
    {
      method: "get",
      path: "/analytics/players/:id",
      summary: "A character's analytics summary: logins, level-ups, missions, items, currency, deaths, PvP",
      permission: "analytics.view",
      errors: { 404: "No such character" },
    },
    async (req) => deps.analytics.player(parseId(req.params.id)),
  );
  add(
    {
      method: "get",
      path: "/analytics/districts",
      summary: "Per-district daily aggregates of game events (?days=, default 7, at most 90)",
      permission: "analytics.view",
      query: DaysQuery,
    },
    async (req) => deps.analytics.districts(parseQuery(req, DaysQuery).days),
  );

  const drainSpec = add(
    {
      method: "post",
      path: "/drain",
      summary: "This process stops taking players, saves and moves everyone (4120), then reports drained",
      permission: "server.drain",
    },
    async (req, { actor }) => {
      log.warn({ actor: actor.username, ip: actor.ip }, "drain requested over HTTP");
      const report = await deps.drain(`admin ${actor.username}`);
      await record(actor, drainSpec, req, {
        result: "ok",
        target: report.processId,
        message: `Drained process ${report.processId} in ${report.ms} ms`,
      });
      return report;
    },
  );
}

function parseId(raw: unknown): string {
  const parsed = Id.safeParse(raw);
  if (!parsed.success) throw badRequest(`Invalid id: ${String(raw)}`);
  return parsed.data;
}

function parseQuery<T extends z.ZodType>(req: Request, schema: T): z.infer<T> {
  const parsed = schema.safeParse(req.query ?? {});
  if (!parsed.success) {
    throw badRequest(
      parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "),
      parsed.error.issues,
    );
  }
  return parsed.data;
}

/** Bodies go into the audit log; a content pack is too big to copy there (its hash is stored with it). */
function redactBody(body: unknown): unknown {
  if (body && typeof body === "object" && "pack" in body) return { ...body, pack: "(content pack)" };
  return body ?? null;
}
