import { z } from "zod";
import { AuditPageBody, ChainVerificationBody } from "../responseSchemas.js";
import { type AdminKit, parseQuery, safeText } from "./AdminKit.js";

const AuditQuery = z.object({
  actor: safeText(z.string().max(64)).optional(),
  action: safeText(z.string().max(64)).optional(),
  target: safeText(z.string().max(128)).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** Reading the audit log and checking its hash chain. */
export function registerAuditRoutes(kit: AdminKit): void {
  const { deps, add } = kit;
  add(
    {
      method: "get",
      path: "/audit-logs",
      summary:
        "The audit log, newest first (filters: actor, action (trailing * for a prefix), target, since, until; paging: before=<seq>)",
      permission: "admin.audit.view",
      query: AuditQuery,
      response: AuditPageBody,
    },
    async (req) => {
      const q = parseQuery(req, AuditQuery);
      return deps.audit.query({
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
      response: ChainVerificationBody,
    },
    async () => deps.audit.verify(),
  );
}
