import assert from "node:assert/strict";
import { joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

describe("chat channels and history (embedded database)", function () {
  this.timeout(60_000);
  let d: TestDeployment;
  // One seat per instance: every player gets a district instance of their own.
  before(
    async () =>
      (d = await deploy("embedded", { MAX_CLIENTS_PER_DISTRICT: "1", MAX_MESSAGES_PER_SECOND: "200" })),
  );
  after(async () => d?.cleanup());

  it("district chat reaches every instance of the district and no other district", async () => {
    const a = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "richland");
    const b = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "richland");
    const c = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "westview");
    const heard = { b: [] as any[], c: [] as any[] };
    b.room.onMessage("chat", (m: any) => heard.b.push(m));
    c.room.onMessage("chat", (m: any) => heard.c.push(m));
    a.room.onMessage("chat", () => {});
    try {
      assert.notEqual(a.room.roomId, b.room.roomId, "two richland instances");
      await waitFor(() => me(a.room) && me(b.room) && me(c.room));
      a.room.send("chat", { channel: "district", text: "anyone in richland?" });
      await waitFor(() => heard.b.length === 1, { what: "the other instance hears it" });
      assert.equal(heard.b[0].text, "anyone in richland?");
      assert.equal(heard.b[0].channel, "district");
      await sleep(200);
      assert.equal(heard.c.length, 0, "westview does not");
    } finally {
      for (const j of [a, b, c]) await j.room.leave();
    }
  });

  it("keeps the recent lines per channel and audience, oldest first, at most 50", async () => {
    const zion = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "downtown");
    const machine = await joinDistrict(
      d.server.ws,
      await newPlayer(d.server.http, "machines"),
      "international",
    );
    for (const j of [zion, machine]) j.room.onMessage("chat", () => {});
    const history = (room: any, channel: string) =>
      new Promise<any>((resolve) => {
        const off = room.onMessage("chat:history", (m: any) => {
          if (m.channel === channel) {
            off();
            resolve(m);
          }
        });
        room.send("chat:history", { channel });
      });
    try {
      await waitFor(() => me(zion.room) && me(machine.room));
      for (let i = 1; i <= 55; i++) zion.room.send("chat", { channel: "global", text: `line ${i}` });
      zion.room.send("chat", { channel: "organization", text: "zion only" });
      machine.room.send("chat", { channel: "organization", text: "machines only" });
      zion.room.send("chat", { channel: "district", text: "downtown line" });
      await sleep(500);

      const global = await history(machine.room, "global");
      assert.equal(global.lines.length, 50);
      assert.equal(global.lines[0].text, "line 6");
      assert.equal(global.lines[49].text, "line 55");
      assert.equal(
        (await history(zion.room, "organization")).lines.map((l: any) => l.text).join(),
        "zion only",
      );
      assert.equal(
        (await history(machine.room, "organization")).lines.map((l: any) => l.text).join(),
        "machines only",
      );
      assert.equal(
        (await history(zion.room, "district")).lines.map((l: any) => l.text).join(),
        "downtown line",
      );
      assert.equal((await history(machine.room, "district")).lines.length, 0, "international has its own");

      const errors: any[] = [];
      zion.room.onMessage("error", (e: any) => errors.push(e));
      zion.room.send("chat:history", { channel: "whisper" });
      await waitFor(() => errors[0]);
      assert.equal(errors[0].code, "invalid_message");
    } finally {
      for (const j of [zion, machine]) await j.room.leave();
    }
  });
});
