import assert from "node:assert/strict";
import type { Client, Room } from "@colyseus/sdk";
import { http, joinDistrict, me, newPlayer, waitFor, type TestPlayer } from "../helpers/api.js";
import { gmCommand } from "../helpers/gm.js";
import { received } from "../helpers/client.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import type { CharacterSheet, InventoryUpdate } from "../../src/mxo/contract/serverMessages.js";
import type { DistrictError } from "../../src/mxo/contract/errorCodes.js";
import { maxHealth } from "../../src/mxo/rules/characterRules.js";

const ADMIN = { username: "sheet_admin", password: "admin password 123" };
const FIVES = { focus: 5, perception: 5, reason: 5, belief: 5, vitality: 5 };

const sheets = (room: Room<any>) => received<CharacterSheet>(room, "character");
const inventories = (room: Room<any>) => received<InventoryUpdate>(room, "inventory");
const errors = (room: Room<any>) => received<DistrictError>(room, "error");

/** Sends a message and waits for the `error` it must draw. */
async function refused(room: Room<any>, type: string, message: unknown): Promise<DistrictError> {
  const before = errors(room).length;
  room.send(type, message);
  return waitFor(() => errors(room)[before], { what: `the error answering ${type}` });
}

/** Waits for a `character` sheet sent after `from` that satisfies `ok`. */
function nextSheet(room: Room<any>, from: number, ok: (s: CharacterSheet) => boolean, what: string) {
  return waitFor(() => sheets(room).slice(from).find(ok), { what });
}

