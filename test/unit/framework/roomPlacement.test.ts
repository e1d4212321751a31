import assert from "node:assert/strict";
import { LocalPresence } from "@colyseus/core";
import {
  PLACEMENT_SLACK,
  spreadRoomsAcrossProcesses,
  type ProcessLoad,
} from "../../../src/framework/cluster/roomPlacement.js";

const load = (counts: Record<string, number>): ProcessLoad[] =>
  Object.entries(counts).map(([processId, roomCount]) => ({ processId, roomCount }));

describe("room placement across processes (src/framework/cluster/roomPlacement.ts)", () => {
  it("puts rooms created at once, all reading the same counts, on different processes", async () => {
    const presence = new LocalPresence();
    const counts = load({ c: 0, a: 0, b: 0 });
    const select = spreadRoomsAcrossProcesses(presence, async () => counts);
    const chosen = await Promise.all([1, 2, 3, 4, 5, 6].map(() => select("district", {})));
    for (const id of ["a", "b", "c"]) {
      assert.equal(chosen.filter((c) => c === id).length, 2, `${id} in ${chosen}`);
    }
  });

  it("keeps a burst spread while the counts it reads catch up with it", async () => {
    const presence = new LocalPresence();
    let counts = load({ a: 0, b: 0, c: 0 });
    const select = spreadRoomsAcrossProcesses(presence, async () => counts);
    const first = await select("district", {});
    // The first room's process has published its count; the rest of the burst reads it.
    counts = counts.map((p) => (p.processId === first ? { ...p, roomCount: 1 } : p));
    const rest = [await select("district", {}), await select("district", {})];
    assert.equal(new Set([first, ...rest]).size, 3, String([first, ...rest]));
  });

  it(`passes over a process more than ${PLACEMENT_SLACK} room(s) above the least loaded`, async () => {
    const presence = new LocalPresence();
    const select = spreadRoomsAcrossProcesses(presence, async () =>
      load({ a: PLACEMENT_SLACK + 2, b: 1, c: 0 }),
    );
    const chosen = new Set<string>();
    for (let i = 0; i < 9; i++) chosen.add(await select("district", {}));
    assert.deepEqual([...chosen].sort(), ["b", "c"]);
  });

  it("keeps a lone process's rooms at home", async () => {
    const presence = new LocalPresence();
    const select = spreadRoomsAcrossProcesses(presence, async () => load({ only: 7 }));
    assert.equal(await select("district", {}), "only");
  });
});
