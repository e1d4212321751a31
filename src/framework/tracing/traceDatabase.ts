import { context, trace, type Attributes } from "@opentelemetry/api";
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from "@opentelemetry/semantic-conventions";
import { failSpan, type DatabaseTarget } from "./tracing.js";
import { LEGACY_DB, startCommandSpan, truncateStatement } from "./dbAttributes.js";

/** What this needs of a TypeORM DataSource (typed structurally: TypeORM stays in persistence/). */
interface TracedDataSource {
  driver: { createQueryRunner(mode: unknown): QueryRunner };
}
interface QueryRunner {
  query(query: string, parameters?: unknown, useStructuredResult?: boolean): Promise<unknown>;
}

/**
 * A client span per SQL statement, for PostgreSQL (node-postgres) and the
 * embedded PGlite alike: every query TypeORM runs — repositories, query
 * builders, `dataSource.query`, transactions — goes through a query runner's
 * `query`, so each runner the driver makes is wrapped. (OTel's automatic pg
 * instrumentation hooks `require`, which this ESM server does not go through,
 * and knows nothing of PGlite.) Statements carry placeholders, never values.
 * Only queries under a recorded span are traced: the background writes
 * (autosave, heartbeats) would otherwise each start a trace of their own every
 * few seconds, and a trace the sampler left out needs no children.
 */
export function traceDatabase(dataSource: unknown, target: DatabaseTarget): void {
  const driver = (dataSource as TracedDataSource).driver;
  const attributes = baseAttributes(target);
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode: unknown) => {
    const runner = create(mode);
    const query = runner.query.bind(runner);
    runner.query = (text, parameters, structured) => {
      const parent = context.active();
      if (!trace.getSpan(parent)?.isRecording()) return query(text, parameters, structured);
      const operation = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? "QUERY";
      const statement = truncateStatement(text);
      const span = startCommandSpan(
        `${operation} ${attributes[ATTR_DB_NAMESPACE] ?? "postgresql"}`,
        attributes,
        operation,
        statement,
        parent,
      );
      return context
        .with(trace.setSpan(parent, span), () => query(text, parameters, structured))
        .then(
          (result) => {
            span.end();
            return result;
          },
          (err: unknown) => {
            failSpan(span, err);
            span.end();
            throw err;
          },
        );
    };
    return runner;
  };
}

function baseAttributes(target: DatabaseTarget): Attributes {
  const attributes: Attributes = {
    [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
    [LEGACY_DB.system]: "postgresql",
    "mxo.db.embedded": target.embedded,
  };
  if (target.url) {
    const url = new URL(target.url);
    const database = decodeURIComponent(url.pathname.slice(1));
    attributes[ATTR_SERVER_ADDRESS] = url.hostname;
    attributes[ATTR_SERVER_PORT] = Number(url.port || 5432);
    if (database) {
      attributes[ATTR_DB_NAMESPACE] = database;
      attributes[LEGACY_DB.name] = database;
    }
  } else {
    // One database in DATA_DIR: PGlite's own name for it.
    attributes[ATTR_DB_NAMESPACE] = "pglite";
    attributes[LEGACY_DB.name] = "pglite";
  }
  return attributes;
}
