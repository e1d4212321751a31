import assert from "node:assert/strict";
import { encode, MapSchema, Schema, type } from "@colyseus/schema";
import { InputEncoder } from "@colyseus/schema/input";
import { pack, Packr, unpack } from "msgpackr";
import { MoveInput } from "../../schema/MoveInput.js";
import { checkMsgpack, MSGPACK_MAX_DEPTH } from "../../src/framework/net/checkMsgpack.js";
import { classifyFrame, STAMP_LEAD_MS, type FrameContext } from "../../src/framework/net/classifyFrame.js";
import { InputBodyValidator } from "../../src/framework/net/InputBodyValidator.js";

/** Deterministic bytes for property checks (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const move = InputBodyValidator.forSchema(MoveInput);

function ctx(over: Partial<FrameContext> = {}): FrameContext {
  return { input: move, stamp: "one", joining: false, stampBaseline: 0, nowMs: 60_000, ...over };
}

/** A reliable input frame exactly as the SDK's `InputHandle.send` writes it. */
function inputFrame(body: Uint8Array, stamp?: { delta: number; renderDelta?: number }): Uint8Array {
  const out = new Uint8Array(16 + body.length);
  out[0] = 19 | (stamp ? 0x80 : 0);
  const it = { offset: 1 };
  if (stamp) {
    encode.number(out, stamp.delta, it);
    if (stamp.renderDelta !== undefined) encode.uint16(out, stamp.renderDelta, it);
  }
  out.set(body, it.offset);
  return out.subarray(0, it.offset + body.length);
}

/** A ROOM_DATA / ROOM_REQUEST frame exactly as the SDK's `Room.send` / `request` writes it. */
function messageFrame(code: 13 | 21, kind: string | number, payload?: unknown, requestId = 1): Uint8Array {
  const head = new Uint8Array(512);
  head[0] = code;
  const it = { offset: 1 };
  if (code === 21) encode.number(head, requestId, it);
  if (typeof kind === "string") encode.string(head, kind, it);
  else encode.number(head, kind, it);
  const body = payload === undefined ? new Uint8Array(0) : new Packr().pack(payload);
  const out = new Uint8Array(it.offset + body.length);
  out.set(head.subarray(0, it.offset));
  out.set(body, it.offset);
  return out;
}

const verdict = (frame: Uint8Array | number[], c: FrameContext = ctx()) =>
  classifyFrame(frame instanceof Uint8Array ? frame : Uint8Array.from(frame), c).verdict;

/** Every client message shape of the contract, as honest clients send them. */
const HONEST_PAYLOADS: [string, unknown][] = [
  ["chat", { channel: "say", text: "hello there" }],
  ["chat", { channel: "whisper", text: "psst", to: "Trinity" }],
  ["chat", { channel: "say", text: "undefined field", to: undefined }],
  ["chat:history", { channel: "district" }],
  ["ability", { abilityId: "hyper_jump", targetId: "npc-12" }],
  ["interlock", { action: "block" }],
  ["mission", { action: "accept", missionId: "m_001" }],
  ["travel", { district: "downtown" }],
  ["gm", { command: "teleport", args: ["Trinity", "100", "250.5"] }],
  ["gm:metrics", { on: true }],
  ["loadout", { abilities: ["a", "b", "c"] }],
  ["interact", { target: "contact_morpheus" }],
  [
    "trade",
    {
      action: "set",
      items: [
        { itemId: "x", qty: 100 },
        { itemId: "y", qty: 70000 },
      ],
      information: 1.5,
    },
  ],
  [
    "nested",
    { a: [1, -1, 2 ** 31, -(2 ** 31), 2 ** 40, 0.1, null, true, false, "ü€𝄞"], b: { c: { d: [] } } },
  ],
];

describe("frame guard: input bodies", () => {
  it("passes every body the SDK's InputEncoder writes, empty (no change) included", () => {
    const random = prng(1);
    const inst = new MoveInput();
    const encoder = new InputEncoder(inst);
    assert.equal(move.check(encoder.encode(), 0), "ok", "first full snapshot");
    for (let i = 0; i < 2000; i++) {
      if (random() < 0.9) inst.seq = Math.floor(random() * 2 ** 32);
      if (random() < 0.5) inst.moveX = random() * 2 - 1;
      if (random() < 0.5) inst.moveY = random() * 200 - 100;
      const body = encoder.encode();
      assert.equal(move.check(body, 0), "ok", Buffer.from(body).toString("hex"));
    }
    assert.equal(move.check(new Uint8Array(0), 0), "ok");
  });

  it("calls NaN and ±Infinity invalid (well framed, unusable)", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const inst = new MoveInput();
      const encoder = new InputEncoder(inst);
      inst.seq = 1;
      inst.moveX = bad;
      assert.equal(move.check(encoder.encode(), 0), "invalid");
    }
  });

  it("calls broken framing malformed", () => {
    const cases: [string, number[]][] = [
      ["undeclared field index", [0x83, 0, 0, 0, 0]],
      ["DELETE operation", [0x42]],
      ["DELETE_AND_ADD operation", [0xc0, 1, 0, 0, 0]],
      ["switch to structure", [0xff, 0x00]],
      ["value cut short", [0x80, 1, 0]],
      ["float cut short", [0x81, 0, 0, 0x80]],
      ["a field twice", [0x80, 1, 0, 0, 0, 0x80, 2, 0, 0, 0]],
      ["trailing byte", [0x80, 1, 0, 0, 0, 0x07]],
    ];
    for (const [what, bytes] of cases) assert.equal(move.check(Uint8Array.from(bytes), 0), "malformed", what);
  });

  it("refuses to describe a schema that is not flat primitives", () => {
    class Nested extends Schema {
      @type("number") x = 0;
      @type({ map: "number" }) extra = new MapSchema<number>();
    }
    assert.throws(() => InputBodyValidator.forSchema(Nested), /not a flat primitive/);
  });
});

