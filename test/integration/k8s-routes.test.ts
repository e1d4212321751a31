/**
 * How players, Prometheus and the HPA reach the pods in deploy/k8s as
 * kustomize renders it: each pod's public address and its route through the
 * gateway (the SDK's own URL, routed by the Gateway API's rules), the shared
 * route, the NetworkPolicy against what README.md says it admits, and the
 * monitoring files (ServiceMonitor and its selector label, the
 * prometheus-adapter rule the HPA's metric comes from).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Client } from "@colyseus/sdk";
import { parse as parseYaml, stringify } from "yaml";
import { loadConfig } from "../../src/framework/config/config.js";
import { STRONG_SECRET, getRoutes, read } from "../helpers/deployFacts.js";
import { routeRequest } from "../helpers/gatewayRouting.js";
import {
  MONITORING_DIR,
  exampleSecret,
  labelsMatch,
  podEnv,
  rendered,
  type Rendered,
} from "../helpers/k8sDeploy.js";
import { kubectlKustomize, kustomize, type Obj } from "../helpers/kustomize.js";

/** Both transports take the room id from the last two path segments (@colyseus/ws-transport, uwebsockets-transport). */
const TRANSPORT_PATH = /\/[a-zA-Z0-9_-]+\/([a-zA-Z0-9_-]+)$/;

