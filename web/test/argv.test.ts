import assert from "node:assert/strict";
import { splitArgs } from "../src/admin/argv.js";

describe("splitArgs (GM console argument line)", () => {
  it("splits on whitespace, groups quotes, honours escapes", () => {
    assert.deepEqual(splitArgs(`kick Trinity "spamming the market"`), [
      "kick",
      "Trinity",
      "spamming the market",
    ]);
    assert.deepEqual(splitArgs(`  a   'b c'  d\\ e ""`), ["a", "b c", "d e", ""]);
    assert.deepEqual(splitArgs(`say "it's \\"fine\\""`), ["say", `it's "fine"`]);
    assert.deepEqual(splitArgs(""), []);
  });

  it("refuses an unclosed quote", () => {
    assert.throws(() => splitArgs(`announce "hello`), /Unclosed " quote/);
  });
});
