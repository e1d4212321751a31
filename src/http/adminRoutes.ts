import { matchMaker } from "@colyseus/core";
import type { Application, Request, RequestHandler } from "express";
import type { PlayerListing } from "../../rooms/DistrictRoom.js";
import type { AuthService, Principal } from "../auth/AuthService.js";
import { hasPermission } from "../auth/permissions.js";
import type { Metrics } from "../metrics/metrics.js";
import { CommandRequest, type CommandRegistry } from "../commands/CommandRegistry.js";
import { AppError, forbidden } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import { parseBody } from "./body.js";
import { bearerToken, clientIp, route } from "./handler.js";

export interface DrainReport {
  status: "drained";
  processId: string;
  ms: number;
}

export interface AdminDeps {
  auth: AuthService;
  commands: CommandRegistry;
  metrics: Metrics;
  log: Logger;
  trustProxy: boolean;
  drain(reason: string): Promise<DrainReport>;
}

/** How long a listing waits for a room on another process before leaving it out. */
const REMOTE_TIMEOUT_MS = 2000;

/**
 * Operator routes under /api/v1/admin. Every call is authenticated, checked
 * against the caller's roles on the server, and logged with the actor.
 */
export function registerAdminRoutes(
  app: Application,
  deps: AdminDeps,
  limiter: RequestHandler,
  json: RequestHandler,
): void {
  const { metrics, log } = deps;
  const guard = async (req: Request, permission: string): Promise<Principal> => {
    const principal = await deps.auth.authenticate(bearerToken(req));
    if (!hasPermission(principal.roles, permission)) {
      log.warn({ actor: principal.username, permission, path: req.path }, "admin request refused");
      throw forbidden("forbidden", `Missing permission ${permission}`);
    }
    return principal;
  };

  app.get(
    "/api/v1/admin/districts",
    limiter,
    route(metrics, log, "/api/v1/admin/districts", async (req) => {
      await guard(req, "gm.view.districts");
      const rooms = await matchMaker.query({ name: "district" });
      return rooms
        .map((r) => ({
          roomId: r.roomId,
          district: String((r.metadata as { district?: string } | undefined)?.district ?? ""),
          clients: r.clients,
          maxClients: r.maxClients,
          processId: r.processId,
        }))
        .sort((a, b) => a.district.localeCompare(b.district) || a.roomId.localeCompare(b.roomId));
    }),
  );

  app.get(
    "/api/v1/admin/players",
    limiter,
    route(metrics, log, "/api/v1/admin/players", async (req) => {
      await guard(req, "gm.view.players");
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
    }),
  );

  app.get(
    "/api/v1/admin/commands",
    limiter,
    route(metrics, log, "/api/v1/admin/commands", async (req) => {
      const principal = await deps.auth.authenticate(bearerToken(req));
      return deps.commands.list().filter((c) => hasPermission(principal.roles, c.permission));
    }),
  );

  // Same registry, checks and records as the in-game `gm` message.
  app.post(
    "/api/v1/admin/commands",
    limiter,
    json,
    route(metrics, log, "/api/v1/admin/commands", async (req) => {
      const principal = await deps.auth.authenticate(bearerToken(req));
      const body = parseBody(req, CommandRequest);
      const outcome = await deps.commands.run(
        {
          accountId: principal.accountId,
          username: principal.username,
          roles: principal.roles,
          via: "http",
          ip: clientIp(req, deps.trustProxy),
        },
        body.command,
        body.args,
      );
      if (!outcome.ok) {
        const status = outcome.message.startsWith("Not permitted") ? 403 : 400;
        throw new AppError(status === 403 ? "forbidden" : "command_failed", status, outcome.message, {
          actionId: outcome.actionId,
        });
      }
      return outcome;
    }),
  );

  app.post(
    "/api/v1/admin/drain",
    limiter,
    route(metrics, log, "/api/v1/admin/drain", async (req) => {
      const actor = await guard(req, "server.drain");
      log.warn({ actor: actor.username, ip: clientIp(req, deps.trustProxy) }, "drain requested over HTTP");
      return deps.drain(`admin ${actor.username}`);
    }),
  );
}
