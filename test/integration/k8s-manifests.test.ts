/**
 * deploy/k8s as kustomize renders it, checked without a cluster: every object
 * against the Kubernetes API schemas (and the Gateway API and Prometheus
 * Operator CRDs), and the game pods against the code they run (port, probe
 * paths, environment variable names, drain time, metric name). The routes,
 * NetworkPolicy and monitoring are in k8s-routes.test.ts.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError, loadConfig, type Config } from "../../src/framework/config/config.js";
import { STRONG_SECRET, dockerStages, envSchemaKeys, getRoutes, last, read } from "../helpers/deployFacts.js";
import {
  K8S_DIR,
  MONITORING_DIR,
  exampleSecret,
  labelsMatch,
  podEnv,
  rendered,
  secretData,
  type Rendered,
} from "../helpers/k8sDeploy.js";
import { schemaErrors } from "../helpers/k8sSchema.js";
import { byIdentity, kubectlKustomize, kustomize, type Obj } from "../helpers/kustomize.js";

/** Files in deploy/k8s that kustomization.yaml does not list, and why. */
const NOT_IN_KUSTOMIZATION: Record<string, string> = {
  "kustomization.yaml": "itself",
  "secret.example.yaml": "placeholder values; the real Secret is created by hand",
};

/** CPU in cores, memory in bytes. */
function quantity(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q));
  assert.ok(m, `not a quantity: ${q}`);
  const unit = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(m[1]) * (m[2] ? unit[m[2] as keyof typeof unit] : 1);
}

/** Seconds in a preStop hook that only waits (exec sleep N, sh -c "sleep N", or sleep.seconds). */
function preStopSeconds(preStop: Obj | undefined): number {
  if (!preStop) return 0;
  if (preStop.sleep) return Number(preStop.sleep.seconds);
  const command: string[] = preStop.exec?.command ?? [];
  const m = /(?:^|\s|\/)sleep\s+(\d+)\s*$/.exec(command.join(" "));
  assert.ok(m, `preStop is not a plain sleep: ${JSON.stringify(preStop)}`);
  return Number(m[1]);
}

