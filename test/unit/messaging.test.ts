import assert from "node:assert/strict";
import { z } from "zod";
import { MessageGate, type GateClient, type GateVerdict } from "../../src/framework/messaging/MessageGate.js";
import { TokenBucket } from "../../src/framework/messaging/TokenBucket.js";
import { ChatMessage } from "../../src/mxo/contract/clientMessages.js";
import { Metrics } from "../../src/framework/metrics/metrics.js";

interface Sent {
  type: string;
  message: { code?: string; message?: string };
}

class FakeClient implements GateClient {
  readonly sent: Sent[] = [];
  constructor(readonly sessionId: string) {}
  send(type: string, message: unknown): void {
    this.sent.push({ type, message: message as Sent["message"] });
  }
  codes(): (string | undefined)[] {
    return this.sent.map((s) => s.message.code);
  }
}

/** Counter value for exactly this label set (0 when the series does not exist). */
async function count(metrics: Metrics, labels: { type: string; result: string }): Promise<number> {
  const data = await metrics.messages.get();
  const v = data.values.find((x) => x.labels.type === labels.type && x.labels.result === labels.result);
  return v?.value ?? 0;
}

async function series(metrics: Metrics): Promise<{ type: string; result: string; value: number }[]> {
  const data = await metrics.messages.get();
  return data.values.map((v) => ({
    type: String(v.labels.type),
    result: String(v.labels.result),
    value: v.value,
  }));
}

describe("messaging: TokenBucket", () => {
  it("allows a burst of exactly `burst` messages at one instant, then refuses", () => {
    const b = new TokenBucket(5, 10, 0);
    for (let i = 0; i < 10; i++) assert.equal(b.take(0), true, `message ${i + 1} of the burst`);
    assert.equal(b.take(0), false);
    assert.equal(b.take(0), false);
  });

  it("refills at ratePerSecond over elapsed time", () => {
    const b = new TokenBucket(4, 4, 1_000);
    for (let i = 0; i < 4; i++) assert.equal(b.take(1_000), true);
    assert.equal(b.take(1_000), false);
    assert.equal(b.take(1_200), false, "0.8 of a token after 200 ms at 4/s");
    assert.equal(b.take(1_250), true, "one token after 250 ms");
    assert.equal(b.take(1_250), false);
    assert.equal(b.take(1_500), true);
    assert.equal(b.take(1_500), false);
    // one second refills four tokens
    for (let i = 0; i < 4; i++) assert.equal(b.take(2_500), true, `token ${i + 1} after 1 s`);
    assert.equal(b.take(2_500), false);
  });

  it("sustains exactly the rate when messages arrive evenly at that rate", () => {
    const b = new TokenBucket(10, 10, 0);
    for (let i = 0; i < 10; i++) assert.ok(b.take(0));
    let admitted = 0;
    for (let t = 100; t <= 10_000; t += 100) if (b.take(t)) admitted++;
    assert.equal(admitted, 100);
  });

  it("never holds more than `burst` tokens however long it idles", () => {
    const b = new TokenBucket(10, 3, 0);
    for (let i = 0; i < 3; i++) assert.ok(b.take(0));
    let admitted = 0;
    for (let i = 0; i < 10; i++) if (b.take(3_600_000)) admitted++;
    assert.equal(admitted, 3);
  });

  it("does not refill when the clock goes backwards", () => {
    const b = new TokenBucket(1, 1, 10_000);
    assert.ok(b.take(10_000));
    assert.equal(b.take(5_000), false);
    assert.equal(b.take(5_500), false, "half a second since the last call is half a token");
    assert.equal(b.take(6_000), true, "one second since the last call");
  });

  it("accumulates fractional refills across refused calls", () => {
    const b = new TokenBucket(2, 2, 0);
    assert.ok(b.take(0));
    assert.ok(b.take(0));
    assert.equal(b.take(250), false);
    assert.equal(b.take(400), false);
    assert.equal(b.take(500), true, "250 + 150 + 100 ms = 1 token at 2/s");
  });
});

