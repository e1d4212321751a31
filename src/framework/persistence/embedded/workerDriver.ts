import { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import { messages } from "@electric-sql/pglite";
import {
  PG_FIELDS,
  type QueryResult,
  type Reply,
  type VacuumReply,
  type WireError,
  type WorkerStart,
} from "./protocol.js";

type Callback = (err: Error | null, result?: QueryResult) => void;
type Done = (err?: unknown) => void;
export type ConnectCallback = (err: Error | null, client: EmbeddedClient | null, done: Done) => void;

/** How long a close waits for PGlite to flush before the thread is stopped anyway. */
const CLOSE_GRACE_MS = 15_000;

/**
 * The node-postgres shape TypeORM's postgres driver uses (`Pool`, `connect`,
 * `query`, `end`), backed by PGlite in a worker thread (`pgliteWorker.ts`):
 * the game thread only posts a statement and later reads the answer. The
 * worker holds the one PostgreSQL session and keeps each connection's
 * transaction apart (`sessionArbiter.ts`), so statements outside a
 * transaction are in flight together rather than one per round trip.
 */
export function embeddedDriver(
  dataDir: string,
  options: EmbeddedOptions,
): { Pool: new (options?: unknown) => EmbeddedPool } {
  return {
    Pool: class extends EmbeddedPool {
      constructor() {
        super(dataDir, options);
      }
    },
  };
}

export interface EmbeddedOptions {
  /** How often the worker vacuums tables with many dead rows (PGlite has no autovacuum); 0: never. */
  vacuumEverySeconds: number;
  /** Told of each vacuum run that vacuumed or failed anything (the worker has no logger of its own). */
  onVacuum?: (report: VacuumReport) => void;
}

/** A vacuum run, as the game thread hears of it: `error` when the run itself failed. */
export interface VacuumReport {
  vacuumed: string[];
  failed: { table: string; error: Error }[];
  error?: Error;
}

/** A statement's failure because the worker is gone: isServiceFault reads "Connection terminated". */
function terminated(why: string): Error {
  return Object.assign(new Error(`Connection terminated: the embedded database's worker ${why}`), {
    code: "57P01",
  });
}

/** PostgreSQL's error as PGlite threw it in the worker (a pg-protocol DatabaseError), or a JavaScript error. */
function fromWire(wire: WireError): Error {
  const err = wire.database
    ? new messages.DatabaseError(wire.message, wire.database.length, "error")
    : Object.assign(new Error(wire.message), { name: wire.name });
  const target = err as unknown as Record<string, unknown>;
  for (const field of PG_FIELDS) if (wire[field] !== undefined) target[field] = wire[field];
  return err;
}

function fromWireVacuum(reply: VacuumReply): VacuumReport {
  return {
    vacuumed: reply.vacuumed,
    failed: reply.failed.map((f) => ({ table: f.table, error: fromWire(f.error) })),
    ...(reply.error ? { error: fromWire(reply.error) } : {}),
  };
}

/** One worker: one PGlite, one session. Replaced if it dies; never reused once closed. */
class Session {
  readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: QueryResult) => void; reject: Callback }>();
  private nextId = 1;
  private closing?: Promise<void>;
  alive = true;
  readonly ready: Promise<void>;
  readonly clients = new Set<EmbeddedClient>();

  constructor(
    dataDir: string,
    options: EmbeddedOptions,
    private readonly onDeath: (session: Session, err: Error) => void,
  ) {
    this.worker = startWorker({ dataDir, vacuumEveryMs: options.vacuumEverySeconds * 1000 });
    // Referenced while it opens (a caller awaits that) and while an answer is awaited; idle, unreferenced.
    let opened!: () => void;
    let failed!: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => ((opened = resolve), (failed = reject)));
    this.ready.catch(() => {});
    this.worker.on("message", (reply: Reply) => {
      if (reply.kind === "ready") {
        opened();
        if (this.pending.size === 0) this.worker.unref();
      } else if (reply.kind === "failed") failed(fromWire(reply.error));
      else if (reply.kind === "notice") this.notice(reply.id, reply.notice);
      else if (reply.kind === "vacuum") options.onVacuum?.(fromWireVacuum(reply));
      else this.settle(reply);
    });
    this.worker.on("error", (err) => this.die(terminated(`failed: ${err.message}`), failed));
    this.worker.on("exit", (code) => this.die(terminated(`exited (code ${code})`), failed));
  }

  query(conn: number, sql: string, params: unknown[] | undefined): Promise<QueryResult> {
    if (!this.alive || this.closing) return Promise.reject(terminated("is closed"));
    const id = this.nextId++;
    return new Promise<QueryResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // An answer is awaited: the process must not exit under it.
      if (this.pending.size === 1) this.worker.ref();
      try {
        this.worker.postMessage({ id, kind: "query", conn, sql, params });
      } catch (err) {
        // A parameter that cannot be cloned (a function, a class with private state).
        this.take(id);
        reject(err as Error);
      }
    });
  }

  /** `conn` was given back: the worker rolls back a transaction it left open. */
  release(conn: number): void {
    if (this.alive && !this.closing) this.worker.postMessage({ kind: "release", conn });
  }

  /** Asks the worker to finish what it was sent, close PGlite (flushing it) and end. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      if (!this.alive) return resolve();
      const id = this.nextId++;
      const timer = setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS);
      const exited = new Promise<void>((r) => this.worker.once("exit", () => r()));
      this.pending.set(id, {
        resolve: () => void exited.then(resolve),
        reject: (err) => void exited.then(() => reject(err ?? undefined)),
      });
      void exited.then(() => clearTimeout(timer));
      this.worker.ref();
      this.worker.postMessage({ id, kind: "close" });
    });
    return this.closing;
  }

  private settle(reply: Extract<Reply, { id: number }>): void {
    const waiter = this.take(reply.id);
    if (!waiter) return;
    if (reply.kind === "result") waiter.resolve(reply.result);
    else if (reply.kind === "error") waiter.reject(fromWire(reply.error));
    else waiter.resolve({ rows: [], fields: [] });
  }

  private take(id: number) {
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0 && this.alive) this.worker.unref();
    return waiter;
  }

  /** A notice goes to the clients listening, as node-postgres emits it. */
  private notice(_id: number, notice: object): void {
    for (const client of this.clients) if (client.listenerCount("notice") > 0) client.emit("notice", notice);
  }

  private die(err: Error, failOpen: (err: Error) => void): void {
    if (!this.alive) return;
    this.alive = false;
    failOpen(err);
    for (const [id, waiter] of this.pending) {
      this.pending.delete(id);
      waiter.reject(err);
    }
    if (this.closing) return;
    for (const client of this.clients) if (client.listenerCount("error") > 0) client.emit("error", err);
    this.onDeath(this, err);
  }
}

