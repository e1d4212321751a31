import assert from "node:assert/strict";
import type { InventoryUpdate, TradeUpdate } from "../../src/mxo/contract/serverMessages.js";
import { applyTrade, draftFrom, draftToSet, offerText, tradeStatus } from "../src/play/tradeWindow.js";

const NOTHING = { items: [], information: 0 };
const update = (over: Partial<TradeUpdate>): TradeUpdate => ({
  state: "open",
  with: "Trinity",
  mine: NOTHING,
  theirs: NOTHING,
  confirmed: { mine: false, theirs: false },
  ...over,
});
const INV: InventoryUpdate = {
  information: 500,
  items: [
    { itemId: "medkit", name: "Medkit", qty: 3, equipped: false },
    { itemId: "pistol", name: "Pistol", qty: 1, equipped: true, slot: "weapon" },
  ],
};

describe("trade window (play client)", () => {
  it("opens, follows updates and says when the other side changed its offer", () => {
    const opened = applyTrade(undefined, update({}));
    assert.equal(opened.window?.with, "Trinity");
    assert.match(opened.notice?.text ?? "", /open with Trinity/);
    const theirs = { items: [{ itemId: "shades", name: "Mirror Shades", qty: 1 }], information: 0 };
    const changed = applyTrade(opened.window, update({ state: "updated", theirs }));
    assert.deepEqual(changed.window?.theirs, theirs);
    assert.equal(changed.notice?.kind, "warn");
    const confirmOnly = applyTrade(
      changed.window,
      update({ state: "updated", theirs, confirmed: { mine: false, theirs: true } }),
    );
    assert.equal(confirmOnly.notice, undefined, "a confirmation alone is not a change of offer");
    assert.deepEqual(confirmOnly.window?.confirmed, { mine: false, theirs: true });
  });

  it("closes on done with what changed hands, and on cancel with the reason", () => {
    const mine = { items: [{ itemId: "medkit", name: "Medkit", qty: 2 }], information: 100 };
    const theirs = { items: [{ itemId: "shades", name: "Mirror Shades", qty: 1 }], information: 0 };
    const done = applyTrade(undefined, update({ state: "done", mine, theirs }));
    assert.equal(done.window, undefined);
    assert.equal(
      done.notice?.text,
      "Trade with Trinity complete: you gave 2× Medkit and 100 information and received Mirror Shades.",
    );
    const cancelled = applyTrade(undefined, update({ state: "cancelled", reason: "Trinity travelled" }));
    assert.equal(cancelled.window, undefined);
    assert.equal(cancelled.notice?.text, "Trade with Trinity cancelled: Trinity travelled.");
  });

  it("says where the trade stands", () => {
    const w = applyTrade(undefined, update({})).window!;
    assert.match(tradeStatus(w), /Set your offer/);
    assert.match(tradeStatus({ ...w, confirmed: { mine: true, theirs: false } }), /waiting for Trinity/);
    assert.match(
      tradeStatus({ ...w, confirmed: { mine: false, theirs: true } }),
      /Trinity confirmed; confirm/,
    );
    assert.match(tradeStatus({ ...w, confirmed: { mine: true, theirs: true } }), /Both confirmed/);
    assert.equal(offerText(NOTHING), "nothing");
  });

  it("builds the set message from a draft, refusing by name what the server would refuse", () => {
    assert.deepEqual(draftToSet({ items: { medkit: 2, pistol: 0 }, information: 50 }, INV), {
      ok: true,
      message: { action: "set", items: [{ itemId: "medkit", qty: 2 }], information: 50 },
    });
    assert.deepEqual(draftToSet({ items: { medkit: 4 }, information: 0 }, INV), {
      ok: false,
      code: "not_owned",
      message: "You hold 3 Medkit, not 4",
    });
    assert.equal(draftToSet({ items: { pistol: 1 }, information: 0 }, INV).ok, false);
    assert.match(
      (draftToSet({ items: { pistol: 1 }, information: 0 }, INV) as { message: string }).message,
      /Unequip Pistol/,
    );
    const broke = draftToSet({ items: {}, information: 501 }, INV);
    assert.deepEqual(broke, {
      ok: false,
      code: "insufficient_funds",
      message: "You hold 500 information, not 501",
    });
    assert.equal(draftToSet({ items: {}, information: -1 }, INV).ok, false);
  });

  it("starts a draft from the side on offer", () => {
    assert.deepEqual(draftFrom({ items: [{ itemId: "medkit", name: "Medkit", qty: 2 }], information: 7 }), {
      items: { medkit: 2 },
      information: 7,
    });
  });
});