describe("messaging: MessageGate.admit", () => {
  let metrics: Metrics;
  beforeEach(() => {
    metrics = new Metrics();
  });

  it("admits a burst of 2 × rate at once, then throttles", async () => {
    const gate = new MessageGate(metrics, 5);
    const c = new FakeClient("s1");
    for (let i = 0; i < 10; i++) assert.equal(gate.admit(c, "chat", 1_000), "ok", `message ${i + 1}`);
    assert.equal(gate.admit(c, "chat", 1_000), "throttled");
    assert.equal(await count(metrics, { type: "chat", result: "throttled" }), 1);
    assert.equal(await count(metrics, { type: "chat", result: "ok" }), 0, "admit alone does not count ok");
  });

  it("tells the client once when it is first throttled", () => {
    const gate = new MessageGate(metrics, 5);
    const c = new FakeClient("s1");
    for (let i = 0; i < 10; i++) gate.admit(c, "chat", 0);
    assert.equal(c.sent.length, 0, "nothing sent while admitted");
    gate.admit(c, "chat", 0);
    assert.equal(c.sent.length, 1);
    assert.equal(c.sent[0]?.type, "error");
    assert.equal(c.sent[0]?.message.code, "rate_limited");
    assert.match(c.sent[0]?.message.message ?? "", /5\/s/);
    gate.admit(c, "chat", 0);
    assert.equal(c.sent.length, 1, "not told again on the next strike");
  });

  it("repeats the rate_limited notice only every 10th strike", () => {
    const gate = new MessageGate(metrics, 1, 1000);
    const c = new FakeClient("s1");
    gate.admit(c, "chat", 0);
    gate.admit(c, "chat", 0);
    for (let i = 0; i < 30; i++) gate.admit(c, "chat", 0);
    // strikes 1, 10, 20, 30
    assert.deepEqual(c.codes(), ["rate_limited", "rate_limited", "rate_limited", "rate_limited"]);
  });

  it("admits again after the bucket refills", () => {
    const gate = new MessageGate(metrics, 10);
    const c = new FakeClient("s1");
    for (let i = 0; i < 20; i++) assert.equal(gate.admit(c, "chat", 0), "ok");
    assert.equal(gate.admit(c, "chat", 0), "throttled");
    assert.equal(gate.admit(c, "chat", 50), "throttled", "half a token");
    assert.equal(gate.admit(c, "chat", 100), "ok", "one token after 100 ms at 10/s");
    assert.equal(gate.admit(c, "chat", 100), "throttled");
    const verdicts: GateVerdict[] = [];
    for (let i = 0; i < 20; i++) verdicts.push(gate.admit(c, "chat", 2_100));
    assert.deepEqual(verdicts, Array<GateVerdict>(20).fill("ok"), "full burst back after 2 s");
  });

  it("returns disconnect once strikes exceed maxStrikes", () => {
    const gate = new MessageGate(metrics, 2, 3);
    const c = new FakeClient("s1");
    for (let i = 0; i < 4; i++) assert.equal(gate.admit(c, "chat", 0), "ok");
    assert.equal(gate.admit(c, "chat", 0), "throttled");
    assert.equal(gate.admit(c, "chat", 0), "throttled");
    assert.equal(gate.admit(c, "chat", 0), "throttled");
    assert.equal(gate.admit(c, "chat", 0), "disconnect");
    assert.equal(gate.admit(c, "chat", 0), "disconnect");
  });

  it("defaults maxStrikes to 3 × rate", () => {
    const gate = new MessageGate(metrics, 4);
    const c = new FakeClient("s1");
    for (let i = 0; i < 8; i++) assert.equal(gate.admit(c, "chat", 0), "ok");
    for (let i = 0; i < 12; i++) assert.equal(gate.admit(c, "chat", 0), "throttled", `strike ${i + 1}`);
    assert.equal(gate.admit(c, "chat", 0), "disconnect");
  });

  it("keeps separate buckets and strikes per session", () => {
    const gate = new MessageGate(metrics, 1, 1);
    const a = new FakeClient("a");
    const b = new FakeClient("b");
    gate.admit(a, "chat", 0);
    gate.admit(a, "chat", 0);
    assert.equal(gate.admit(a, "chat", 0), "throttled");
    assert.equal(gate.admit(a, "chat", 0), "disconnect");
    assert.equal(gate.admit(b, "chat", 0), "ok", "b is unaffected by a");
    assert.equal(gate.admit(b, "chat", 0), "ok");
    assert.equal(gate.admit(b, "chat", 0), "throttled");
    assert.equal(b.sent.length, 1);
    assert.equal(a.sent.length, 1);
  });

  it("forget() gives the session a fresh bucket and clears its strikes", () => {
    const gate = new MessageGate(metrics, 1, 1);
    const c = new FakeClient("s1");
    gate.admit(c, "chat", 0);
    gate.admit(c, "chat", 0);
    gate.admit(c, "chat", 0);
    assert.equal(gate.admit(c, "chat", 0), "disconnect");
    gate.forget("s1");
    assert.equal(gate.admit(c, "chat", 0), "ok");
    assert.equal(gate.admit(c, "chat", 0), "ok");
    assert.equal(gate.admit(c, "chat", 0), "throttled", "strikes restart from 1");
  });

  it("labels throttled known types by name and any other type as unknown", async () => {
    const gate = new MessageGate(metrics, 1, 1000);
    const c = new FakeClient("s1");
    gate.admit(c, "x", 0);
    gate.admit(c, "x", 0);
    const known = ["chat", "ability", "interlock", "mission", "travel", "gm"];
    for (const t of known) gate.admit(c, t, 0);
    const junk = ["hack", "", "CHAT", "chat ", "__proto__", "constructor", "x".repeat(10_000), "💊", "a\nb"];
    for (let i = 0; i < 50; i++) junk.push(`random-${i}-${Math.random()}`);
    for (const t of junk) gate.admit(c, t, 0);

    for (const t of known) assert.equal(await count(metrics, { type: t, result: "throttled" }), 1, t);
    assert.equal(await count(metrics, { type: "unknown", result: "throttled" }), junk.length);
    const types = new Set((await series(metrics)).map((s) => s.type));
    assert.deepEqual([...types].sort(), [...known, "unknown"].sort(), "label set stays bounded");
  });
});