describe("Kubernetes manifests (deploy/k8s)", () => {
  let tmp: string;
  let r: Rendered;
  let all: Rendered["all"];
  let one: Rendered["one"];
  let workload: Obj;
  let pod: Obj;
  let container: Obj;
  let podLabels: Record<string, string>;
  let secret: Obj;
  let env: Record<string, string>;
  let rawEnv: Obj[];
  let config: Config;
  let defaults: Config;
  let containerPort: number;
  let schemaKeys: Set<string>;
  let routes: Set<string>;

  /** The server's configuration for an environment; never writes a secret outside a temp dir. */
  const configFor = (e: Record<string, string>): Config =>
    loadConfig(e.JWT_SECRET === undefined ? { ...e, DATA_DIR: tmp } : e);
  /** A container port given by number or by name, as a number. */
  const portNumber = (p: number | string) =>
    typeof p === "number" ? p : container.ports?.find((cp: Obj) => cp.name === p)?.containerPort;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "mxo-k8s-manifests-"));
    defaults = loadConfig({ DATA_DIR: tmp });
    schemaKeys = envSchemaKeys();
    routes = getRoutes();
    r = rendered();
    ({ all, one, workload, pod, container, podLabels } = r);
    secret = exampleSecret();
    rawEnv = container.env ?? [];
    env = podEnv(r, secret, `${workload.metadata.name}-0`);
    config = configFor({ ...env, JWT_SECRET: STRONG_SECRET, TOTP_ENCRYPTION_KEY: STRONG_SECRET });
    const ports = container.ports ?? [];
    assert.equal(ports.length, 1, "the container declares one port (HTTP and WebSocket share it)");
    containerPort = ports[0].containerPort;
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("renders as kubectl kustomize does (when kubectl is installed)", function () {
    const base = kubectlKustomize(K8S_DIR);
    if (!base) this.skip(); // no kubectl: the renderer alone (test/helpers/kustomize.ts)
    assert.deepEqual(byIdentity(r.objects), byIdentity(base));
    assert.deepEqual(byIdentity(kustomize(MONITORING_DIR)), byIdentity(kubectlKustomize(MONITORING_DIR)!));
  });

  it("validates every rendered object against the API and CRD schemas, with no unknown fields", async () => {
    const failures: string[] = [];
    for (const obj of [...r.objects, ...kustomize(MONITORING_DIR), secret]) {
      const errors = await schemaErrors(obj).catch((err: Error) => [err.message]);
      if (errors.length)
        failures.push(`${obj.apiVersion} ${obj.kind} ${obj.metadata?.name}: ${errors.join("; ")}`);
    }
    assert.deepEqual(failures, []);
    const kinds = new Set([...r.objects, ...kustomize(MONITORING_DIR)].map((o) => o.kind));
    for (const kind of [
      "StatefulSet",
      "HTTPRoute",
      "NetworkPolicy",
      "HorizontalPodAutoscaler",
      "ServiceMonitor",
    ]) {
      assert.ok(kinds.has(kind), `nothing of kind ${kind} was validated`);
    }
  });

  it("has validation that catches a wrong type, a misspelt field and a missing required field", async () => {
    const broken = structuredClone(workload);
    broken.spec.template.spec.containers[0].ports[0].containerPort = "2567";
    const probe = broken.spec.template.spec.containers[0].readinessProbe;
    delete broken.spec.template.spec.containers[0].readinessProbe;
    broken.spec.template.spec.containers[0].readinesProbe = probe;
    const errors = (await schemaErrors(broken)).join("\n");
    assert.match(errors, /containerPort must be integer/);
    assert.match(
      errors,
      /unknown fields: .*\bStatefulSet\.spec\.template\.spec\.containers\[0\]\.readinesProbe\b/,
    );

    const route = structuredClone(all("HTTPRoute").find((o) => o.spec.rules.some((x: Obj) => x.filters))!);
    const rule = route.spec.rules.find((x: Obj) => x.filters);
    delete rule.backendRefs[0].name;
    rule.filters[0].type = "Rewrite";
    rule.timeout = "1h";
    const routeErrors = (await schemaErrors(route)).join("\n");
    assert.match(routeErrors, /backendRefs\/0 must have required property '?name'?/);
    assert.match(routeErrors, /filters\/0\/type must be equal to one of the allowed values/);
    assert.match(routeErrors, /unknown fields: .*\.rules\[\d\]\.timeout\b/);

    const monitor = structuredClone(kustomize(MONITORING_DIR).find((o) => o.kind === "ServiceMonitor")!);
    monitor.spec.endpoints[0].interval = 15;
    assert.match((await schemaErrors(monitor)).join("\n"), /interval must be string/);

    await assert.rejects(schemaErrors({ apiVersion: "v1", kind: "Nonsense", metadata: { name: "x" } }));
  });

  it("renders every file in deploy/k8s but the example Secret; pod-routes.yaml is up to date", () => {
    const listed = (parseYaml(read("deploy/k8s/kustomization.yaml")).resources as string[]).sort();
    const files = readdirSync(K8S_DIR)
      .filter((f) => /\.ya?ml$/.test(f) && !(f in NOT_IN_KUSTOMIZATION))
      .sort();
    assert.deepEqual(listed, files);
    // Exits 1 with "out of date" if maxReplicas or the pod template changed without a regeneration.
    execFileSync(process.execPath, [join(K8S_DIR, "pod-routes.mjs"), "--check"], { stdio: "pipe" });
  });

  it("puts every object in the one namespace", () => {
    const namespaces = all("Namespace");
    assert.equal(namespaces.length, 1, "one Namespace");
    const ns = namespaces[0]!.metadata.name;
    for (const obj of [...r.objects, ...kustomize(MONITORING_DIR), secret]) {
      if (obj.kind === "Namespace") continue;
      assert.equal(obj.metadata?.namespace, ns, `${obj.kind} ${obj.metadata?.name}`);
    }
  });

  it("sets only environment variables the server reads (and helpers it expands)", () => {
    const helpers = new Set(
      rawEnv
        .filter((e) => rawEnv.some((o) => String(o.value ?? "").includes(`$(${e.name})`)))
        .map((e) => e.name),
    );
    const names: string[] = [...rawEnv.map((e) => e.name)];
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) names.push(...Object.keys(one("ConfigMap", from.configMapRef.name).data ?? {}));
      if (from.secretRef) names.push(...Object.keys(secretData(secret)));
    }
    for (const cm of all("ConfigMap")) names.push(...Object.keys(cm.data ?? {}));
    const unknown = names.filter((n) => !schemaKeys.has(n) && !helpers.has(n));
    assert.deepEqual(unknown, [], "names src/framework/config/config.ts does not know");
    for (const h of helpers) assert.ok(!schemaKeys.has(h), `${h} is a config variable, not only a helper`);
  });

  it("configures what several replicas need, and the example Secret cannot run as is", () => {
    assert.equal(config.nodeEnv, "production");
    assert.ok(config.databaseUrl, "DATABASE_URL: the embedded database serves one process only");
    assert.ok(config.redisUrl, "REDIS_URL: presence and matchmaking must be shared");
    assert.throws(
      () => configFor(env),
      (err: unknown) => err instanceof ConfigError && err.variable === "JWT_SECRET",
      "the example JWT_SECRET placeholder must be refused by the server (applied unchanged, it would be public)",
    );
  });

  it("listens on the configured port and probes /health (liveness) and /ready (readiness)", () => {
    assert.equal(containerPort, config.port, "containerPort is not the server's PORT");
    assert.equal(containerPort, defaults.port, "containerPort is not the default PORT");
    const probes: [string, string][] = [
      ["livenessProbe", "/health"],
      ["readinessProbe", "/ready"],
    ];
    if (container.startupProbe) probes.push(["startupProbe", "/health"]);
    for (const [probe, path] of probes) {
      const get = container[probe]?.httpGet;
      assert.ok(get, `${probe} is not an HTTP GET`);
      assert.equal(get.path, path, probe);
      assert.ok(routes.has(get.path), `${probe}: no route ${get.path} in src/framework/http`);
      assert.equal(portNumber(get.port), config.port, `${probe} port`);
    }
  });

  it("has Services that select the pods on the game port, and a headless one for pod DNS", () => {
    const services = all("Service").filter((s) => labelsMatch(s.spec.selector, podLabels));
    assert.ok(services.length > 0, "no Service selects the pods");
    for (const s of services) {
      for (const p of s.spec.ports) {
        assert.equal(portNumber(p.targetPort ?? p.port), config.port, `Service ${s.metadata.name}`);
      }
    }
    assert.ok(labelsMatch(workload.spec.selector.matchLabels, podLabels), "workload selector vs pod labels");
    if (workload.kind === "StatefulSet") {
      const governing = one("Service", workload.spec.serviceName);
      assert.equal(governing.spec.clusterIP, "None", "the StatefulSet's serviceName must be headless");
      assert.ok(
        labelsMatch(governing.spec.selector, podLabels),
        "the headless Service does not select the pods",
      );
    }
  });

  it("gives the drain time to finish: terminationGracePeriodSeconds > preStop + SHUTDOWN_TIMEOUT_SECONDS", () => {
    const preStop = preStopSeconds(container.lifecycle?.preStop);
    assert.ok(preStop > 0, "a preStop sleep lets endpoints update before SIGTERM");
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    for (const drain of [config.shutdownTimeoutSeconds, defaults.shutdownTimeoutSeconds]) {
      assert.ok(grace > preStop + drain, `grace ${grace} s ≤ preStop ${preStop} s + drain ${drain} s`);
    }
  });

  it("runs as a non-root user on a read-only root filesystem with writable emptyDirs for DATA_DIR and /tmp", () => {
    const podSc = pod.securityContext ?? {};
    const sc = container.securityContext ?? {};
    assert.equal(sc.runAsNonRoot ?? podSc.runAsNonRoot, true, "runAsNonRoot");
    assert.equal(sc.readOnlyRootFilesystem, true, "readOnlyRootFilesystem");
    assert.equal(sc.allowPrivilegeEscalation, false, "allowPrivilegeEscalation");
    assert.ok(sc.capabilities?.drop?.includes("ALL"), "capabilities.drop: [ALL]");
    const user = last(dockerStages().at(-1)!, "USER")!.split(":")[0]!;
    const uid = sc.runAsUser ?? podSc.runAsUser;
    if (!/^\d+$/.test(user)) {
      // The kubelet cannot check runAsNonRoot against a user name: it refuses to start the pod.
      assert.ok(Number.isInteger(uid) && uid > 0, `image USER ${user} is a name: set a numeric runAsUser`);
      if (user === "node") assert.equal(uid, 1000, "the node images' node user is uid 1000");
    } else if (uid !== undefined) {
      assert.equal(uid, Number(user));
    }
    for (const path of [config.dataDir, "/tmp"]) {
      const mount = (container.volumeMounts ?? []).find((m: Obj) => m.mountPath === path);
      assert.ok(mount, `nothing writable mounted at ${path}`);
      const volume = (pod.volumes ?? []).find((v: Obj) => v.name === mount.name);
      assert.ok(volume?.emptyDir, `${path} is not an emptyDir`);
      assert.notEqual(mount.readOnly, true, `${path} is mounted read-only`);
    }
  });

  it("sets resource requests and limits (requests ≤ limits)", () => {
    const { requests, limits } = container.resources ?? {};
    for (const res of ["cpu", "memory"]) {
      assert.ok(requests?.[res] !== undefined, `requests.${res}`);
      assert.ok(limits?.[res] !== undefined, `limits.${res}`);
      assert.ok(quantity(requests[res]) <= quantity(limits[res]), `${res}: request above limit`);
    }
  });

  it("autoscales the workload on CPU and on mxo_players_online per pod", () => {
    const hpas = all("HorizontalPodAutoscaler");
    assert.equal(hpas.length, 1);
    const hpa = hpas[0]!.spec;
    assert.deepEqual(
      [hpa.scaleTargetRef.apiVersion, hpa.scaleTargetRef.kind, hpa.scaleTargetRef.name],
      [workload.apiVersion, workload.kind, workload.metadata.name],
    );
    assert.equal(
      workload.spec.replicas,
      undefined,
      "the HPA owns replicas; a fixed count resets it on apply",
    );
    assert.ok(hpa.minReplicas >= 2, "minReplicas < 2: no pod takes players while one drains");
    assert.ok(hpa.maxReplicas >= hpa.minReplicas, "maxReplicas < minReplicas");
    assert.ok(
      hpa.metrics.some((m: Obj) => m.type === "Resource" && m.resource.name === "cpu"),
      "no CPU metric",
    );
    const players = hpa.metrics.find((m: Obj) => m.type === "Pods");
    assert.equal(players?.pods.metric.name, "mxo_players_online");
    assert.equal(players.pods.target.type, "AverageValue");
    assert.ok(quantity(players.pods.target.averageValue) > 0, "averageValue must be positive");
    assert.match(read("src/framework/metrics/metrics.ts"), /name: "mxo_players_online"/);
  });

  it("has a PodDisruptionBudget over the pods that leaves room to drain", () => {
    const pdbs = all("PodDisruptionBudget");
    assert.equal(pdbs.length, 1);
    const pdb = pdbs[0]!.spec;
    assert.ok(labelsMatch(pdb.selector.matchLabels, podLabels), "PDB selector vs pod labels");
    assert.ok(pdb.maxUnavailable !== undefined || pdb.minAvailable !== undefined, "PDB sets no budget");
    if (typeof pdb.minAvailable === "number") {
      const min = all("HorizontalPodAutoscaler")[0]?.spec.minReplicas ?? 1;
      assert.ok(pdb.minAvailable < min, "minAvailable ≥ replicas blocks every voluntary disruption");
    }
  });
});
