import { hostname } from "node:os";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace-node";
import {
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from "@opentelemetry/semantic-conventions";
import type { TracingConfig } from "../config/config.js";
import { traceDatabase } from "./traceDatabase.js";
import { traceHttpRequests, traceRouter } from "./traceHttp.js";
import { traceRedis } from "./traceRedis.js";
import { traceSendFullState } from "./traceSendFullState.js";
import type { Instrumentation } from "./tracing.js";

/**
 * The SDK, loaded only when tracing is on (see tracing.ts): a tracer provider
 * with the async-hooks context manager (a span stays current across awaits),
 * W3C trace-context propagation, batched OTLP export over HTTP. Sampling,
 * batching, limits, headers and resource attributes follow the OTEL_*
 * variables, which the SDK reads itself (OTEL_TRACES_SAMPLER, OTEL_BSP_*,
 * OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES…).
 */
export async function startSdk(
  config: TracingConfig,
  service: { name: string; version: string },
): Promise<{ instrumentation: Instrumentation; shutdown(): Promise<void> }> {
  // Ours are defaults: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over them.
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: service.name,
        [ATTR_SERVICE_VERSION]: service.version,
        // Tells processes apart in a trace that crosses them (travel).
        [ATTR_SERVICE_INSTANCE_ID]: `${hostname()}:${process.pid}`,
      }),
    )
    .merge(detectResources({ detectors: [hostDetector, processDetector, envDetector] }))
    .merge(config.serviceName ? resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }) : null);

  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(await exporter(config))],
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager() });

  return {
    instrumentation: {
      database: traceDatabase,
      redis: traceRedis,
      http: traceHttpRequests,
      router: traceRouter,
      sendFullState: traceSendFullState,
    },
    shutdown: () => provider.shutdown(),
  };
}

/** The spec's default is protobuf; JSON is there for receivers that want it (and for reading the export in tests). */
async function exporter(config: TracingConfig): Promise<SpanExporter> {
  if (config.protocol === "http/json") {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    return new OTLPTraceExporter({ url: config.tracesUrl });
  }
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
  return new OTLPTraceExporter({ url: config.tracesUrl });
}
