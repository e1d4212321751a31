import { z } from "zod";
import type { GameContent } from "../game/GameContent.js";
import type { DeploymentChange } from "../persistence/ports/ContentRevisionStore.js";
import type { Command, CommandResult } from "./Command.js";
import { ArgError, positional } from "./args.js";

const RevisionInput = z.object({ pack: z.unknown(), note: z.string().max(256).optional() });

const revision = positional((r) => {
  const raw = r.peek();
  const rev = Number(raw);
  if (raw === undefined || !Number.isInteger(rev) || rev < 1)
    throw new ArgError("rev must be a revision number");
  r.word("rev");
  r.end();
  return { rev };
});

const shared = { console: false, needsCluster: false, replayable: false } as const;

/** A deploy or rollback, undone by deploying again the revision it replaced (when there was one). */
function switched(result: DeploymentChange, message: string): CommandResult {
  return {
    ok: true,
    message,
    target: `revision ${result.revision}`,
    oldValue: { revision: result.previous },
    newValue: { revision: result.revision },
    inverse:
      result.previous !== null ? { command: "content.deploy", args: [String(result.previous)] } : undefined,
    data: result,
  };
}

/** Content packs: store (validated, every issue listed), deploy to every room on every process, roll back. */
export function contentCommands(content: GameContent) {
  const store: Command<void, z.infer<typeof RevisionInput>> = {
    ...shared,
    name: "content.store",
    permission: "gm.content.deploy",
    usage: "content.store + input {pack, note?}",
    help: "Validates and stores a content pack as a new revision (POST /api/v1/admin/content/revisions).",
    reversible: false,
    args: positional((r) => r.end()),
    input: RevisionInput,
    // The pack is stored with its revision and hash; the audit log names it only.
    auditInput: (raw) =>
      raw && typeof raw === "object" && "pack" in raw ? { ...raw, pack: "(content pack)" } : raw,
    async execute(ctx, _args, { pack, note }) {
      const created = await content.store(pack, ctx.actor.username, note);
      return {
        ok: true,
        message: `Stored content revision ${created.revision}`,
        target: `revision ${created.revision}`,
        newValue: created,
        data: created,
      };
    },
  };

  const deploy: Command<{ rev: number }> = {
    ...shared,
    name: "content.deploy",
    permission: "gm.content.deploy",
    usage: "content.deploy <rev>",
    help: "Hot-loads a stored revision into every running room on every process; reversing deploys the one it replaced.",
    reversible: true,
    args: revision,
    async execute(ctx, { rev }) {
      const result = await content.deploy(rev, ctx.actor.username);
      return switched(result, `Deployed content revision ${rev}`);
    },
  };

  const rollback: Command<void> = {
    ...shared,
    name: "content.rollback",
    permission: "gm.content.deploy",
    usage: "content.rollback",
    help: "Goes back to the revision deployed before the current one.",
    reversible: true,
    args: positional((r) => r.end()),
    async execute(ctx) {
      const result = await content.rollback(ctx.actor.username);
      return switched(result, `Rolled content back to revision ${result.revision}`);
    },
  };

  return [store, deploy, rollback] as Command<unknown, unknown>[];
}
