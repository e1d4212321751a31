import assert from "node:assert/strict";
import { jsonDiff } from "../src/admin/jsonDiff.js";

describe("jsonDiff (admin console content diffs)", () => {
  it("matches entries with ids by id, so one insertion is one addition", () => {
    const before = {
      npcs: [
        { id: "a", hp: 1 },
        { id: "b", hp: 2 },
      ],
    };
    const after = {
      npcs: [
        { id: "z", hp: 9 },
        { id: "a", hp: 1 },
        { id: "b", hp: 3 },
      ],
    };
    assert.deepEqual(jsonDiff(before, after), [
      { path: "npcs[b].hp", kind: "changed", before: 2, after: 3 },
      { path: "npcs[z]", kind: "added", after: { id: "z", hp: 9 } },
    ]);
  });

  it("compares other arrays by position and reports removals", () => {
    assert.deepEqual(jsonDiff({ tags: ["x", "y"], gone: 1 }, { tags: ["x"] }), [
      { path: "tags[1]", kind: "removed", before: "y" },
      { path: "gone", kind: "removed", before: 1 },
    ]);
    assert.deepEqual(jsonDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), []);
  });

  it("against a stored pack, counts fields an upload leaves to their defaults instead of listing them", () => {
    const stored = { version: 1, items: [{ id: "w", name: "Pipe", stackable: false, maxStack: 1 }] };
    const upload = { version: 1, items: [{ id: "w", name: "Lead pipe" }], extra: true };
    const defaulted = { count: 0 };
    assert.deepEqual(jsonDiff(stored, upload, "", { omittedMeansDefault: true, defaulted }), [
      { path: "items[w].name", kind: "changed", before: "Pipe", after: "Lead pipe" },
      { path: "extra", kind: "added", after: true },
    ]);
    assert.equal(defaulted.count, 2);
    // Whole entries and top-level keys missing from the upload are still removals.
    assert.deepEqual(
      jsonDiff({ items: [{ id: "w" }, { id: "v" }], npcs: [] }, { items: [{ id: "w" }] }, "", {
        omittedMeansDefault: true,
      }).map((e) => `${e.kind} ${e.path}`),
      ["removed items[v]", "removed npcs"],
    );
  });
});