describe("Character sheet: attributes, equipment and consumables over the SDK", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  let token: string;
  const gm = (command: string, ...args: string[]) => gmCommand(d.server.http, token, command, args);
  /** A GM give, then the inventory that shows it. */
  const give = async (room: Room<any>, p: TestPlayer, itemId: string, qty = 1) => {
    await gm("give", p.characterName, itemId, String(qty));
    await waitFor(
      () =>
        inventories(room)
          .at(-1)
          ?.items.find((i) => i.itemId === itemId && i.qty >= qty),
      {
        what: `${itemId} in the inventory`,
      },
    );
  };

  before(async () => {
    d = await deploy("embedded", { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    token = (await http(d.server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
  });
  after(async () => d?.cleanup());

  it("attributes: the sheet on join, no_points at level 1, a GM level grants points, allocate spends them and max HP follows, saved", async () => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p);
    const first = await waitFor(() => sheets(room)[0], { what: "the sheet on join" });
    assert.deepEqual(
      [first.level, first.experience, first.nextLevelAt, first.stats, first.unspentPoints],
      [1, 0, 100, FIVES, 0],
    );
    assert.equal(first.derived.maxHp, maxHealth(FIVES, 1));

    const none = await refused(room, "allocate", { stat: "vitality" });
    assert.equal(none.code, "no_points");

    let seen = sheets(room).length;
    await gm("setstat", p.characterName, "level", "3");
    await nextSheet(
      room,
      seen,
      (s) => s.level === 3 && s.unspentPoints === 2,
      "the sheet after the GM's level",
    );

    seen = sheets(room).length;
    room.send("allocate", { stat: "vitality" });
    const after = await nextSheet(room, seen, (s) => s.stats.vitality === 6, "the sheet after allocate");
    assert.equal(after.unspentPoints, 1);
    assert.equal(after.derived.maxHp, maxHealth({ ...FIVES, vitality: 6 }, 3));
    await waitFor(() => me(room)?.maxHp === after.derived.maxHp, { what: "max HP in the state" });

    await room.leave();
    const again = await joinDistrict(d.server.ws, p);
    const back = await waitFor(() => sheets(again.room)[0], { what: "the sheet after the relog" });
    assert.deepEqual([back.stats.vitality, back.unspentPoints, back.level], [6, 1, 3]);
    await again.room.leave();
  });

  it("attributes: stat_capped at 30, and inspect shows points, equipment and derived figures", async () => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => sheets(room)[0], { what: "the first sheet" });
    await gm("setstat", p.characterName, "level", "50");
    await gm("setstat", p.characterName, "focus", "30");
    await waitFor(() => sheets(room).at(-1)?.stats.focus === 30, { what: "focus 30 on the sheet" });
    const capped = await refused(room, "allocate", { stat: "focus" });
    assert.equal(capped.code, "stat_capped");
    assert.match(capped.message, /Focus/);

    await give(room, p, "c-mirrored-shades");
    room.send("equip", { itemId: "c-mirrored-shades" });
    await waitFor(() => sheets(room).at(-1)?.derived.stats.perception === 6, {
      what: "the shades' perception",
    });
    const report = (await gm("inspect", p.characterName)).data;
    assert.deepEqual(report.equipment, { eyewear: "c-mirrored-shades" });
    assert.equal(report.unspentPoints, 49 - 25);
    assert.equal(report.derived.stats.perception, 6);
    assert.equal(report.stats.perception, 5);
    await room.leave();
  });

  it("equip: not_owned, not_equippable, level_too_low; equipping marks the item, changes the sheet, swaps; unequip undoes it", async () => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => inventories(room)[0] && sheets(room)[0], { what: "inventory and sheet" });

    const notOwned = await refused(room, "equip", { itemId: "c-black-trench" });
    assert.deepEqual([notOwned.code, notOwned.message], ["not_owned", "You do not have Black Trench Coat"]);
    await give(room, p, "cons-health-pack");
    const notEquippable = await refused(room, "equip", { itemId: "cons-health-pack" });
    assert.equal(notEquippable.code, "not_equippable");
    assert.match(notEquippable.message, /Health Pack/);
    await give(room, p, "w-katana");
    const tooLow = await refused(room, "equip", { itemId: "w-katana" });
    assert.equal(tooLow.code, "level_too_low");
    assert.match(tooLow.message, /Katana needs level 22/);

    await give(room, p, "c-black-trench");
    const before = sheets(room).at(-1)!;
    room.send("equip", { itemId: "c-black-trench" });
    const dressed = await nextSheet(
      room,
      sheets(room).length,
      (s) => s.derived.stats.vitality === 6,
      "the trench's vitality",
    );
    assert.equal(dressed.stats.vitality, 5, "allocated attributes do not include equipment");
    assert.equal(dressed.derived.maxHp, before.derived.maxHp + 20);
    assert.equal(dressed.derived.defence, before.derived.defence + 2);
    const marked = await waitFor(
      () =>
        inventories(room)
          .at(-1)
          ?.items.find((i) => i.itemId === "c-black-trench" && i.equipped),
      { what: "the trench marked equipped" },
    );
    assert.equal(marked.slot, "jacket");

    // A weapon sets the style; a second one in the same slot swaps it out.
    await give(room, p, "w-lead-pipe");
    await give(room, p, "w-9mm-pistol");
    room.send("equip", { itemId: "w-lead-pipe" });
    await waitFor(
      () =>
        inventories(room)
          .at(-1)
          ?.items.find((i) => i.itemId === "w-lead-pipe" && i.equipped),
      {
        what: "the pipe equipped",
      },
    );
    room.send("equip", { itemId: "w-9mm-pistol" });
    await waitFor(
      () => {
        const items = inventories(room).at(-1)?.items ?? [];
        const on = (id: string) => items.find((i) => i.itemId === id)?.equipped;
        return on("w-9mm-pistol") && !on("w-lead-pipe") && on("c-black-trench");
      },
      { what: "the pistol in place of the pipe" },
    );

    room.send("unequip", { slot: "jacket" });
    const undressed = await waitFor(
      () => sheets(room).at(-1)?.derived.stats.vitality === 5 && sheets(room).at(-1),
      { what: "the sheet without the trench" },
    );
    assert.equal(undressed.derived.maxHp, before.derived.maxHp);
    const empty = await refused(room, "unequip", { slot: "jacket" });
    assert.equal(empty.code, "not_found");
    await room.leave();
  });

  it("equipped items survive a relog and a travel, and a GM take unequips what it takes", async () => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => inventories(room)[0], { what: "the first inventory" });
    await give(room, p, "c-black-trench");
    room.send("equip", { itemId: "c-black-trench" });
    await waitFor(() => sheets(room).at(-1)?.derived.stats.vitality === 6, { what: "the trench worn" });
    const worn = sheets(room).at(-1)!;
    // Saved on leave with the character's game data.
    await room.leave();

    const again = await joinDistrict(d.server.ws, p);
    await waitFor(() => sheets(again.room)[0], { what: "the sheet after the relog" });
    assert.equal(sheets(again.room)[0]!.derived.stats.vitality, 6);
    assert.equal(sheets(again.room)[0]!.derived.maxHp, worn.derived.maxHp);
    await waitFor(
      () =>
        inventories(again.room)
          .at(-1)
          ?.items.find((i) => i.itemId === "c-black-trench" && i.equipped),
      { what: "the trench still equipped after the relog" },
    );

    const moved = await travel(again.client, again.room, "westview");
    await waitFor(() => sheets(moved)[0], { what: "the sheet in westview" });
    assert.equal(sheets(moved)[0]!.derived.stats.vitality, 6);
    assert.equal(sheets(moved)[0]!.derived.maxHp, worn.derived.maxHp);
    await waitFor(() => me(moved)?.maxHp === worn.derived.maxHp, { what: "max HP in westview's state" });
    await waitFor(
      () =>
        inventories(moved)
          .at(-1)
          ?.items.find((i) => i.itemId === "c-black-trench" && i.equipped),
      { what: "the trench still equipped after the travel" },
    );

    await gm("take", p.characterName, "c-black-trench", "1");
    await waitFor(() => sheets(moved).at(-1)?.derived.stats.vitality === 5, {
      what: "the sheet without the taken trench",
    });
    await waitFor(() => inventories(moved).at(-1)?.items.length === 0, {
      what: "the inventory after the take",
    });
    assert.deepEqual((await gm("inspect", p.characterName)).data.equipment, {});
    await moved.leave();
  });

  it("use: not_owned, not_usable; a Health Pack heals, leaves the inventory through the ledger, then on_cooldown by name", async () => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => inventories(room)[0], { what: "the first inventory" });
    const notOwned = await refused(room, "use", { itemId: "cons-health-pack" });
    assert.deepEqual([notOwned.code, notOwned.message], ["not_owned", "You do not have Health Pack"]);
    await give(room, p, "w-lead-pipe");
    const notUsable = await refused(room, "use", { itemId: "w-lead-pipe" });
    assert.deepEqual([notUsable.code, notUsable.message], ["not_usable", "Lead Pipe cannot be used"]);

    await give(room, p, "cons-health-pack", 2);
    await gm("setstat", p.characterName, "hp", "50");
    await waitFor(() => me(room)?.hp === 50, { what: "HP 50" });
    room.send("use", { itemId: "cons-health-pack" });
    await waitFor(() => me(room)?.hp === 110, { what: "the heal" });
    await waitFor(
      () =>
        inventories(room)
          .at(-1)
          ?.items.find((i) => i.itemId === "cons-health-pack")?.qty === 1,
      { what: "one Health Pack left" },
    );
    const used = received<any>(room, "combat").find((e) => e.kind === "item_used");
    assert.deepEqual(used && [used.itemId, used.healed, used.hp], ["cons-health-pack", 60, 110]);

    const cooling = await refused(room, "use", { itemId: "cons-health-pack" });
    assert.equal(cooling.code, "on_cooldown");
    assert.match(cooling.message, /^Health Pack can be used again in ([1-9]|10) s$/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      inventories(room)
        .at(-1)
        ?.items.find((i) => i.itemId === "cons-health-pack")?.qty,
      1,
      "nothing taken",
    );
    await room.leave();
  });

  // Last: it restarts the server under the other tests' feet.
  it("equipment and allocated points survive a server restart, and still shape the sheet and the state", async () => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => inventories(room)[0], { what: "the first inventory" });
    await gm("setstat", p.characterName, "level", "30");
    await give(room, p, "c-kevlar-vest");
    room.send("allocate", { stat: "vitality" });
    room.send("equip", { itemId: "c-kevlar-vest" });
    const worn = await waitFor(
      () =>
        sheets(room).find(
          (s) => s.stats.vitality === 6 && s.derived.maxHp === maxHealth({ ...FIVES, vitality: 6 }, 30) + 80,
        ),
      { what: "the vest and the point on the sheet" },
    );
    await room.leave();

    await d.restart();
    const again = await joinDistrict(d.server.ws, p);
    const back = await waitFor(() => sheets(again.room)[0], { what: "the sheet after the restart" });
    assert.deepEqual(back.stats, worn.stats);
    assert.deepEqual(back.derived, worn.derived);
    assert.equal(back.unspentPoints, 28);
    await waitFor(() => me(again.room)?.maxHp === worn.derived.maxHp, {
      what: "max HP in the state after the restart",
    });
    await waitFor(
      () =>
        inventories(again.room)
          .at(-1)
          ?.items.find((i) => i.itemId === "c-kevlar-vest" && i.equipped),
      { what: "the vest still equipped after the restart" },
    );
    await again.room.leave();
  });
});

/** Travels from the arrival hardline (where a new character stands) and arrives in `district`. */
async function travel(client: Client, room: Room<any>, district: string): Promise<Room<any>> {
  const answer = new Promise<any>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no travel answer; errors: ${JSON.stringify(errors(room))}`)),
      10_000,
    );
    room.onMessage("travel", (m: any) => {
      clearTimeout(timer);
      resolve(m);
    });
  });
  room.send("travel", { district });
  const { reservation } = await answer;
  const next = await client.consumeSeatReservation(reservation);
  await room.leave();
  return next;
}
