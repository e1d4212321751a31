import assert from "node:assert/strict";
import { LocalDriver, LocalPresence, matchMaker, Room } from "@colyseus/core";
import { guardFullListing } from "../../../src/framework/zone/fullRoomGuard.js";
import { createLogger } from "../../../src/framework/util/logger.js";

class Capped extends Room {
  override maxClients = 2;
}
class Guarded extends Capped {
  override onCreate(): void {
    guardFullListing(this, createLogger("silent"));
  }
}

/**
 * A room full of reserved seats that its listing still shows as open (the
 * state the cluster seat-cap test ran into): joins must go elsewhere, not be
 * refused "already full" until someone leaves.
 */
describe("a full room listed as open (src/framework/zone/fullRoomGuard.ts)", () => {
  before(async () => {
    await matchMaker.setup(new LocalPresence(), new LocalDriver());
    matchMaker.defineRoomType("capped", Capped);
    matchMaker.defineRoomType("guarded", Guarded);
  });
  after(async () => {
    for (const name of ["capped", "guarded"]) {
      for (const r of await matchMaker.query({ name }))
        await matchMaker.getLocalRoomById(r.roomId)?.disconnect();
      matchMaker.removeRoomType(name);
    }
  });

  /** Two reservations fill a room; then its listing is opened again while it is full. */
  async function fullButListed(name: string): Promise<string> {
    const first = await matchMaker.joinOrCreate(name, {});
    const second = await matchMaker.joinOrCreate(name, {});
    assert.equal(second.roomId, first.roomId);
    const room = matchMaker.getLocalRoomById(first.roomId);
    await room.unlock();
    assert.ok(room.hasReachedMaxClients());
    assert.equal((await matchMaker.query({ roomId: first.roomId }))[0]?.locked, false);
    return first.roomId;
  }

  it("without the guard, a refused seat leaves it listed open, so the matchmaker chooses it again", async () => {
    const full = await fullButListed("capped");
    const [listing] = await matchMaker.query({ roomId: full });
    await assert.rejects(matchMaker.reserveSeatFor(listing!, {}), /already full/);
    const open = await matchMaker.query({ name: "capped", locked: false });
    assert.deepEqual(
      open.map((r) => r.roomId),
      [full],
    );
  });

  it("with it, the first refusal takes the room out of matchmaking and the join lands in a new one", async () => {
    const full = await fullButListed("guarded");
    const [listing] = await matchMaker.query({ roomId: full });
    await assert.rejects(matchMaker.reserveSeatFor(listing!, {}), /already full/);
    assert.deepEqual(await matchMaker.query({ name: "guarded", locked: false }), []);
    const third = await matchMaker.joinOrCreate("guarded", {});
    assert.notEqual(third.roomId, full);
    assert.equal((await matchMaker.query({ roomId: full }))[0]?.locked, true);
  });
});