let nextConn = 1;

/**
 * A lent connection to the one session: what `pool.connect` hands out. The
 * worker keeps its transaction apart from other connections' statements.
 * Its statements fail once its worker is gone.
 */
export class EmbeddedClient extends EventEmitter {
  readonly conn = nextConn++;

  constructor(private readonly session: Session) {
    super();
  }

  query(sql: string, params?: unknown[] | Callback, callback?: Callback): Promise<QueryResult> {
    const cb = typeof params === "function" ? params : callback;
    const values = Array.isArray(params) ? params : undefined;
    const result = this.session.query(this.conn, sql, values);
    if (cb)
      result.then(
        (r) => cb(null, r),
        (err: Error) => cb(err),
      );
    return result;
  }
}

export class EmbeddedPool extends EventEmitter {
  private session?: Session;
  private ended = false;

  constructor(
    private readonly dataDir: string,
    private readonly options: EmbeddedOptions,
  ) {
    super();
  }

  /**
   * The running worker thread, if there is one. For the tests of the outage
   * path only: `worker.terminate()` is how a test makes the thread die as a
   * crash would. Nothing in the server reads it.
   */
  get worker(): Worker | undefined {
    return this.session?.alive ? this.session.worker : undefined;
  }

  /** The live session, started (or started again after its worker died) on demand. */
  private current(): Session {
    if (!this.session?.alive) {
      this.session = new Session(this.dataDir, this.options, (dead, err) => {
        if (this.session === dead) this.session = undefined;
        // node-postgres reports an idle client's death on the pool; TypeORM logs it.
        if (this.listenerCount("error") > 0) this.emit("error", err);
      });
    }
    return this.session;
  }

  connect(callback: ConnectCallback): void {
    if (this.ended) {
      callback(new Error("Cannot use a pool after calling end on the pool"), null, () => {});
      return;
    }
    let session: Session;
    try {
      session = this.current();
    } catch (err) {
      // Whatever happens, the caller hears of it: TypeORM waits on this callback.
      callback(err as Error, null, () => {});
      return;
    }
    session.ready.then(
      () => {
        const client = new EmbeddedClient(session);
        session.clients.add(client);
        callback(null, client, () => {
          if (!session.clients.delete(client)) return;
          session.release(client.conn);
        });
      },
      (err: Error) => callback(err, null, () => {}),
    );
  }

  query(sql: string, params?: unknown[] | Callback, callback?: Callback): Promise<QueryResult> {
    if (this.ended) return Promise.reject(new Error("Cannot use a pool after calling end on the pool"));
    return new EmbeddedClient(this.current()).query(sql, params, callback);
  }

  end(callback?: (err: Error | null) => void): Promise<void> {
    this.ended = true;
    const closed = this.session ? this.session.close() : Promise.resolve();
    this.session = undefined;
    closed.then(
      () => callback?.(null),
      (err: Error) => callback?.(err),
    );
    return callback ? closed.catch(() => {}) : closed;
  }
}

/**
 * The worker thread, on its file beside this one: `.js` once built (dist, the
 * Docker image), `.ts` under tsx (npm start, tests). Node 20 does not apply
 * the parent's `--import tsx` to a worker's entry file ("Unknown file
 * extension .ts", whatever execArgv says), so there `tsxWorker.mjs` loads
 * the `.ts` through tsx's own API. The worker gets none of the parent's
 * preloads (newer Nodes would run `--import`s such as the bench's probe, which
 * listens on a port, in the worker too): only source maps for its stacks.
 */
function startWorker(start: WorkerStart): Worker {
  const ts = import.meta.url.endsWith(".ts");
  const entry = new URL(`./pgliteWorker.${ts ? "ts" : "js"}`, import.meta.url);
  const execArgv = process.execArgv.filter((arg) => arg === "--enable-source-maps");
  if (!ts) return new Worker(entry, { workerData: start, execArgv });
  return new Worker(new URL("./tsxWorker.mjs", import.meta.url), {
    workerData: { ...start, entry: entry.href },
    execArgv,
  });
}