describe("messaging: MessageGate.parse", () => {
  let metrics: Metrics;
  let gate: MessageGate;
  let client: FakeClient;
  beforeEach(() => {
    metrics = new Metrics();
    gate = new MessageGate(metrics, 10);
    client = new FakeClient("s1");
  });

  it("returns the parsed payload, counts ok and sends nothing", async () => {
    const msg = gate.parse(client, "chat", ChatMessage, { channel: "say", text: "hello" });
    assert.deepEqual(msg, { channel: "say", text: "hello" });
    assert.equal(await count(metrics, { type: "chat", result: "ok" }), 1);
    assert.equal(await count(metrics, { type: "chat", result: "invalid" }), 0);
    assert.equal(client.sent.length, 0);
  });

  it("refuses NUL anywhere in a payload (PostgreSQL refuses it in text), whatever the schema", async () => {
    const anything = z.unknown();
    for (const payload of [
      { channel: "say", text: "a\u0000b" },
      { command: "kick", args: ["ok", "bad\u0000"] },
      { nested: { deeper: [{ "key\u0000": 1 }] } },
    ]) {
      assert.equal(gate.parse(client, "chat", anything, payload), undefined, JSON.stringify(payload));
    }
    assert.deepEqual(new Set(client.codes()), new Set(["invalid_message"]));
    assert.match(client.sent[0]!.message.message!, /NUL/);
    assert.equal(await count(metrics, { type: "chat", result: "invalid" }), 3);
    assert.deepEqual(gate.parse(client, "chat", anything, { text: "fine" }), { text: "fine" });
    // A privileged message goes on to the command registry, which refuses NUL and audits the refusal.
    const gm = { command: "kick", args: ["ok", "bad\u0000"] };
    assert.deepEqual(gate.parse(client, "gm", anything, gm), gm);
  });

  it("counts every message type the room handles under its own label, anything else as unknown", async () => {
    const anything = z.unknown();
    for (const type of ["loadout", "interact", "chat", "whatever"]) gate.parse(client, type, anything, {});
    assert.equal(await count(metrics, { type: "loadout", result: "ok" }), 1);
    assert.equal(await count(metrics, { type: "interact", result: "ok" }), 1);
    assert.equal(await count(metrics, { type: "unknown", result: "ok" }), 1);
  });

  it("returns the schema's output (transforms and stripped keys applied)", () => {
    const schema = z.object({ n: z.string().transform(Number) });
    assert.deepEqual(gate.parse(client, "gm", schema, { n: "42", extra: true }), { n: 42 });
  });

  const invalid: [string, unknown, RegExp][] = [
    ["an unknown channel", { channel: "shout", text: "hi" }, /channel/],
    ["empty text", { channel: "say", text: "" }, /text: text must not be empty/],
    ["blank text", { channel: "say", text: "   " }, /text: text must not be blank/],
    ["too long text", { channel: "say", text: "x".repeat(257) }, /text: text must be at most 256 characters/],
    ["a missing text", { channel: "say" }, /text/],
    ["a non-object", "hello", /payload/],
    ["null", null, /payload/],
    ["undefined", undefined, /payload/],
  ];
  for (const [what, payload, reason] of invalid) {
    it(`rejects ${what}: counts invalid and sends an invalid_message error`, async () => {
      const msg = gate.parse(client, "chat", ChatMessage, payload);
      assert.equal(msg, undefined);
      assert.equal(await count(metrics, { type: "chat", result: "invalid" }), 1);
      assert.equal(await count(metrics, { type: "chat", result: "ok" }), 0);
      assert.equal(client.sent.length, 1);
      const sent = client.sent[0]!;
      assert.equal(sent.type, "error");
      assert.equal(sent.message.code, "invalid_message");
      assert.match(sent.message.message ?? "", /^Invalid chat message: /);
      assert.match(sent.message.message ?? "", reason);
    });
  }

  it("accumulates counts per result", async () => {
    gate.parse(client, "chat", ChatMessage, { channel: "say", text: "a" });
    gate.parse(client, "chat", ChatMessage, { channel: "say", text: "b" });
    gate.parse(client, "chat", ChatMessage, { channel: "nope", text: "c" });
    assert.equal(await count(metrics, { type: "chat", result: "ok" }), 2);
    assert.equal(await count(metrics, { type: "chat", result: "invalid" }), 1);
    assert.deepEqual(client.codes(), ["invalid_message"]);
  });

  it("does not throw on hostile payloads", () => {
    const cyclic: Record<string, unknown> = { channel: "say" };
    cyclic.text = cyclic;
    assert.equal(gate.parse(client, "chat", ChatMessage, cyclic), undefined);
    const getterBomb = Object.defineProperty({}, "channel", {
      enumerable: true,
      get() {
        return "say";
      },
    });
    assert.equal(gate.parse(client, "chat", ChatMessage, getterBomb), undefined);
    assert.deepEqual(client.codes(), ["invalid_message", "invalid_message"]);
  });
});

