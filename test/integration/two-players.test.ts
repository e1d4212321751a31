import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { approach } from "../helpers/movement.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

/** Richland's arrival hardline. */
const MARA_CENTRAL = { x: 1500, y: 1200 };

function seen(room: Room<any>, name: string): any {
  for (const p of room.state?.players?.values() ?? []) if (p.name === name) return p;
  return undefined;
}

/**
 * The starter pack, played by two SDK clients on the embedded default: they
 * meet at the arrival hardline, talk, fight the same NPC, one travels away and
 * they keep talking across districts.
 */
describe("two players (embedded database)", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  before(async () => (d = await deploy("embedded", { MAX_MESSAGES_PER_SECOND: "50" })));
  after(async () => d?.cleanup());

  it("meet, talk, fight one NPC together, travel apart and whisper across districts", async () => {
    const [pa, pb] = await Promise.all([newPlayer(d.server.http), newPlayer(d.server.http)]);
    const a = await joinDistrict(d.server.ws, pa, "richland");
    const b = await joinDistrict(d.server.ws, pb, "richland");
    const heard = { a: [] as any[], b: [] as any[] };
    const combat = { a: [] as any[], b: [] as any[] };
    for (const [k, j] of [
      ["a", a],
      ["b", b],
    ] as const) {
      j.room.onMessage("chat", (m: any) => heard[k].push(m));
      j.room.onMessage("combat", (m: any) => combat[k].push(m));
      j.room.onMessage("*", () => {});
    }
    let aRoom = a.room;
    try {
      // Newcomers meet at the arrival hardline.
      await waitFor(() => seen(a.room, pb.characterName) && seen(b.room, pa.characterName), {
        what: "they see each other",
      });
      a.room.send("chat", { channel: "say", text: "follow me" });
      await waitFor(() => heard.b.some((m) => m.text === "follow me" && m.from === pa.characterName));

      // Both shoot the same lookout until it falls.
      const [npcId] = await waitFor(
        () =>
          [...a.room.state.npcs.entries()].find(([, n]: any) => n.template === "rl-la-lookout" && n.hp > 0),
        { what: "a lookout" },
      );
      await Promise.all([
        approach(a.room, () => a.room.state.npcs.get(npcId), 22),
        approach(b.room, () => b.room.state.npcs.get(npcId), 22),
      ]);
      const died = () =>
        [...combat.a, ...combat.b].find((e) => e.kind === "death" && e.id === npcId) ??
        (a.room.state.npcs.get(npcId)?.hp === 0 ? {} : undefined);
      const deadline = Date.now() + 90_000;
      while (!died()) {
        if (Date.now() > deadline) throw new Error("the lookout survived two players");
        for (const j of [a, b]) {
          const target = j.room.state.npcs.get(npcId);
          const self = me(j.room);
          if (target && self && self.hp > 0 && Math.hypot(target.x - self.x, target.y - self.y) > 25) {
            await approach(j.room, () => j.room.state.npcs.get(npcId), 20);
          }
          j.room.send("ability", { abilityId: "a-shot", targetId: npcId });
        }
        await sleep(700);
      }
      assert.ok(
        combat.a.some((e) => e.kind === "combat" && e.event.type === "damage" && e.event.targetId === npcId),
        "a hit it",
      );
      assert.ok(
        combat.b.some((e) => e.kind === "combat" && e.event.type === "damage" && e.event.targetId === npcId),
        "b hit it",
      );

      // A walks back to Mara Central (travel leaves from a hardline) and travels
      // to Westview; B no longer sees A, and they whisper across districts.
      await approach(a.room, () => MARA_CENTRAL, 3);
      const answer = new Promise<any>((resolve) => a.room.onMessage("travel", resolve));
      a.room.send("travel", { district: "westview" });
      const { reservation } = await answer;
      aRoom = await a.client.consumeSeatReservation(reservation);
      aRoom.onMessage("*", () => {});
      const inWestview: any[] = [];
      aRoom.onMessage("chat", (m: any) => inWestview.push(m));
      await a.room.leave();
      await waitFor(() => me(aRoom), { what: "arrived in Westview" });
      await waitFor(() => !seen(b.room, pa.characterName), { what: "gone from Richland" });
      b.room.send("chat", { channel: "whisper", to: pa.characterName, text: "still there?" });
      await waitFor(() => inWestview.some((m) => m.text === "still there?" && m.channel === "whisper"));
    } finally {
      await Promise.race([aRoom.leave().catch(() => {}), sleep(1000)]);
      await Promise.race([b.room.leave().catch(() => {}), sleep(1000)]);
    }
  });
});
