import { badRequest } from "../../util/errors.js";
import type { GameContent } from "../../game/GameContent.js";
import {
  ContentOverviewBody,
  ContentRevisionBody,
  ContentStoredBody,
  DeploymentChangeBody,
  DrainReportBody,
} from "../responseSchemas.js";
import type { AdminKit } from "./AdminKit.js";

function parseRevision(raw: unknown): number {
  const rev = Number(raw);
  if (!Number.isInteger(rev) || rev < 1) throw badRequest("rev must be a revision number");
  return rev;
}

/**
 * Running the service: the game's content packs, if it has them (store, deploy, roll back: the
 * `content.*` commands) and draining this process (the `drain` command).
 */
export function registerOperationsRoutes(kit: AdminKit): void {
  const { deps, command } = kit;
  const content = deps.content;
  // A game without content packs (examples/tag) has none of these routes.
  if (content) registerContentRoutes(kit, content);

  command(
    {
      method: "post",
      path: "/drain",
      summary: "This process stops taking players, saves and moves everyone (4120), then reports drained",
      response: DrainReportBody,
    },
    "drain",
    () => ({}),
  );
}

function registerContentRoutes({ add, command }: AdminKit, content: GameContent): void {
  add(
    {
      method: "get",
      path: "/content",
      summary: "Content revisions and the one every process runs",
      permission: "gm.content.view",
      response: ContentOverviewBody,
    },
    async () => content.overview(),
  );
  add(
    {
      method: "get",
      path: "/content/revisions/:rev",
      summary: "One stored revision's pack (for review and diffs)",
      permission: "gm.content.view",
      params: { rev: "The revision number" },
      response: ContentRevisionBody,
      errors: { 404: "No such revision" },
    },
    async (req) => {
      const rev = parseRevision(req.params.rev);
      return { revision: rev, pack: (await content.packOf(rev)).toJSON() };
    },
  );
  command(
    {
      method: "post",
      path: "/content/revisions",
      summary: "Validate and store a content pack ({pack, note?}); every error is listed when refused",
      largeBody: true,
      status: 201,
      response: ContentStoredBody,
      errors: { 400: "Invalid pack (details lists every issue)" },
    },
    "content.store",
    (req) => ({ input: req.body }),
  );
  command(
    {
      method: "post",
      path: "/content/revisions/:rev/deploy",
      summary: "Hot-load a stored revision into every running room on every process",
      params: { rev: "The revision number" },
      response: DeploymentChangeBody,
      errors: { 404: "No such revision" },
    },
    "content.deploy",
    (req) => ({ args: [String(req.params.rev)] }),
  );
  command(
    {
      method: "post",
      path: "/content/rollback",
      summary: "Go back to the revision deployed before the current one",
      response: DeploymentChangeBody,
      errors: { 409: "Nothing to roll back to" },
    },
    "content.rollback",
    () => ({}),
  );
}
