import assert from "node:assert/strict";
import { DISTRICT_SERVER_MESSAGE_TYPES } from "../../../src/mxo/contract/serverMessages.js";
import { captures, sources } from "../../helpers/contract.js";

describe("MxO server → client messages", () => {
  it("every message type a district sends is in DISTRICT_SERVER_MESSAGE_TYPES", () => {
    const files = sources("rooms", "src/framework", "src/mxo").filter((f) => !f.path.includes("/contract/"));
    const sent = new Map([
      // client.send("type", …), room.broadcast("type", …), but not the cluster bus's bus.send("channel", …)
      ...captures(files, /(?<!bus)\.send\(\s*"([a-z:_-]+)"/),
      ...captures(files, /\bbroadcast\(\s*"([a-z:_-]+)"/),
      // ctx.tell(sessionIds, "type", …)
      ...captures(files, /\btell\(\s*[^,()]+(?:\([^()]*\))?,\s*"([a-z:_-]+)"/),
    ]);
    assert.ok(sent.has("loadout") && sent.has("combat") && sent.has("announce"), "found the sends");
    const listed = new Set<string>(DISTRICT_SERVER_MESSAGE_TYPES);
    for (const [type, where] of sent) {
      assert.ok(
        listed.has(type),
        `${where} sends "${type}", which DISTRICT_SERVER_MESSAGE_TYPES does not list`,
      );
    }
  });
});
