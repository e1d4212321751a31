import type { z } from "zod";
import type { Metrics } from "../metrics/metrics.js";
import type { ApiRouter } from "./api.js";
import { WithStatus } from "./handler.js";
import { HealthBody, ReadyBody } from "./responseSchemas.js";

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** How long one readiness check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * `/health`, `/ready` and `/metrics`: outside the rate limits, since
 * orchestrators and Prometheus poll them.
 */
export function registerProbeRoutes(
  api: ApiRouter,
  deps: { metrics: Metrics; isAccepting(): boolean; readiness: ReadinessCheck[] },
): void {
  api.add(
    {
      method: "get",
      path: "/health",
      summary: "Liveness",
      tag: "probes",
      rateLimited: false,
      response: HealthBody,
    },
    [],
    () => ({ status: "ok" as const }),
  );
  api.add(
    {
      method: "get",
      path: "/ready",
      summary: "Readiness: database, presence, not draining",
      tag: "probes",
      rateLimited: false,
      response: ReadyBody,
      otherAnswers: { 503: { description: "Not ready: what failed", schema: ReadyBody } },
    },
    [],
    async () => {
      const checks: Record<string, string> = {};
      checks.accepting = deps.isAccepting() ? "ok" : "draining";
      await Promise.all(
        deps.readiness.map(async (c) => {
          try {
            await withTimeout(c.check(), CHECK_TIMEOUT_MS);
            checks[c.name] = "ok";
          } catch (err) {
            checks[c.name] = `failed: ${(err as Error).message}`;
          }
        }),
      );
      const ok = Object.values(checks).every((v) => v === "ok");
      const body: z.input<typeof ReadyBody> = { status: ok ? "ok" : "unavailable", checks };
      return ok ? body : new WithStatus(503, body);
    },
  );
  api.add(
    {
      method: "get",
      path: "/metrics",
      summary: "Prometheus metrics",
      tag: "probes",
      rateLimited: false,
      produces: "text/plain",
    },
    [],
    async (_req, res) => {
      res.set("Content-Type", deps.metrics.registry.contentType);
      res.status(200).send(await deps.metrics.registry.metrics());
    },
  );
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (err) => {
        clearTimeout(t);
        reject(err);
      },
    );
  });
}
