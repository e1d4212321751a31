import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { http, joinDistrict, newPlayer, waitFor, type TestPlayer } from "../helpers/api.js";
import { gmCommand } from "../helpers/gm.js";
import { received } from "../helpers/client.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import type { InventoryUpdate } from "../../src/mxo/contract/serverMessages.js";

const ADMIN = { username: "inventory_admin", password: "admin password 123" };

const inventories = (room: Room<any>) => received<InventoryUpdate>(room, "inventory");

describe("Inventory: what the ledger says a player holds, on join and after every change", function () {
  this.timeout(90_000);
  let d: TestDeployment;
  let token: string;
  const gm = (command: string, args: string[]) => gmCommand(d.server.http, token, command, args);

  before(async () => {
    d = await deploy("embedded", { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    token = (await http(d.server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
  });
  after(async () => d?.cleanup());

  it("arrives on join, follows a GM give and take on the player in play, and again after a relog", async () => {
    const p: TestPlayer = await newPlayer(d.server.http);
    const { client, room } = await joinDistrict(d.server.ws, p);
    const seen = inventories(room);
    await waitFor(() => seen.length > 0, { what: "the first inventory" });
    assert.deepEqual(seen.at(-1), { items: [], information: 0 });

    await gm("give", [p.characterName, "w-katana", "2"]);
    await gm("give", [p.characterName, "currency", "150"]);
    const given = await waitFor(() => seen.find((m) => m.information === 150 && m.items.length === 1), {
      what: "the inventory after both gives",
    });
    assert.deepEqual(given.items, [
      { itemId: "w-katana", name: "Katana", qty: 2, equipped: false, slot: "weapon", kind: "weapon" },
    ]);

    await gm("take", [p.characterName, "w-katana", "2"]);
    await waitFor(() => seen.at(-1)!.items.length === 0, { what: "the inventory after the take" });
    assert.equal(seen.at(-1)!.information, 150);

    await room.leave();
    const again = await joinDistrict(d.server.ws, p);
    const seenAgain = inventories(again.room);
    await waitFor(() => seenAgain.length > 0, { what: "the inventory after the relog" });
    assert.deepEqual(seenAgain.at(-1), { items: [], information: 150 });
    await again.room.leave();
    void client;
  });
});
