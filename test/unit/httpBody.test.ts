import assert from "node:assert/strict";
import type { Request } from "express";
import { z } from "zod";
import {
  bodyLimitFor,
  CONTENT_PACK_BODY_LIMIT_BYTES,
  findInvalidText,
  isUuid,
  JSON_BODY_LIMIT_BYTES,
  parseBody,
} from "../../src/framework/http/body.js";
import { AppError } from "../../src/framework/util/errors.js";

const req = (body: unknown) => ({ body }) as Request;

describe("http: body checks", () => {
  it("finds a NUL or a lone surrogate in any string or key, and names where", () => {
    assert.equal(findInvalidText({ a: "fine", b: ["ok", { c: "still ok ✓ 😀" }] }), undefined);
    assert.equal(findInvalidText({ a: "x\u0000y" }), "a");
    assert.equal(findInvalidText({ a: [1, "ok", "\ud800"] }), "a.2");
    assert.equal(findInvalidText({ a: { b: "\udc00 late low half" } }), "a.b");
    assert.equal(findInvalidText({ ["k\u0000"]: 1 }), "k\\u0000");
    assert.equal(findInvalidText("\u0000"), "");
    assert.equal(findInvalidText({ pair: "\ud83d\ude00" }), undefined, "a whole surrogate pair is fine");
  });

  it("walks deep nesting without recursion", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(typeof findInvalidText(deep), "string");
  });

  it("parseBody refuses bad text with a 400 before the schema runs", () => {
    const schema = z.object({ username: z.string() });
    assert.throws(
      () => parseBody(req({ username: "a\u0000" }), schema),
      (e: unknown) => e instanceof AppError && e.status === 400 && /^username: .*NUL/.test(e.message),
    );
    assert.deepEqual(parseBody(req({ username: "neo" }), schema), { username: "neo" });
  });

  it("accepts only real UUIDs as ids", () => {
    assert.equal(isUuid("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), true);
    assert.equal(isUuid("3F2504E0-4F89-11D3-9A0C-0305E82C3301"), true);
    for (const bad of [
      "-".repeat(36),
      "a".repeat(36),
      "3f2504e0-4f89-11d3-9a0c-0305e82c330",
      "",
      7,
      undefined,
    ]) {
      assert.equal(isUuid(bad), false, String(bad));
    }
  });

  it("lets only the content-pack routes carry more than a JSON body", () => {
    assert.equal(bodyLimitFor("/auth/register"), JSON_BODY_LIMIT_BYTES);
    assert.equal(bodyLimitFor("/matchmake/joinOrCreate/district"), JSON_BODY_LIMIT_BYTES);
    assert.equal(bodyLimitFor("/api/v1/admin/commands"), JSON_BODY_LIMIT_BYTES);
    assert.equal(bodyLimitFor("/api/v1/admin/content/revisions"), CONTENT_PACK_BODY_LIMIT_BYTES);
  });
});
