import assert from "node:assert/strict";
import type { Client, Room } from "@colyseus/sdk";
import { http, joinDistrict, me, newPlayer, waitFor } from "../helpers/api.js";
import { gmCommand } from "../helpers/gm.js";
import { received } from "../helpers/client.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

const ADMIN = { username: "hardline_admin", password: "admin password 123" };

/** Sends `travel`; resolves with the room of the target district, or rejects with the error. */
async function travel(client: Client, room: Room<any>, body: Record<string, unknown>): Promise<Room<any>> {
  const seen = received(room, "error").length;
  room.send("travel", body);
  const answer = await waitFor(
    () => received(room, "travel")[0] ?? received<{ code: string; message: string }>(room, "error")[seen],
    { what: "the answer to travel" },
  );
  if (!("reservation" in answer)) throw Object.assign(new Error(answer.message), { code: answer.code });
  const next = await client.consumeSeatReservation(answer.reservation);
  await room.leave();
  return next;
}

async function refused(client: Client, room: Room<any>, body: Record<string, unknown>) {
  try {
    await travel(client, room, body);
  } catch (err) {
    return err as Error & { code: string };
  }
  throw new Error("travel was not refused");
}

describe("Hardline travel: jack out at a hardline, in at a named one", function () {
  this.timeout(90_000);
  let d: TestDeployment;
  let token: string;
  const gm = (command: string, args: string[]) => gmCommand(d.server.http, token, command, args);

  before(async () => {
    d = await deploy("embedded", { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    token = (await http(d.server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
  });
  after(async () => d?.cleanup());

  it("from the arrival hardline to a named hardline of another district; an unknown hardline is refused", async () => {
    const p = await newPlayer(d.server.http);
    const { client, room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => me(room), { what: "the join" });
    const unknown = await refused(client, room, { district: "westview", hardline: "Mara Central" });
    assert.equal(unknown.code, "unknown_hardline");
    assert.match(
      unknown.message,
      /Westview has no hardline "Mara Central"; its hardlines are Tabor Park, Edgewater/,
    );

    const there = await travel(client, room, { district: "westview", hardline: "wv-edgewater" });
    await waitFor(() => me(there), { what: "the arrival in Westview" });
    assert.equal(there.state.district, "westview");
    assert.ok(
      Math.hypot(me(there).x - 400, me(there).y - 2100) <= 5,
      `at Edgewater: ${me(there).x},${me(there).y}`,
    );

    // Edgewater is a hardline too: on by name, back to Richland's Shimmer Station.
    const back = await travel(client, there, { district: "richland", hardline: "shimmer station" });
    await waitFor(() => me(back), { what: "the arrival in Richland" });
    assert.ok(Math.hypot(me(back).x - 2450, me(back).y - 500) <= 5);
    await back.leave();
  });

  it("away from a hardline travel is refused with not_at_hardline; a GM teleport still moves the player", async () => {
    const p = await newPlayer(d.server.http);
    const { client, room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => me(room), { what: "the join" });
    await gm("teleport", [p.characterName, "1500", "1300"]);
    await waitFor(() => me(room).y > 1290, { what: "the teleport away" });
    const away = await refused(client, room, { district: "westview" });
    assert.deepEqual(
      { code: away.code, message: away.message },
      { code: "not_at_hardline", message: "Travel from a hardline: Mara Central is 100 units away" },
    );
    assert.equal(received(room, "travel").length, 0);

    // Any hardline of the district will do, not only the arrival one.
    await gm("teleport", [p.characterName, "605", "1895"]);
    await waitFor(() => me(room).x < 700, { what: "the teleport to Pentire Heights" });
    const there = await travel(client, room, { district: "westview" });
    await waitFor(() => me(there), { what: "the arrival at Tabor Park" });
    assert.ok(Math.hypot(me(there).x - 1300, me(there).y - 1300) <= 5, "at the arrival hardline");

    await gm("teleport", [p.characterName, "1700", "1700"]);
    await waitFor(() => me(there).x > 1600, { what: "the teleport away in Westview" });
    const answer = waitFor(() => received(there, "travel")[0], { what: "the GM's travel" });
    await gm("teleport", [p.characterName, "downtown"]);
    const { reservation } = await answer;
    const moved: Room<any> = await client.consumeSeatReservation(reservation);
    await there.leave();
    await waitFor(() => me(moved), { what: "the arrival downtown" });
    assert.equal(moved.state.district, "downtown");
    await moved.leave();
  });
});
