import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { http, joinDistrict, me, newPlayer, waitFor } from "../helpers/api.js";
import { gmCommand } from "../helpers/gm.js";
import { received } from "../helpers/client.js";
import { queryDatabase } from "../helpers/postgres.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import type { LoadoutUpdate } from "../../src/mxo/contract/serverMessages.js";

const ADMIN = { username: "abilitycode_admin", password: "admin password 123" };
const STARTER = ["a-jump", "a-shot", "a-sprint", "a-strike"];

const loadouts = (room: Room<any>) => received<LoadoutUpdate>(room, "loadout");
const catalog = (room: Room<any>) => (loadouts(room).at(-1)?.catalog ?? []).map((a) => a.id).sort();

/** The next error after those seen so far. */
async function refusal(room: Room<any>, type: string, body: Record<string, unknown>) {
  const before = received(room, "error").length;
  room.send(type, body);
  return waitFor(() => received<{ code: string; message: string }>(room, "error")[before], {
    what: `the refusal of ${type}`,
  });
}

describe("Ability code: only acquired abilities load at a hardline (postgres)", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  let token: string;
  const gm = (command: string, args: string[]) => gmCommand(d.server.http, token, command, args);

  before(async () => {
    d = await deploy("postgres", { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    token = (await http(d.server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
  });
  after(async () => d?.cleanup());

  it("a new character knows the starter set; a level is not enough; buying the code is, and it stays after a relog", async () => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => me(room) && loadouts(room).length > 0, { what: "the first loadout" });
    assert.deepEqual(catalog(room), STARTER);

    await gm("setstat", [p.characterName, "level", "3"]);
    await waitFor(() => me(room).level === 3, { what: "level 3" });
    const locked = await refusal(room, "loadout", { abilities: ["a-strike", "a-recuperate"] });
    assert.deepEqual(locked, {
      code: "ability_locked",
      message: "You have not acquired Recuperate: buy its code from a vendor, or earn it",
    });

    await gm("give", [p.characterName, "currency", "100"]);
    await waitFor(() => received(room, "inventory").at(-1)?.information === 100, { what: "the Information" });
    room.send("buy", { vendorId: "rl-v-code-broker", itemId: "code-a-recuperate" });
    await waitFor(() => catalog(room).includes("a-recuperate"), {
      what: "Recuperate in the catalog after the purchase",
    });
    const entry = loadouts(room)
      .at(-1)!
      .catalog.find((a) => a.id === "a-recuperate") as { loadable?: boolean; name: string };
    assert.equal(entry.name, "Recuperate");
    assert.equal(entry.loadable, true);
    assert.equal(received(room, "inventory").at(-1)!.information, 10, "90 Information paid");

    const again = await refusal(room, "buy", { vendorId: "rl-v-code-broker", itemId: "code-a-recuperate" });
    assert.deepEqual(again, { code: "duplicate", message: "You already know Recuperate" });

    // Code that arrives otherwise (a reward, loot, a GM) counts the same, and leaves with the item.
    await gm("give", [p.characterName, "code-hk-viral-spike", "1"]);
    await waitFor(() => catalog(room).includes("hk-viral-spike"), { what: "Viral Spike after the give" });
    const spike = loadouts(room)
      .at(-1)!
      .catalog.find((a) => a.id === "hk-viral-spike") as { loadable?: boolean };
    assert.equal(spike.loadable, false, "acquired, but level 5 is not reached");
    await gm("take", [p.characterName, "code-hk-viral-spike", "1"]);
    await waitFor(() => !catalog(room).includes("hk-viral-spike"), {
      what: "Viral Spike gone after the take",
    });

    const count = loadouts(room).length;
    room.send("loadout", { abilities: ["a-strike", "a-recuperate"] });
    await waitFor(() => loadouts(room).length > count, { what: "the loadout accepted" });
    assert.deepEqual(loadouts(room).at(-1)!.abilities, ["a-strike", "a-recuperate"]);
    await room.leave();

    const back = await joinDistrict(d.server.ws, p);
    await waitFor(() => catalog(back.room).includes("a-recuperate"), { what: "the catalog after the relog" });
    assert.deepEqual(loadouts(back.room).at(-1)!.abilities, ["a-strike", "a-recuperate"]);
    await back.room.leave();
  });

  it("a character stored before ability code keeps what its level loads, and no more", async () => {
    const p = await newPlayer(d.server.http);
    await queryDatabase(
      d.env.DATABASE_URL!,
      `UPDATE characters SET level = 10, game_data = '{}' WHERE id = $1`,
      [p.characterId],
    );
    const { room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => me(room) && loadouts(room).length > 0, { what: "the first loadout" });
    const known = catalog(room);
    for (const id of [
      ...STARTER,
      "a-recuperate",
      "op-precise-blow",
      "op-counter",
      "hk-data-tether",
      "cd-code-shield",
    ]) {
      assert.ok(known.includes(id), `${id} kept at level 10`);
    }
    assert.ok(!known.includes("ma-flying-kick"), "a level-12 ability is not granted");

    const count = loadouts(room).length;
    room.send("loadout", { abilities: ["op-precise-blow", "op-counter"] });
    await waitFor(() => loadouts(room).length > count, { what: "the loadout accepted" });
    assert.deepEqual(loadouts(room).at(-1)!.abilities, ["op-precise-blow", "op-counter"]);

    await gm("setstat", [p.characterName, "level", "12"]);
    await waitFor(() => me(room).level === 12, { what: "level 12" });
    const locked = await refusal(room, "loadout", { abilities: ["ma-flying-kick"] });
    assert.equal(locked.code, "ability_locked");
    assert.match(locked.message, /Flying Kick/);
    await room.leave();

    const saved = await waitFor(
      async () => {
        const rows = await queryDatabase<{ abilities: string[] | null }>(
          d.env.DATABASE_URL!,
          `SELECT game_data->'abilities' AS abilities FROM characters WHERE id = $1`,
          [p.characterId],
        );
        return rows[0]?.abilities && rows[0].abilities;
      },
      { what: "the granted set saved" },
    );
    assert.ok(saved.includes("op-counter") && !saved.includes("ma-flying-kick"), JSON.stringify(saved));
  });
});
