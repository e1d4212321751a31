import assert from "node:assert/strict";
import { SecretBox } from "../../src/framework/auth/SecretBox.js";

const KEY = "k".repeat(32);
const ACCOUNT = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

describe("auth: SecretBox (AES-256-GCM)", () => {
  const box = new SecretBox(KEY, "totp");

  it("seals to a marked value that opens to the same text, differently each time", () => {
    const a = box.seal("JBSWY3DPEHPK3PXP", ACCOUNT);
    const b = box.seal("JBSWY3DPEHPK3PXP", ACCOUNT);
    assert.match(a, /^v1:/);
    assert.notEqual(a, b, "a fresh IV per seal");
    assert.ok(!a.includes("JBSWY3DPEHPK3PXP"));
    assert.equal(box.open(a, ACCOUNT), "JBSWY3DPEHPK3PXP");
    assert.equal(SecretBox.isSealed(a), true);
    assert.equal(SecretBox.isSealed("JBSWY3DPEHPK3PXP"), false);
  });

  it("does not open with another key, another purpose, another account, or after tampering", () => {
    const sealed = box.seal("JBSWY3DPEHPK3PXP", ACCOUNT);
    assert.throws(() => new SecretBox("q".repeat(32), "totp").open(sealed, ACCOUNT));
    assert.throws(() => new SecretBox(KEY, "other").open(sealed, ACCOUNT));
    assert.throws(() => box.open(sealed, "another-account"));
    const raw = Buffer.from(sealed.slice(3), "base64url");
    raw[raw.length - 1]! ^= 1;
    assert.throws(() => box.open(`v1:${raw.toString("base64url")}`, ACCOUNT));
    assert.throws(() => box.open("v1:AAAA", ACCOUNT));
  });
});
