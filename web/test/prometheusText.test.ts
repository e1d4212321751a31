import assert from "node:assert/strict";
import { parsePrometheusText, sumBy } from "../src/admin/prometheusText.js";

describe("parsePrometheusText (admin console charts)", () => {
  const text = [
    "# HELP mxo_players_online Players in play",
    "# TYPE mxo_players_online gauge",
    'mxo_players_online{district="richland",organization="zion"} 3',
    'mxo_players_online{district="richland",organization="machines"} 2',
    'mxo_players_online{district="westview",organization="zion"} 1',
    'mxo_tick_duration_seconds_bucket{district="richland",le="+Inf"} 40',
    'mxo_tick_duration_seconds_sum{district="richland"} 0.021',
    'odd{msg="a \\"quoted\\", back\\\\slash\\nline"} NaN',
    "process_cpu_seconds_total 1.5e+1 1700000000000",
    "",
  ].join("\n");

  it("reads names, labels (with escapes) and values; skips comments", () => {
    const samples = parsePrometheusText(text);
    assert.equal(samples.length, 7);
    assert.deepEqual(samples[0], {
      name: "mxo_players_online",
      labels: { district: "richland", organization: "zion" },
      value: 3,
    });
    assert.equal(samples[3]!.value, 40);
    assert.equal(samples[3]!.labels.le, "+Inf");
    assert.equal(samples[5]!.labels.msg, 'a "quoted", back\\slash\nline');
    assert.ok(Number.isNaN(samples[5]!.value));
    assert.equal(samples[6]!.value, 15);
  });

  it("sums a metric by one label", () => {
    assert.deepEqual(
      [...sumBy(parsePrometheusText(text), "mxo_players_online", "district")],
      [
        ["richland", 5],
        ["westview", 1],
      ],
    );
  });
});
