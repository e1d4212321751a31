/**
 * deploy/k8s as a cluster receives it: the kustomization rendered, the game
 * workload found in it, and the environment one of its pods starts with.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ROOT, dockerEnv, dockerStages } from "./deployFacts.js";
import { kustomize, type Obj } from "./kustomize.js";

export const K8S_DIR = join(ROOT, "deploy/k8s");
export const MONITORING_DIR = join(K8S_DIR, "monitoring");

export interface Rendered {
  objects: Obj[];
  all(kind: string): Obj[];
  one(kind: string, name: string): Obj;
  /** The one StatefulSet (or Deployment) running the game, its pod spec and container. */
  workload: Obj;
  pod: Obj;
  container: Obj;
  podLabels: Record<string, string>;
}

export function rendered(dir = K8S_DIR): Rendered {
  const objects = kustomize(dir);
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const one = (kind: string, name: string) => {
    const found = all(kind).filter((o) => o.metadata?.name === name);
    assert.equal(found.length, 1, `expected one ${kind} ${name}, found ${found.length}`);
    return found[0]!;
  };
  const workloads = [...all("StatefulSet"), ...all("Deployment")];
  assert.equal(workloads.length, 1, "one StatefulSet or Deployment");
  const workload = workloads[0]!;
  const pod = workload.spec.template.spec;
  assert.equal(pod.containers.length, 1, "one container");
  return {
    objects,
    all,
    one,
    workload,
    pod,
    container: pod.containers[0]!,
    podLabels: workload.spec.template.metadata.labels,
  };
}

/** The example Secret (not rendered: it is created by hand), as the pods would see its keys. */
export function exampleSecret(): Obj {
  return parseYaml(readFileSync(join(K8S_DIR, "secret.example.yaml"), "utf8"));
}

export function secretData(secret: Obj): Record<string, string> {
  const data = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), "base64").toString()]),
  );
  return { ...data, ...secret.stringData };
}

/**
 * The environment the server sees in pod `podName`, as the kubelet builds it:
 * the image's ENV, then envFrom, then env in order with $(VAR) expansion.
 */
export function podEnv(r: Rendered, secret: Obj, podName: string): Record<string, string> {
  const secretOf = (name: string) => {
    assert.equal(
      secret.metadata.name,
      name,
      `the pods read Secret ${name}, the example is ${secret.metadata.name}`,
    );
    return secretData(secret);
  };
  const env: Record<string, string> = { ...dockerEnv(dockerStages().at(-1)!) };
  for (const from of r.container.envFrom ?? []) {
    assert.equal(from.prefix, undefined, "envFrom with a prefix renames the variables");
    if (from.configMapRef) Object.assign(env, r.one("ConfigMap", from.configMapRef.name).data);
    if (from.secretRef) Object.assign(env, secretOf(from.secretRef.name));
  }
  const field: Record<string, string> = {
    "metadata.name": podName,
    "metadata.namespace": r.workload.metadata.namespace,
    "status.podIP": "10.1.2.3",
  };
  for (const e of r.container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = String(e.value).replace(/\$\((\w+)\)/g, (whole, n: string) => env[n] ?? whole);
    } else if (e.valueFrom?.fieldRef) {
      const value = field[e.valueFrom.fieldRef.fieldPath];
      assert.ok(value, `unsupported fieldRef ${e.valueFrom.fieldRef.fieldPath}`);
      env[e.name] = value;
    } else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      const value = r.one("ConfigMap", ref.name).data?.[ref.key];
      assert.ok(value !== undefined, `ConfigMap ${ref.name} has no key ${ref.key}`);
      env[e.name] = value;
    } else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      env[e.name] = secretOf(ref.name)[ref.key]!;
    }
  }
  return env;
}

export function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}
