import assert from "node:assert/strict";
import { http } from "./api.js";

/**
 * Runs a staff command through `POST /api/v1/admin/commands` (the same
 * registry as the in-game `gm` message) and asserts it succeeded: the tests
 * use it to set a scene (give items, set a level, move a player), so a
 * refusal there is a broken test, reported with the server's answer.
 */
export async function gmCommand(base: string, token: string, command: string, args: string[]): Promise<any> {
  const res = await http(base, "POST", "/api/v1/admin/commands", { token, body: { command, args } });
  assert.equal(res.status, 200, `${command} ${args.join(" ")}: ${JSON.stringify(res.body)}`);
  return res.body;
}
