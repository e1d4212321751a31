import type { RequestHandler } from "express";
import type { AuditLog } from "../audit/AuditLog.js";
import type { AuthService } from "../auth/AuthService.js";
import type { Escalations } from "../auth/Escalations.js";
import type { PermissionService } from "../auth/PermissionService.js";
import type { CommandRegistry } from "../commands/CommandRegistry.js";
import type { GameContent } from "../game/GameContent.js";
import type { AnalyticsQueries } from "../analytics/AnalyticsQueries.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../util/logger.js";
import type { ApiRouter } from "./api.js";
import { createAdminKit } from "./admin/AdminKit.js";
import { registerAccountRoutes } from "./admin/accountRoutes.js";
import { registerAuditRoutes } from "./admin/auditRoutes.js";
import { registerCommandRoutes } from "./admin/commandRoutes.js";
import { registerEscalationRoutes } from "./admin/escalationRoutes.js";
import { registerOperationsRoutes } from "./admin/operationsRoutes.js";
import { registerOverviewRoutes } from "./admin/overviewRoutes.js";

export type { DrainReport } from "../commands/drain.js";

/** What the admin routes read; every change they make is a command of `commands`. */
export interface AdminDeps {
  auth: AuthService;
  permissions: PermissionService;
  escalations: Escalations;
  audit: AuditLog;
  commands: CommandRegistry;
  /** The game's content packs, if it has them. */
  content?: GameContent | undefined;
  analytics: AnalyticsQueries;
  metrics: Metrics;
  log: Logger;
  trustProxy: boolean;
}

/**
 * Operator and GM routes under /api/v1/admin (contract §2), one file per
 * concern under ./admin/; the guard they share is in ./admin/AdminKit.ts.
 * Every route that changes something runs a command of the registry, which
 * checks it and writes its audit record; the listings only read.
 */
export function registerAdminRoutes(
  api: ApiRouter,
  deps: AdminDeps,
  limiter: RequestHandler,
  json: RequestHandler,
): void {
  const kit = createAdminKit(api, deps, limiter, json);
  registerOverviewRoutes(kit);
  registerCommandRoutes(kit);
  registerAuditRoutes(kit);
  registerAccountRoutes(kit);
  registerEscalationRoutes(kit);
  registerOperationsRoutes(kit);
}
