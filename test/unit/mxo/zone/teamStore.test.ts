import assert from "node:assert/strict";
import { LocalTeamStore } from "../../../../src/mxo/zone/teams/TeamStore.js";

describe("LocalTeamStore", () => {
  it("applies the writes only when every checked key holds what was read", async () => {
    const store = new LocalTeamStore();
    assert.equal(
      await store.swap([{ key: "a", value: null }], [{ key: "a", value: "1", ttlMs: 10_000 }]),
      true,
    );
    assert.equal(
      await store.swap([{ key: "a", value: null }], [{ key: "a", value: "2", ttlMs: 10_000 }]),
      false,
    );
    assert.deepEqual(await store.get(["a", "b"]), ["1", null]);
    assert.equal(
      await store.swap(
        [{ key: "a", value: "1" }],
        [
          { key: "a", value: null, ttlMs: 1 },
          { key: "b", value: "x", ttlMs: 10_000 },
        ],
      ),
      true,
    );
    assert.deepEqual(await store.get(["a", "b"]), [null, "x"]);
  });

  it("forgets a key once its time is up", async () => {
    const store = new LocalTeamStore();
    await store.swap([], [{ key: "k", value: "v", ttlMs: 20 }]);
    assert.deepEqual(await store.get(["k"]), ["v"]);
    await new Promise((r) => setTimeout(r, 40));
    assert.deepEqual(await store.get(["k"]), [null]);
  });
});
