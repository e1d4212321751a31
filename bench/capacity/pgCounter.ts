import { startTcpProxy } from "../../test/helpers/tcpProxy.js";

/**
 * A TCP proxy between the servers and PostgreSQL that reads the wire protocol
 * (v3) both ways and counts what the servers asked of the database: statements
 * (simple `Query`, extended `Execute`), rows written and read (from each
 * `CommandComplete` tag), bytes each way, and how long PostgreSQL took — from
 * the request to its `ReadyForQuery`, per connection — grouped by statement.
 * Counting on the wire, not in pg_stat_*, because the machine's PostgreSQL is
 * shared: only this proxy sees exactly the servers' traffic.
 */
export interface StatementFigures {
  count: number;
  /** Of which INSERT, UPDATE, DELETE (whatever their row count). */
  writes: number;
  rowsWritten: number;
  rowsRead: number;
  ms: number;
}

export interface PgFigures {
  statements: number;
  writes: number;
  rowsWritten: number;
  rowsRead: number;
  bytesToPg: number;
  bytesFromPg: number;
  /** Sum over connections of request → ReadyForQuery: the time PostgreSQL worked for the servers. */
  ms: number;
  byStatement: Record<string, StatementFigures>;
}

export function emptyPg(): PgFigures {
  return {
    statements: 0,
    writes: 0,
    rowsWritten: 0,
    rowsRead: 0,
    bytesToPg: 0,
    bytesFromPg: 0,
    ms: 0,
    byStatement: {},
  };
}

/** `b - a`, statement by statement. */
export function diffPg(a: PgFigures, b: PgFigures): PgFigures {
  const byStatement: Record<string, StatementFigures> = {};
  for (const [k, v] of Object.entries(b.byStatement)) {
    const o = a.byStatement[k] ?? { count: 0, writes: 0, rowsWritten: 0, rowsRead: 0, ms: 0 };
    if (v.count === o.count) continue;
    byStatement[k] = {
      count: v.count - o.count,
      writes: v.writes - o.writes,
      rowsWritten: v.rowsWritten - o.rowsWritten,
      rowsRead: v.rowsRead - o.rowsRead,
      ms: v.ms - o.ms,
    };
  }
  return {
    statements: b.statements - a.statements,
    writes: b.writes - a.writes,
    rowsWritten: b.rowsWritten - a.rowsWritten,
    rowsRead: b.rowsRead - a.rowsRead,
    bytesToPg: b.bytesToPg - a.bytesToPg,
    bytesFromPg: b.bytesFromPg - a.bytesFromPg,
    ms: b.ms - a.ms,
    byStatement,
  };
}

/** A short name for a statement: its first words with literals and parameters folded, so repeats group. */
export function fingerprint(sql: string): string {
  return sql
    .replace(/\s+/g, " ")
    .replace(/'(?:[^']|'')*'/g, "?")
    .replace(/\$\d+/g, "?")
    .replace(/\b\d+\b/g, "N")
    .trim()
    .slice(0, 72);
}

export interface PgCounter {
  rewrite(databaseUrl: string): string;
  snapshot(): PgFigures;
  close(): Promise<void>;
}

export async function startPgCounter(serverUrl: string): Promise<PgCounter> {
  const totals = emptyPg();
  const proxy = await startTcpProxy(serverUrl, {
    tap() {
      const conn = new Connection(totals);
      return {
        toTarget(chunk) {
          totals.bytesToPg += chunk.length;
          conn.fromClient(chunk);
        },
        fromTarget(chunk) {
          totals.bytesFromPg += chunk.length;
          conn.fromServer(chunk);
        },
      };
    },
  });
  return {
    rewrite: (databaseUrl) => proxy.rewrite(databaseUrl),
    snapshot: () => structuredClone(totals),
    close: () => proxy.close(),
  };
}

const SSL_REQUEST = 80877103;

/** One connection's parser state: messages are `type byte, int32 length, body` after the startup message. */
class Connection {
  private clientBuf = Buffer.alloc(0);
  private serverBuf = Buffer.alloc(0);
  private started = false;
  private sslAnswerPending = false;
  /** The unnamed statement's text and the named ones', as Parse set them. */
  private readonly prepared = new Map<string, string>();
  private portalStatement = "";
  /** Statements executed since the last ReadyForQuery, and when the first was sent. */
  private inFlight: string[] = [];
  private busySince: number | undefined;