describe("Kubernetes routes, NetworkPolicy and monitoring (deploy/k8s)", () => {
  let r: Rendered;
  let settings: { publicHost: string; gatewayName: string; gatewayNamespace: string };
  let routes: Obj[];
  let port: number;
  let maxReplicas: number;
  let podLabels: Record<string, string>;
  const podName = (i: number) => `${r.workload.metadata.name}-${i}`;
  const labelsOfPod = (i: number) => ({ ...podLabels, "statefulset.kubernetes.io/pod-name": podName(i) });

  before(() => {
    r = rendered();
    podLabels = r.podLabels;
    settings = parseYaml(read("deploy/k8s/settings.yaml")).data;
    routes = r.all("HTTPRoute");
    port = r.container.ports[0].containerPort;
    maxReplicas = r.one("HorizontalPodAutoscaler", r.workload.metadata.name).spec.maxReplicas;
  });

  it("advertises <publicHost>/pods/<pod> in each pod's seat reservations, and the routes answer for that host", () => {
    const secret = exampleSecret();
    for (let i = 0; i < maxReplicas; i++) {
      const env = podEnv(r, secret, podName(i));
      assert.equal(env.PUBLIC_ADDRESS, `${settings.publicHost}/pods/${podName(i)}`);
      const config = loadConfig({ ...env, JWT_SECRET: STRONG_SECRET, TOTP_ENCRYPTION_KEY: STRONG_SECRET });
      assert.equal(config.publicAddress, env.PUBLIC_ADDRESS);
    }
    assert.ok(routes.length > 0, "no HTTPRoute");
    for (const route of routes) {
      assert.deepEqual(route.spec.hostnames, [settings.publicHost], `${route.metadata.name} hostnames`);
      assert.deepEqual(
        route.spec.parentRefs.map((p: Obj) => [p.kind, p.name, p.namespace]),
        [["Gateway", settings.gatewayName, settings.gatewayNamespace]],
        `${route.metadata.name} parentRefs`,
      );
    }
  });

  it("sends the SDK's WebSocket for a seat on pod N to pod N only, with the path the transport expects", () => {
    for (let i = 0; i < maxReplicas; i++) {
      const publicAddress = podEnv(r, exampleSecret(), podName(i)).PUBLIC_ADDRESS!;
      // The URL the real SDK builds from a seat reservation, as a player on https uses it.
      const client = new Client(`https://${settings.publicHost}`);
      const url = new URL(
        (client as any).buildEndpoint({
          publicAddress,
          processId: `proc${i}`,
          roomId: `room${i}`,
          sessionId: "s",
        }),
      );
      assert.equal(url.protocol, "wss:");
      assert.equal(url.host, settings.publicHost);
      const routed = routeRequest(routes, url.host, url.pathname);
      assert.ok(routed?.backend, `${url.pathname} reaches no backend`);
      assert.equal(routed.path, `/proc${i}/room${i}`);
      assert.equal(TRANSPORT_PATH.exec(routed.path)?.[1], `room${i}`);
      const service = r.one("Service", routed.backend.name);
      assert.equal(routed.backend.port, service.spec.ports[0].port);
      assert.equal(service.spec.ports[0].targetPort, "http");
      for (let j = 0; j < maxReplicas; j++) {
        assert.equal(
          labelsMatch(service.spec.selector, labelsOfPod(j)),
          i === j,
          `Service for pod ${i} vs pod ${j}`,
        );
      }
      assert.equal(service.spec.publishNotReadyAddresses, true, "a not-ready pod still hosts its rooms");
    }
    // A pod the HPA can never create has no route of its own.
    assert.equal(
      routeRequest(routes, settings.publicHost, `/pods/${podName(maxReplicas)}/p/r`)?.route,
      "mxo-server",
    );
  });

  it("sends every other request to any ready pod, and keeps /metrics inside the cluster", () => {
    for (const path of [
      "/matchmake/joinOrCreate/district",
      "/auth/login",
      "/api/v1/admin/districts",
      "/play",
      "/",
    ]) {
      const routed = routeRequest(routes, settings.publicHost, path);
      assert.equal(routed?.path, path);
      const service = r.one("Service", routed!.backend!.name);
      assert.ok(labelsMatch(service.spec.selector, podLabels), `${path}: not every pod`);
      assert.notEqual(service.spec.clusterIP, "None", `${path}: a headless Service balances nothing`);
      assert.notEqual(
        service.spec.publishNotReadyAddresses,
        true,
        `${path}: must skip pods that are not ready`,
      );
    }
    for (const path of [
      "/metrics",
      `/pods/${podName(0)}/metrics`,
      `/pods/${podName(maxReplicas - 1)}/metrics`,
    ]) {
      const routed = routeRequest(routes, settings.publicHost, path);
      assert.ok(routed, `${path} is not routed at all`);
      assert.equal(routed.backend, undefined, `${path} reaches a pod`);
    }
    assert.ok(getRoutes().has("/metrics"));
  });

  it("admits exactly what README.md says: the gateway's namespace and Prometheus, on the game port", () => {
    const policies = r
      .all("NetworkPolicy")
      .filter((p) => labelsMatch(p.spec.podSelector.matchLabels, podLabels));
    assert.equal(policies.length, 1, "one NetworkPolicy selects the pods");
    const spec = policies[0]!.spec;
    assert.deepEqual([...spec.policyTypes].sort(), ["Egress", "Ingress"]);
    const sources: Obj[] = spec.ingress.map((rule: Obj) => {
      assert.equal(rule.from?.length, 1, "one source per rule (none would admit every source)");
      assert.deepEqual(rule.ports, [{ protocol: "TCP", port }], "only the game port");
      return rule.from[0];
    });
    assert.deepEqual(sources, [
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": settings.gatewayNamespace } } },
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
      },
    ]);
    const readme = read("deploy/k8s/README.md");
    const admits = /<!-- networkpolicy-ingress -->\n([\s\S]*?)<!-- \/networkpolicy-ingress -->/.exec(readme);
    assert.ok(admits, "deploy/k8s/README.md has no networkpolicy-ingress section");
    const items = admits[1]!.split(/^- /m).slice(1);
    assert.equal(items.length, sources.length, "the README lists one item per source");
    assert.match(items[0]!, /^the gateway:.*`gatewayNamespace`.*`settings\.yaml`/s);
    assert.ok(
      items[0]!.includes(`\`${settings.gatewayNamespace}\``),
      "the README names the default namespace",
    );
    const prometheus: Obj = spec.ingress[1].from[0];
    assert.match(items[1]!, /^Prometheus:/);
    for (const [k, v] of Object.entries(prometheus.podSelector.matchLabels)) {
      assert.ok(items[1]!.includes(`\`${k}=${v}\``), `the README does not name the label ${k}=${v}`);
    }
    const promNs = prometheus.namespaceSelector.matchLabels["kubernetes.io/metadata.name"];
    assert.ok(items[1]!.includes(`namespace \`${promNs}\``), `the README does not name namespace ${promNs}`);

    const env = podEnv(r, exampleSecret(), podName(0));
    const egressPorts = new Set<number>();
    for (const rule of spec.egress ?? []) {
      assert.ok(rule.ports?.length > 0, "an egress rule without ports allows every port");
      for (const p of rule.ports) egressPorts.add(Number(p.port));
    }
    const dbPort = Number(new URL(env.DATABASE_URL!).port || 5432);
    const redisPort = Number(new URL(env.REDIS_URL!).port || 6379);
    // 4318: the OTLP/HTTP port of the collector the commented OTEL_EXPORTER_OTLP_ENDPOINT names.
    const otlp = /^\s*#\s*OTEL_EXPORTER_OTLP_ENDPOINT:\s*"([^"]+)"/m.exec(read("deploy/k8s/configmap.yaml"));
    assert.ok(otlp, "configmap.yaml shows OTEL_EXPORTER_OTLP_ENDPOINT");
    const otlpPort = Number(new URL(otlp[1]!).port);
    assert.deepEqual(
      [...egressPorts].sort((a, b) => a - b),
      [53, dbPort, redisPort, otlpPort].sort((a, b) => a - b),
    );
  });

  it("scrapes every pod's /metrics with a ServiceMonitor labelled for kube-prometheus-stack", () => {
    const monitors = kustomize(MONITORING_DIR).filter((o) => o.kind === "ServiceMonitor");
    assert.equal(monitors.length, 1);
    const sm = monitors[0]!;
    assert.equal(sm.metadata.labels.release, "kube-prometheus-stack");
    const services = r
      .all("Service")
      .filter((s) => labelsMatch(sm.spec.selector.matchLabels, s.metadata.labels));
    assert.deepEqual(
      services.map((s) => s.metadata.name),
      [r.workload.spec.serviceName],
      "the headless Service: every pod, ready or not, once",
    );
    assert.ok(labelsMatch(services[0]!.spec.selector, podLabels));
    for (const ep of sm.spec.endpoints) {
      assert.equal(ep.path, "/metrics");
      assert.equal(services[0]!.spec.ports.find((p: Obj) => p.name === ep.port)?.targetPort, "http");
    }
  });

  it("changes the ServiceMonitor's selector label with the overlay README.md shows", () => {
    const block = /```yaml\n(# my-monitoring\/kustomization\.yaml\n[\s\S]*?)```/.exec(
      read("deploy/k8s/README.md"),
    );
    assert.ok(block, "deploy/k8s/README.md shows no my-monitoring/kustomization.yaml");
    const overlay = parseYaml(block[1]!);
    const dir = mkdtempSync(join(tmpdir(), "mxo-k8s-overlay-"));
    try {
      overlay.resources = [relative(dir, MONITORING_DIR)];
      writeFileSync(join(dir, "kustomization.yaml"), stringify(overlay));
      const expected = parseYaml(overlay.patches[0].patch)[0].value;
      assert.notEqual(expected, "kube-prometheus-stack");
      for (const objects of [kustomize(dir), kubectlKustomize(dir)]) {
        if (!objects) continue; // no kubectl here
        assert.equal(objects.length, 1);
        assert.equal(objects[0]!.metadata.labels.release, expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ships the prometheus-adapter rule that names the HPA's Pods metric", () => {
    const values = parseYaml(readFileSync(join(MONITORING_DIR, "prometheus-adapter-values.yaml"), "utf8"));
    const rules: Obj[] = values.rules.custom;
    const hpaMetric = r
      .one("HorizontalPodAutoscaler", r.workload.metadata.name)
      .spec.metrics.find((m: Obj) => m.type === "Pods").pods.metric.name;
    const rule = rules.find((x) => new RegExp(x.name.matches).test("mxo_players_online"));
    assert.ok(rule, "no rule matches mxo_players_online");
    assert.equal("mxo_players_online".replace(new RegExp(rule.name.matches), rule.name.as), hpaMetric);
    assert.deepEqual(rule.resources.overrides, {
      namespace: { resource: "namespace" },
      pod: { resource: "pod" },
    });
    assert.match(rule.seriesQuery, /^mxo_players_online\{/);
    for (const field of ["<<.Series>>", "<<.LabelMatchers>>", "<<.GroupBy>>"]) {
      assert.ok(rule.metricsQuery.includes(field), `metricsQuery lacks ${field}`);
    }
    // The queries themselves run against a real Prometheus in prometheus-adapter.test.ts.
  });
});
