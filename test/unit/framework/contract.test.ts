import assert from "node:assert/strict";
import { CloseCode } from "@colyseus/sdk";
import { MoveInput } from "../../../schema/MoveInput.js";
import { CloseCodes, COLYSEUS_RESERVED_CLOSE_CODES } from "../../../src/framework/contract/closeCodes.js";
import { FRAMEWORK_ERROR_CODES } from "../../../src/framework/contract/errors.js";
import type { MoveInputData } from "../../../src/framework/contract/input.js";
import { schemaFields, sources, type KindTable } from "../../helpers/contract.js";

describe("framework wire contract", () => {
  it("close codes are distinct and stay out of the range Colyseus reserves", () => {
    const codes = Object.values(CloseCodes);
    assert.equal(new Set(codes).size, codes.length);
    const { min, max } = COLYSEUS_RESERVED_CLOSE_CODES;
    for (const code of codes) assert.ok(code > max && code < 5000, `${code} is ours to use`);
    // Everything Colyseus closes with itself lies in that range (or is a plain WebSocket code).
    for (const code of Object.values(CloseCode))
      assert.ok(code < 4000 || (code >= min && code <= max), `${code}`);
    assert.deepEqual(CloseCodes, {
      SESSION_REVOKED: 4101,
      BANNED: 4103,
      KICKED: 4110,
      TAKEN_OVER: 4111,
      DRAINING: 4120,
    });
  });

  it("the framework's error codes are distinct snake_case strings", () => {
    assert.equal(new Set(FRAMEWORK_ERROR_CODES).size, FRAMEWORK_ERROR_CODES.length);
    for (const code of FRAMEWORK_ERROR_CODES) assert.match(code, /^[a-z]+(_[a-z]+)*$/);
  });

  it("MoveInputData is exactly the MoveInput schema's fields", () => {
    const contract: KindTable<MoveInputData> = { seq: "number", moveX: "number", moveY: "number" };
    const schema = schemaFields(MoveInput);
    assert.deepEqual(Object.keys(schema).sort(), Object.keys(contract).sort());
    for (const [name, kind] of Object.entries(contract)) assert.equal(schema[name]?.kind, kind, name);
    const input: MoveInputData = new MoveInput();
    assert.equal(input.seq, 0);
  });

  it("names no game concept and imports nothing beyond zod and itself", () => {
    const files = sources("src/framework/contract");
    assert.ok(files.length >= 5, "found the contract's files");
    for (const { path, text } of files) {
      for (const [, from] of text.matchAll(/from "([^"]+)"/g)) {
        assert.ok(from === "zod" || /^\.\/[A-Za-z]+\.js$/.test(from!), `${path} imports ${from}`);
      }
      const concept =
        /\b(district|organi[sz]ation|abilit\w*|interlock|missions?|npcs?|hardline|loadout)\b/i.exec(text);
      assert.ok(!concept, `${path} names "${concept?.[0]}"`);
    }
  });
});