  constructor(private readonly totals: PgFigures) {}

  fromClient(chunk: Buffer): void {
    this.clientBuf = Buffer.concat([this.clientBuf, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.clientBuf.length < 8) return;
        const len = this.clientBuf.readInt32BE(0);
        if (this.clientBuf.length < len) return;
        if (this.clientBuf.readInt32BE(4) === SSL_REQUEST) this.sslAnswerPending = true;
        else this.started = true;
        this.clientBuf = this.clientBuf.subarray(len);
        continue;
      }
      if (this.clientBuf.length < 5) return;
      const len = this.clientBuf.readInt32BE(1);
      if (this.clientBuf.length < 1 + len) return;
      this.clientMessage(String.fromCharCode(this.clientBuf[0]!), this.clientBuf.subarray(5, 1 + len));
      this.clientBuf = this.clientBuf.subarray(1 + len);
    }
  }

  private clientMessage(type: string, body: Buffer): void {
    const cstr = (from: number): [string, number] => {
      const end = body.indexOf(0, from);
      return [body.toString("utf8", from, end), end + 1];
    };
    switch (type) {
      case "Q":
        this.inFlight.push(fingerprint(cstr(0)[0]));
        this.busySince ??= performance.now();
        return;
      case "P": {
        const [name, next] = cstr(0);
        this.prepared.set(name, cstr(next)[0]);
        return;
      }
      case "B": {
        const [, next] = cstr(0);
        this.portalStatement = this.prepared.get(cstr(next)[0]) ?? "?";
        return;
      }
      case "E":
        this.inFlight.push(fingerprint(this.portalStatement));
        return;
      case "S":
        this.busySince ??= performance.now();
        return;
    }
  }

  fromServer(chunk: Buffer): void {
    this.serverBuf = Buffer.concat([this.serverBuf, chunk]);
    if (this.sslAnswerPending && this.serverBuf.length > 0) {
      this.sslAnswerPending = false;
      this.serverBuf = this.serverBuf.subarray(1); // 'N': no TLS, the startup message follows
    }
    for (;;) {
      if (this.serverBuf.length < 5) return;
      const len = this.serverBuf.readInt32BE(1);
      if (this.serverBuf.length < 1 + len) return;
      const type = String.fromCharCode(this.serverBuf[0]!);
      if (type === "C") this.completed(this.serverBuf.toString("utf8", 5, this.serverBuf.indexOf(0, 5)));
      if (type === "Z") this.ready();
      this.serverBuf = this.serverBuf.subarray(1 + len);
    }
  }

  /** `CommandComplete`: "INSERT 0 3", "UPDATE 2", "SELECT 5", "BEGIN"… */
  private completed(tag: string): void {
    const sql = this.inFlight[this.completedInBatch++] ?? this.inFlight.at(-1) ?? "?";
    const words = tag.split(" ");
    const n = Number(words.at(-1));
    const rows = Number.isFinite(n) && words.length > 1 ? n : 0;
    const isWrite = ["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"].includes(words[0]!);
    const written = isWrite ? rows : 0;
    const read = words[0] === "SELECT" ? rows : 0;
    const s = (this.totals.byStatement[sql] ??= { count: 0, writes: 0, rowsWritten: 0, rowsRead: 0, ms: 0 });
    s.count++;
    if (isWrite) s.writes++;
    if (isWrite) this.totals.writes++;
    s.rowsWritten += written;
    s.rowsRead += read;
    this.totals.statements++;
    this.totals.rowsWritten += written;
    this.totals.rowsRead += read;
  }

  private completedInBatch = 0;

  /** `ReadyForQuery`: the batch since the last one is done; its time goes to its statements. */
  private ready(): void {
    if (this.busySince !== undefined) {
      const ms = performance.now() - this.busySince;
      this.totals.ms += ms;
      const share = ms / Math.max(1, this.inFlight.length);
      for (const sql of this.inFlight) {
        const s = this.totals.byStatement[sql];
        if (s) s.ms += share;
      }
    }
    this.busySince = undefined;
    this.inFlight = [];
    this.completedInBatch = 0;
  }
}