describe("frame guard: frames by opcode", () => {
  it("drops the unreliable-input ring, [20, 0, 255] first of all", () => {
    assert.deepEqual(classifyFrame(Uint8Array.from([20, 0, 255]), ctx()), {
      kind: "input",
      verdict: "malformed",
    });
    assert.equal(verdict([20 | 0x80, 1, 0, 0, 0, 0, 0, 1, 0x80]), "malformed");
    assert.equal(verdict([20]), "malformed");
  });

  it("checks the reliable input's TIMED stamp against the room's stamp shape and clock", () => {
    const body = Uint8Array.from([0x80, 7, 0, 0, 0]);
    assert.equal(verdict(inputFrame(body)), "ok", "unstamped");
    assert.equal(verdict(inputFrame(body, { delta: 50 }), ctx({ stampBaseline: 1000 })), "ok");
    assert.equal(verdict(inputFrame(body, { delta: -50 }), ctx({ stampBaseline: 1000 })), "ok", "steps back");
    assert.equal(verdict(inputFrame(body, { delta: 0 })), "ok", "unsynced clocks stamp 0");
    assert.equal(
      verdict(inputFrame(body, { delta: 5 }), ctx({ stamp: "none" })),
      "malformed",
      "no stamp asked",
    );
    assert.equal(
      verdict(inputFrame(body, { delta: -2000 }), ctx({ stampBaseline: 1000 })),
      "malformed",
      "< 0",
    );
    assert.equal(
      verdict(inputFrame(body, { delta: 60_000 + STAMP_LEAD_MS + 1 })),
      "malformed",
      "too far ahead of the room clock",
    );
    assert.equal(verdict(inputFrame(body, { delta: 0.5 })), "malformed", "fractional");
    assert.equal(verdict(inputFrame(body, { delta: 10, renderDelta: 100 }), ctx({ stamp: "both" })), "ok");
    assert.equal(verdict([19 | 0x80, 10], ctx({ stamp: "both" })), "malformed", "renderDelta missing");
    assert.equal(verdict([19 | 0x80, 0xc1, 0x80, 7, 0, 0, 0]), "malformed", "not a number");
    assert.equal(verdict([19 | 0x40, 0x80, 7, 0, 0, 0]), "malformed", "unknown modifier");
    assert.equal(verdict(inputFrame(body), ctx({ input: undefined })), "malformed", "room without input");
  });

  it("takes JOIN_ROOM once, and bare LEAVE_ROOM and PING", () => {
    assert.equal(verdict([10], ctx({ joining: true })), "ok");
    assert.equal(verdict([10]), "malformed", "already joined");
    assert.equal(verdict([10, 0], ctx({ joining: true })), "malformed");
    assert.equal(verdict([12]), "ok");
    assert.equal(verdict([18]), "ok");
    assert.equal(verdict([18, 18]), "malformed");
    assert.equal(verdict([18 | 0x80]), "malformed");
  });

  it("passes every message the SDK sends, as ROOM_DATA and ROOM_REQUEST", () => {
    for (const [kind, payload] of HONEST_PAYLOADS) {
      assert.equal(verdict(messageFrame(13, kind, payload)), "ok", kind);
      assert.equal(verdict(messageFrame(21, kind, payload, 12345)), "ok", `${kind} request`);
    }
    assert.equal(verdict(messageFrame(13, "ping")), "ok", "no payload");
    assert.equal(verdict(messageFrame(13, 7, { a: 1 })), "ok", "numeric type");
    assert.equal(
      verdict([17, 0xa3, 0x62, 0x69, 0x6e, 0xc1, 0xff]),
      "ok",
      "raw bytes are the handler's business",
    );
  });

  it("drops messages whose type or body is not what the SDK writes", () => {
    assert.equal(verdict([13]), "malformed", "no type");
    assert.equal(verdict([13, 0xa0]), "malformed", "empty type (Colyseus reads it as a number: undefined)");
    assert.equal(verdict([13, 0xa2, 0xff, 0xfe]), "malformed", "type not UTF-8");
    assert.equal(verdict([13, 0xa5, 0x61]), "malformed", "type longer than the frame");
    assert.equal(verdict(messageFrame(13, "x".repeat(65))), "malformed", "type too long");
    assert.equal(verdict([13, 0xcb, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]), "malformed", "NaN type");
    assert.equal(
      verdict(messageFrame(13, "*", { toString: 5 })),
      "malformed",
      "Colyseus's wildcard as a type",
    );
    assert.equal(verdict(messageFrame(21, "*", {})), "malformed", "… as a request type");
    assert.equal(verdict([13, 0xa3, 0x63, 0x68, 0x74, 0xc1, 0xc1]), "malformed", "body not msgpack");
    assert.equal(verdict([21, 0xff, 0xa1, 0x61]), "malformed", "negative request id");
    assert.equal(verdict([21]), "malformed", "request id missing");
    assert.equal(verdict([13 | 0x80, 0xa1, 0x61]), "malformed", "modifier on ROOM_DATA");
  });

  it("drops every opcode a client never sends", () => {
    for (let code = 0; code < 32; code++) {
      if ([10, 12, 13, 17, 18, 19, 21].includes(code)) continue;
      assert.equal(verdict([code, 0xa1, 0x61]), "malformed", `opcode ${code}`);
    }
    assert.equal(verdict([]), "malformed", "empty frame");
  });
});