describe("messaging: MessageGate.unknown", () => {
  it("counts under type=unknown,result=unknown and sends unknown_message", async () => {
    const metrics = new Metrics();
    const gate = new MessageGate(metrics, 10);
    const c = new FakeClient("s1");
    gate.unknown(c, "teleport");
    gate.unknown(c, 12345);
    gate.unknown(c, "y".repeat(5000));
    assert.equal(await count(metrics, { type: "unknown", result: "unknown" }), 3);
    const types = new Set((await series(metrics)).map((s) => s.type));
    assert.deepEqual([...types], ["unknown"], "the type string never becomes a label");
    assert.deepEqual(c.codes(), ["unknown_message", "unknown_message", "unknown_message"]);
    assert.match(c.sent[0]?.message.message ?? "", /teleport/);
    assert.match(c.sent[1]?.message.message ?? "", /12345/);
    assert.ok((c.sent[2]?.message.message ?? "").length < 80, "echoed type is truncated");
  });

  it("is visible in the Prometheus text output", async () => {
    const metrics = new Metrics();
    const gate = new MessageGate(metrics, 10);
    gate.unknown(new FakeClient("s1"), "whatever");
    const text = await metrics.registry.getSingleMetricAsString("mxo_messages_total");
    assert.match(text, /mxo_messages_total\{type="unknown",result="unknown"\} 1/);
    assert.doesNotMatch(text, /whatever/);
  });
});
