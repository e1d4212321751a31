/**
 * Autoscaling on players, end to end but for the cluster: two server
 * processes (PostgreSQL and Redis, as in production), a real Prometheus
 * scraping both with the namespace and pod labels a Kubernetes scrape adds, and
 * the prometheus-adapter rule shipped in deploy/k8s/monitoring run as the
 * adapter runs it: its seriesQuery to discover the series, its metricsQuery
 * rendered for a pods request. Each pod's player count must come back: 0
 * before anyone joins, then exactly the players on the pod that holds them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Room } from "@colyseus/sdk";
import { parse as parseYaml } from "yaml";
import { http, joinDistrict, newPlayer, waitFor } from "../helpers/api.js";
import { ADMIN, processIdOf, startCluster, type TestCluster } from "../helpers/cluster.js";
import { MONITORING_DIR, rendered } from "../helpers/k8sDeploy.js";
import type { Obj } from "../helpers/kustomize.js";
import { prometheusBinary, startPrometheus, type PrometheusHandle } from "../helpers/prometheus.js";

const NAMESPACE = "mxo";
const PODS = ["mxo-server-0", "mxo-server-1"];
const PLAYERS = 3;

/**
 * The metricsQuery as prometheus-adapter renders it for a pods request
 * (pkg/naming/metrics_query.go, Build): the namespace matcher, then the pod
 * matcher (= for one pod, =~ with the names joined by | for several), and the
 * group-by on the pod label.
 */
function renderMetricsQuery(template: string, series: string, pods: string[]): string {
  const podMatcher = pods.length > 1 ? `pod=~"${pods.join("|")}"` : `pod="${pods[0]}"`;
  const query = template
    .replaceAll("<<.Series>>", series)
    .replaceAll("<<.LabelMatchers>>", `namespace="${NAMESPACE}",${podMatcher}`)
    .replaceAll("<<.GroupBy>>", "pod");
  assert.ok(!query.includes("<<"), `a template field this test does not render: ${query}`);
  return query;
}

describe("prometheus-adapter rule against a real Prometheus scraping two servers", function () {
  this.timeout(180_000);
  const binary = prometheusBinary();
  let cluster: TestCluster;
  let prometheus: PrometheusHandle;
  let rule: Obj;
  let hpaMetric: string;
  let startedAt: number;
  const rooms: Room<any>[] = [];

  before(async function () {
    if (!binary) {
      console.warn(
        "    prometheus-adapter test skipped: no prometheus binary on the PATH (apt-get install prometheus)",
      );
      this.skip();
    }
    const values = parseYaml(readFileSync(join(MONITORING_DIR, "prometheus-adapter-values.yaml"), "utf8"));
    rule = values.rules.custom.find((r: Obj) => new RegExp(r.name.matches).test("mxo_players_online"));
    assert.ok(rule, "no adapter rule for mxo_players_online");
    const r = rendered();
    hpaMetric = r
      .one("HorizontalPodAutoscaler", r.workload.metadata.name)
      .spec.metrics.find((m: Obj) => m.type === "Pods").pods.metric.name;
    cluster = await startCluster(2);
    startedAt = Date.now();
    prometheus = await startPrometheus(
      binary!,
      cluster.servers.map((s, i) => ({
        address: `127.0.0.1:${s.port}`,
        labels: { namespace: NAMESPACE, pod: PODS[i]! },
      })),
    );
  });

  after(async () => {
    await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
    await prometheus?.stop();
    await cluster?.cleanup();
  });

  /** The adapter's answer for `pods`: pod → value, from the rendered metricsQuery. */
  async function playersPerPod(pods: string[]): Promise<Map<string, number>> {
    const data = await prometheus.api("query", {
      query: renderMetricsQuery(rule.metricsQuery, "mxo_players_online", pods),
    });
    assert.equal(data.resultType, "vector");
    return new Map(data.result.map((s: Obj) => [s.metric.pod, Number(s.value[1])]));
  }

  it("discovers one mxo_players_online series set per pod, under the HPA's metric name, before anyone joins", async () => {
    const series: Obj[] = await waitFor(
      async () => {
        const found: Obj[] = await prometheus.api("series", { "match[]": rule.seriesQuery });
        return new Set(found.map((s) => s.pod)).size === PODS.length && found;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: "both pods' series in Prometheus" },
    );
    const firstSampleMs = Date.now() - startedAt;
    for (const s of series) {
      assert.equal(s.namespace, NAMESPACE);
      assert.ok(PODS.includes(s.pod), `unexpected pod ${s.pod}`);
      // The name the adapter exposes: the rule's matches/as applied to the series name.
      assert.equal(s.__name__.replace(new RegExp(rule.name.matches), rule.name.as), hpaMetric);
    }
    if (process.env.MXO_TEST_FIGURES)
      console.log(`      first sample of both pods ${firstSampleMs} ms after Prometheus was started`);
  });

  it("answers 0 players for each pod before anyone joins", async () => {
    const counts = await playersPerPod(PODS);
    assert.deepEqual(Object.fromEntries(counts), { [PODS[0]!]: 0, [PODS[1]!]: 0 });
  });

  it("answers exactly the players on the pod that holds them, and 0 for the other", async () => {
    const server = cluster.servers[0]!;
    for (let i = 0; i < PLAYERS; i++) {
      const player = await newPlayer(server.http);
      rooms.push((await joinDistrict(server.ws, player, "richland")).room);
    }
    const joinedAt = Date.now();
    // One district room holds them all; matchmaking chose the process that hosts it.
    const token = (await http(server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
    const listed: Obj[] = (await http(server.http, "GET", "/api/v1/admin/districts", { token })).body;
    const room = listed.find((x) => x.roomId === rooms[0]!.roomId);
    assert.ok(room, "the players' room is not listed");
    assert.ok(
      rooms.every((r) => r.roomId === room.roomId),
      "the players are in one room",
    );
    const host = cluster.servers.findIndex((s) => processIdOf(s) === room.processId);
    assert.ok(host >= 0, `no server has processId ${room.processId}`);
    const expected = { [PODS[host]!]: PLAYERS, [PODS[1 - host]!]: 0 };

    const counts = await waitFor(
      async () => {
        const c = Object.fromEntries(await playersPerPod(PODS));
        return c[PODS[host]!] === PLAYERS && c;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `${PLAYERS} players on ${PODS[host]} in Prometheus` },
    );
    assert.deepEqual(counts, expected);
    // A single pod's request renders pod="…" instead of a regular expression.
    assert.deepEqual(Object.fromEntries(await playersPerPod([PODS[host]!])), { [PODS[host]!]: PLAYERS });
    if (process.env.MXO_TEST_FIGURES) {
      console.log(`      ${JSON.stringify(counts)} seen ${Date.now() - joinedAt} ms after the last join`);
    }
  });

  it("goes back to 0, not to no data, when the players leave (so the HPA can scale down)", async () => {
    await Promise.all(rooms.splice(0).map((room) => room.leave()));
    const counts = await waitFor(
      async () => {
        const c = Object.fromEntries(await playersPerPod(PODS));
        return Object.values(c).every((v) => v === 0) && Object.keys(c).length === PODS.length && c;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: "0 players on both pods in Prometheus" },
    );
    assert.deepEqual(counts, { [PODS[0]!]: 0, [PODS[1]!]: 0 });
  });
});