function cyclic(): object {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
}

describe("frame guard: msgpack bodies", () => {
  const ok = (bytes: Uint8Array | number[]) => {
    const b = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    return checkMsgpack(b, 0, b.length);
  };

  it("passes plain data packed by the SDK's Packr (records) and by plain msgpack", () => {
    for (const [, payload] of HONEST_PAYLOADS) {
      assert.ok(ok(new Packr().pack(payload)), JSON.stringify(payload));
      assert.ok(ok(pack(payload)), JSON.stringify(payload));
    }
    assert.ok(ok(new Packr().pack(new Uint8Array([1, 2, 3]))), "binary");
  });

  it("refuses what msgpackr would turn into something other than plain data", () => {
    const cases: [string, Uint8Array | number[]][] = [
      ["never-used byte", [0xc1]],
      ["uint64 (BigInt)", [0xcf, 0, 0, 0, 0, 0, 0, 0, 1]],
      ["int64 (BigInt)", [0xd3, 0, 0, 0, 0, 0, 0, 0, 1]],
      ["timestamp extension", [0xd6, 0xff, 0, 0, 0, 0]],
      ["Date", new Packr().pack(new Date(0))],
      ["Set", new Packr({ moreTypes: true }).pack(new Set([1]))],
      ["RegExp", new Packr({ moreTypes: true }).pack(/x+/)],
      ["Error", new Packr({ moreTypes: true }).pack(new Error("boom"))],
      ["structured clone (cycles)", new Packr({ structuredClone: true }).pack(cyclic())],
      ["NaN", [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]],
      ["array longer than the frame", [0xdc, 0xff, 0xff, 1, 2]],
      ["map longer than the frame", [0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 0x61, 1]],
      ["string longer than the frame", [0xdb, 0, 1, 0, 0, 0x61]],
      ["record reference without its values", [0xd4, 0x72, 0x40, 0x91, 0xa1, 0x61, 1, 0x40]],
      ["record keys that are not strings", [0xd4, 0x72, 0x40, 0x91, 0x01, 1]],
      ["map key that is an object", [0x81, 0x80, 1]],
      ["trailing bytes", [0x01, 0x02]],
      ["empty", []],
    ];
    for (const [what, bytes] of cases) assert.equal(ok(bytes), false, what);
  });

  it("bounds nesting depth", () => {
    const nest = (n: number) => new Uint8Array(n + 1).fill(0x91, 0, n);
    assert.ok(ok(nest(MSGPACK_MAX_DEPTH)));
    assert.equal(ok(nest(MSGPACK_MAX_DEPTH + 1)), false);
    assert.equal(ok(nest(16_000)), false, "no deep recursion either");
  });

  it("never passes a body msgpackr's unpack chokes on (random and mutated bytes)", () => {
    const random = prng(20260418);
    const honest = HONEST_PAYLOADS.map(([, p]) => new Packr().pack(p));
    let passed = 0;
    for (let i = 0; i < 20_000; i++) {
      let bytes: Uint8Array;
      if (i % 2 === 0) {
        bytes = new Uint8Array(1 + Math.floor(random() * 24)).map(() => Math.floor(random() * 256));
      } else {
        bytes = Uint8Array.from(honest[i % honest.length]!);
        for (let m = 0; m < 1 + Math.floor(random() * 3); m++) {
          bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        }
      }
      if (!ok(bytes)) continue;
      passed++;
      assert.doesNotThrow(() => unpack(bytes), Buffer.from(bytes).toString("hex"));
    }
    assert.ok(passed > 1000, `the check passed ${passed} bodies: the property was exercised`);
  });
});
