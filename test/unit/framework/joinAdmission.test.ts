import assert from "node:assert/strict";
import { JoinAdmission, JoinQueueFullError } from "../../../src/framework/zone/JoinAdmission.js";
import { Metrics } from "../../../src/framework/metrics/metrics.js";
import { createLogger } from "../../../src/framework/util/logger.js";

const gaugeOf = async (m: Metrics) => (await m.joinQueue.get()).values[0]?.value;
const settled = () => new Promise((r) => setImmediate(r));

/** The gate itself, with a real clock: 2 per tick at 20 Hz, at most 3 waiting. */
describe("join admission gate (src/framework/zone/JoinAdmission.ts)", () => {
  it("starts at most perTick joins per tick interval, the rest in arrival order; past queueMax refuses at once", async () => {
    const metrics = new Metrics();
    const gate = new JoinAdmission(
      { perTick: 2, queueMax: 3, tickRate: 20 },
      metrics,
      createLogger("silent"),
    );
    const order: string[] = [];
    const admitted = ["a", "b", "c", "d", "e"].map((n) =>
      gate.admit(n, () => false).then(() => order.push(n)),
    );
    await settled();
    assert.deepEqual(order, ["a", "b"], "two start at once");
    assert.equal(gate.waiting, 3);
    assert.equal(await gaugeOf(metrics), 3);

    const refused = await gate
      .admit("f", () => false)
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    assert.ok(refused instanceof JoinQueueFullError);
    assert.equal(refused.status, 503);
    // Three waiting at 40 a second drain within a second.
    assert.equal(refused.message, "server busy: join queue full, retry in 1 s");

    await Promise.all(admitted);
    assert.deepEqual(order, ["a", "b", "c", "d", "e"], "FIFO");
    assert.equal(await gaugeOf(metrics), 0);
    const waits = (await metrics.joinAdmissionWait.get()).values;
    assert.equal(waits.find((v) => v.metricName?.endsWith("_count"))?.value, 5);
    assert.equal(
      waits.find((v) => v.labels.le === 0.001)?.value,
      2,
      "only the two started at once waited under 1 ms",
    );
  });

  it("a client gone while queued takes no slot and is refused", async () => {
    const gate = new JoinAdmission(
      { perTick: 2, queueMax: 10, tickRate: 20 },
      new Metrics(),
      createLogger("silent"),
    );
    await Promise.all([gate.admit("a", () => false), gate.admit("b", () => false)]);
    const gone = gate.admit("gone", () => true).catch((err: Error) => `refused: ${err.message}`);
    const second = gate.admit("second", () => false);
    // Had "gone" taken a slot, "third" would still be waiting for the next tick when "second" is let in.
    const waitingWhenSecondStarted = second.then(() => gate.waiting);
    const third = gate.admit("third", () => false);
    assert.equal(gate.waiting, 3);
    assert.equal(await gone, "refused: left while queued");
    assert.equal(await waitingWhenSecondStarted, 0);
    await third;
  });

  it("a busy event loop that fires the timer late does not lower the admission rate", async () => {
    const gate = new JoinAdmission(
      { perTick: 2, queueMax: 50, tickRate: 20 },
      new Metrics(),
      createLogger("silent"),
    );
    let started = 0;
    const all = Array.from({ length: 12 }, (_, i) => gate.admit(`j${i}`, () => false).then(() => started++));
    await settled();
    assert.equal(started, 2, "the first tick's two start at once");
    // The loop is busy for three tick intervals (a long patch): the timer fires once, late.
    const until = performance.now() + 150;
    while (performance.now() < until);
    await new Promise((r) => setTimeout(r, 0));
    // Per firing the gate let in 2; by time it owes 6, of which it carries at most two intervals' worth.
    assert.equal(started, 2 + 4, "the late firing admits the intervals it missed, up to two");
    await Promise.all(all);
  });
});
