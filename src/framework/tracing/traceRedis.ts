import { context, trace } from "@opentelemetry/api";
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from "@opentelemetry/semantic-conventions";
import { LEGACY_DB, startCommandSpan } from "./dbAttributes.js";
import { failSpan } from "./tracing.js";

/** What this needs of an ioredis client and its commands. */
interface TracedClient {
  sendCommand(command: RedisCommand, stream?: unknown): unknown;
}
interface RedisCommand {
  name: string;
  args: unknown[];
  promise: Promise<unknown>;
}

/**
 * A client span per Redis command sent through this ioredis client (the
 * process's shared connection: matchmaking driver, presence publishes,
 * leases, rate limits), wrapping `sendCommand` as OTel's ioredis
 * instrumentation does — which hooks `require` and so never sees this ESM
 * server. The statement keeps the command and its key; values (chat lines,
 * tokens) become `?`. Only commands under a recorded span are traced:
 * presence and lease renewals tick every few seconds and would each start a
 * trace, and a trace the sampler left out needs no children.
 */
export function traceRedis(client: unknown, url: string): void {
  const redis = client as TracedClient;
  const parsed = new URL(url);
  const index = Number(parsed.pathname.slice(1) || 0);
  const attributes = {
    [ATTR_DB_SYSTEM_NAME]: "redis",
    [LEGACY_DB.system]: "redis",
    [ATTR_SERVER_ADDRESS]: parsed.hostname,
    [ATTR_SERVER_PORT]: Number(parsed.port || 6379),
    [ATTR_DB_NAMESPACE]: String(index),
    [LEGACY_DB.redisDatabaseIndex]: index,
  };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, stream) => {
    const parent = context.active();
    if (!trace.getSpan(parent)?.isRecording()) return send(command, stream);
    const operation = command.name.toUpperCase();
    const statement = redisStatement(operation, command.args);
    const span = startCommandSpan(operation, attributes, operation, statement, parent);
    command.promise.then(
      () => span.end(),
      (err: unknown) => {
        failSpan(span, err);
        span.end();
      },
    );
    return send(command, stream);
  };
}

/** `SET mxo:lease:… ? ?`: the command and its first argument (the key, or a script's sha), the rest hidden. */
export function redisStatement(operation: string, args: readonly unknown[]): string {
  const [first, ...rest] = args;
  const key = typeof first === "string" ? first : first === undefined ? "" : "?";
  return [operation, key, ...rest.map(() => "?")].filter(Boolean).join(" ");
}
