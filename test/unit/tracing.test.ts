import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../src/framework/config/config.js";
import { TokenSigner, travelTraceparent } from "../../src/framework/auth/tokens.js";
import { redisStatement } from "../../src/framework/tracing/traceRedis.js";
import { truncateStatement } from "../../src/framework/tracing/dbAttributes.js";

const BASE = { JWT_SECRET: "x".repeat(40), DATA_DIR: "/nonexistent-mxo-test" };
const tracing = (env: Record<string, string>) => loadConfig({ ...BASE, ...env }).tracing;

function refuses(env: Record<string, string>, variable: string): void {
  assert.throws(
    () => loadConfig({ ...BASE, ...env }),
    (err: unknown) => err instanceof ConfigError && err.variable === variable,
    `${JSON.stringify(env)} names ${variable}`,
  );
}

describe("tracing configuration (the OTEL_* variables)", () => {
  it("is off without an OTLP endpoint", () => {
    assert.equal(tracing({}), undefined);
    assert.equal(tracing({ OTEL_SERVICE_NAME: "x", OTEL_TRACES_SAMPLER: "always_on" }), undefined);
  });

  it("posts to <endpoint>/v1/traces over http/protobuf by default, as the spec says", () => {
    assert.deepEqual(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318" }), {
      tracesUrl: "http://jaeger:4318/v1/traces",
      protocol: "http/protobuf",
      serviceName: undefined,
    });
    assert.equal(
      tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example/otlp/" })?.tracesUrl,
      "https://collector.example/otlp/v1/traces",
    );
  });

  it("takes the traces endpoint and protocol as given, before the generic ones", () => {
    const t = tracing({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b:4318/custom/traces",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "mxo-eu-1",
    });
    assert.deepEqual(t, {
      tracesUrl: "http://b:4318/custom/traces",
      protocol: "http/json",
      serviceName: "mxo-eu-1",
    });
  });

  it("is off when the spec's switches say so", () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318" };
    assert.equal(tracing({ ...on, OTEL_SDK_DISABLED: "true" }), undefined);
    assert.equal(tracing({ ...on, OTEL_TRACES_EXPORTER: "none" }), undefined);
    assert.ok(tracing({ ...on, OTEL_SDK_DISABLED: "false", OTEL_TRACES_EXPORTER: "otlp" }));
  });

  it("refuses what it cannot honour with the variable's name", () => {
    refuses({ OTEL_EXPORTER_OTLP_ENDPOINT: "jaeger:4318" }, "OTEL_EXPORTER_OTLP_ENDPOINT");
    refuses(
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "grpc://jaeger:4317" },
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    );
    refuses({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "OTEL_EXPORTER_OTLP_PROTOCOL");
    refuses({ OTEL_TRACES_EXPORTER: "zipkin" }, "OTEL_TRACES_EXPORTER");
    refuses({ OTEL_TRACES_SAMPLER: "sometimes" }, "OTEL_TRACES_SAMPLER");
    refuses({ OTEL_TRACES_SAMPLER_ARG: "1.5" }, "OTEL_TRACES_SAMPLER_ARG");
    refuses({ OTEL_SDK_DISABLED: "perhaps" }, "OTEL_SDK_DISABLED");
    assert.doesNotThrow(() => loadConfig({ ...BASE, OTEL_TRACES_SAMPLER: "parentbased_traceidratio" }));
    assert.doesNotThrow(() => loadConfig({ ...BASE, OTEL_TRACES_SAMPLER_ARG: "0.25" }));
  });
});

describe("travel tickets carry the travel's trace", () => {
  const signer = new TokenSigner("s".repeat(48), 900);
  const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  it("signs the traceparent in and reads it back, verified or not", () => {
    const ticket = signer.signTravel({ sub: "a", sid: "s", characterId: "c", traceparent });
    assert.equal(signer.verifyTravel(ticket)?.traceparent, traceparent);
    assert.equal(travelTraceparent(ticket), traceparent);
  });

  it("has none without a trace, and an access token is no ticket", () => {
    const ticket = signer.signTravel({ sub: "a", sid: "s", characterId: "c" });
    assert.equal(signer.verifyTravel(ticket)?.traceparent, undefined);
    assert.equal(travelTraceparent(ticket), undefined);
    const access = signer.signAccess({ sub: "a", sid: "s", ver: 1, roles: [] });
    assert.equal(travelTraceparent(access), undefined);
    assert.equal(travelTraceparent("not a token"), undefined);
  });
});

describe("span statements", () => {
  it("keep a Redis command and its key, never its values", () => {
    assert.equal(
      redisStatement("SET", ["mxo:lease:c1", "owner/session", "EX", 30, "NX"]),
      "SET mxo:lease:c1 ? ? ? ?",
    );
    assert.equal(redisStatement("PUBLISH", ["mxo:chat", '{"text":"secret"}']), "PUBLISH mxo:chat ?");
    assert.equal(redisStatement("PING", []), "PING");
    assert.equal(redisStatement("GET", [Buffer.from("k")]), "GET ?");
  });

  it("cut SQL past 2 KiB", () => {
    assert.equal(truncateStatement("SELECT 1"), "SELECT 1");
    const long = "SELECT " + "x, ".repeat(2000) + "1";
    const cut = truncateStatement(long);
    assert.equal(cut.length, 2049);
    assert.ok(cut.endsWith("…"));
  });
});
