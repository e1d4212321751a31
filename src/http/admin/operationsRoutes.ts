import { z } from "zod";
import { badRequest } from "../../util/errors.js";
import { parseBody } from "../body.js";
import { type AdminKit, safeText } from "./AdminKit.js";

const RevisionBody = z.object({ pack: z.unknown(), note: safeText(z.string().max(256)).optional() });

function parseRevision(raw: unknown): number {
  const rev = Number(raw);
  if (!Number.isInteger(rev) || rev < 1) throw badRequest("rev must be a revision number");
  return rev;
}

/** Running the service: content packs (store, deploy, roll back) and draining this process. */
export function registerOperationsRoutes(kit: AdminKit): void {
  const { deps, add, record } = kit;

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
      const rev = parseRevision(req.params.rev);
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
      largeBody: true,
      status: 201,
      errors: { 400: "Invalid pack (details lists every issue)" },
    },
    async (req, { actor }) => {
      const body = parseBody(req, RevisionBody);
      const created = await deps.content.store(body.pack, actor.username, body.note);
      await record(actor, revisionSpec, req, {
        result: "ok",
        target: `revision ${created.revision}`,
        message: `Stored content revision ${created.revision}`,
        newValue: created,
      });
      return created;
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
      const rev = parseRevision(req.params.rev);
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

  const drainSpec = add(
    {
      method: "post",
      path: "/drain",
      summary: "This process stops taking players, saves and moves everyone (4120), then reports drained",
      permission: "server.drain",
    },
    async (req, { actor }) => {
      deps.log.warn({ actor: actor.username, ip: actor.ip }, "drain requested over HTTP");
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
