import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { PGlite, types, type messages, type Results } from "@electric-sql/pglite";
import { toWire, type Reply, type Request, type WorkerStart } from "./protocol.js";
import { scheduleVacuum } from "./embeddedVacuum.js";
import { SessionArbiter } from "./sessionArbiter.js";

/**
 * The embedded database's thread. PGlite is PostgreSQL compiled to WASM and
 * runs every statement synchronously on the thread that owns it: here, so a
 * slow query (an autosave batch, a backup, `pg_sleep`) stalls this thread and
 * never the game's. One PGlite instance is one PostgreSQL session: PGlite
 * runs statements in the order it is given them, and `SessionArbiter` decides
 * that order so a connection's open transaction sees none of the others'.
 */
if (!parentPort) throw new Error("pgliteWorker.ts runs as a worker thread (see embedded/workerDriver.ts)");
const port: MessagePort = parentPort;
const { dataDir, vacuumEveryMs } = workerData as WorkerStart;
const send = (reply: Reply) => port.postMessage(reply);

// TypeORM sends booleans as true/false or 1/0; PGlite's own serializer wants
// a boolean (what typeorm-pglite, the in-process driver this replaces, did too).
const bool = (v: unknown): string =>
  v === true || v === "true" || v === 1
    ? "TRUE"
    : v === false || v === "false" || v === 0
      ? "FALSE"
      : String(v);

const opening = PGlite.create({ dataDir, serializers: { [types.BOOL]: bool } });
opening.then(
  () => send({ kind: "ready" }),
  (err: unknown) => {
    send({ kind: "failed", error: toWire(err) });
    port.close();
  },
);

/** Queries not yet answered: a close waits for them. */
const inFlight = new Set<Promise<void>>();

/** A statement from the game thread, or one of the worker's own, answered here (`local`). */
type Query = Extract<Request, { kind: "query" }> & {
  local?: (result: Results | undefined, err?: unknown) => void;
};
/** A statement of the worker's own (a released connection's rollback): nobody awaits its answer. */
const OWN = -1;
/** The connection the worker's maintenance statements (vacuum) come from. */
const MAINTENANCE = -2;

const dispatch = (query: Query): void => {
  const work = run(query).finally(() => inFlight.delete(work));
  inFlight.add(work);
};
const arbiter = new SessionArbiter<Query>(dispatch, () =>
  dispatch({ id: OWN, kind: "query", conn: OWN, sql: "ROLLBACK" }),
);

// Through the arbiter, so a vacuum never lands inside a connection's open transaction.
const maintenance = (sql: string) =>
  new Promise<Results>((resolve, reject) =>
    arbiter.submit({
      id: OWN,
      kind: "query",
      conn: MAINTENANCE,
      sql,
      local: (result, err) => (result ? resolve(result) : reject(err as Error)),
    }),
  );
// What a run did goes to the game thread, which logs it (a failed run is retried at the next).
const vacuum = scheduleVacuum(vacuumEveryMs, maintenance, (run) =>
  send(
    "error" in run
      ? { kind: "vacuum", vacuumed: [], failed: [], error: toWire(run.error) }
      : {
          kind: "vacuum",
          vacuumed: run.vacuumed,
          failed: run.failed.map((f) => ({ table: f.table, error: toWire(f.error) })),
        },
  ),
);

port.on("message", (request: Request) => {
  if (request.kind === "close") void close(request.id);
  else if (request.kind === "release") arbiter.release(request.conn);
  else arbiter.submit(request);
});

async function run(request: Query): Promise<void> {
  const { id, sql, params, local } = request;
  const answer = (reply: Reply) => {
    if (id !== OWN) port.postMessage(reply);
  };
  const onNotice = (notice: messages.NoticeMessage) => answer({ kind: "notice", id, notice: toWire(notice) });
  try {
    const db = await opening;
    // Without parameters the text may hold several statements (migrations):
    // exec runs them all and TypeORM expects the last one's result.
    const result: Results =
      params && params.length > 0
        ? await db.query(sql, params, { onNotice })
        : ((await db.exec(sql, { onNotice })).at(-1) ?? { rows: [], fields: [] });
    if (local) return local(result);
    answer({
      kind: "result",
      id,
      result: { rows: result.rows, affectedRows: result.affectedRows, fields: result.fields },
    });
  } catch (err) {
    if (local) return local(undefined, err);
    answer({ kind: "error", id, error: toWire(err) });
  }
}

/** Lets the queries already sent finish, then closes PGlite (which flushes its files) and ends the thread. */
async function close(id: number): Promise<void> {
  vacuum.stop();
  await Promise.allSettled([...inFlight]);
  try {
    await (await opening).close();
    send({ kind: "closed", id });
  } catch (err) {
    send({ kind: "error", id, error: toWire(err) });
  }
  port.close();
}
