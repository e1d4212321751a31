import assert from "node:assert/strict";
import { joinPhases, MATCHMAKE_SPAN, PHASES } from "../../../bench/lib/joinPhases.js";
import type { ReceivedSpan } from "../../helpers/otlpReceiver.js";

const span = (traceId: string, name: string, startMs: number, endMs: number): ReceivedSpan => ({
  traceId,
  spanId: `${traceId}-${name}`,
  parentSpanId: "",
  name,
  kind: 1,
  attributes: {},
  status: {},
  resource: {},
  startMs,
  endMs,
});

/** A join trace as a server exports it, shifted by `at` and with `admission` ms queued. */
const joinTrace = (id: string, at: number, admission: number) => [
  span(id, MATCHMAKE_SPAN, at, at + 10),
  span(id, "zone.join", at + 14, at + 14 + admission + 9),
  span(id, "zone.admission", at + 14, at + 14 + admission),
  span(id, "character.lease", at + 14 + admission, at + 16 + admission),
  span(id, "character.load", at + 16 + admission, at + 21 + admission),
  span(id, "zone.first_state", at + 23 + admission, at + 30 + admission),
  span(id, "SELECT", at + 17 + admission, at + 20 + admission),
];

describe("bench: where a join's time goes (bench/lib/joinPhases.ts)", () => {
  it("slices each complete join trace into phases that add up to its total", () => {
    const spans = [
      ...joinTrace("a", 1000, 0),
      ...joinTrace("b", 2000, 100),
      // A join still in flight (no first state yet) and another trace's request alone: not joins.
      ...joinTrace("c", 3000, 5).filter((s) => s.name !== "zone.first_state"),
      span("d", MATCHMAKE_SPAN, 4000, 4010),
    ];
    const jp = joinPhases(spans);
    assert.equal(jp.joins, 2);
    const of = (phase: string) => jp.phases.find((p) => p.phase === phase)!;
    assert.deepEqual(
      PHASES.map((p) => of(p).p50),
      [10, 4, 0, 2, 5, 2, 7],
    );
    assert.equal(of("admission").p99, 100);
    assert.equal(of("admission").mean, 50);
    assert.equal(of("total").p99, 130);
    const sum = PHASES.reduce((t, p) => t + of(p).mean, 0);
    assert.equal(sum, of("total").mean);
  });
});
