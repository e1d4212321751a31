/**
 * Who may use the embedded database's one PostgreSQL session next, decided
 * in the worker that owns it. Several query runners (connections) share the
 * session; a transaction must not see another connection's statements, so
 * while one connection has a transaction open, the others' statements wait
 * here, in arrival order, until it commits, rolls back or is released (which
 * rolls back). Outside a transaction every statement runs as it arrives: the
 * game thread can have many in flight at once, instead of lending the whole
 * session to one query runner for a round trip at a time (each round trip a
 * turn of its busy event loop).
 *
 * Transaction boundaries are read from the statement's text, as TypeORM's
 * postgres driver writes them (`START TRANSACTION`, `COMMIT`, `ROLLBACK`;
 * savepoints stay inside the transaction); a text of several statements
 * (migrations) is run whole and is its own business.
 */
export interface Statement {
  /** The connection (query runner's client) it came from. */
  conn: number;
  sql: string;
}

const BEGINS = /^\s*(START\s+TRANSACTION|BEGIN)\b/i;
const ENDS = /^\s*(COMMIT|END|ABORT|ROLLBACK)\b(?!\s+(TO|PREPARED)\b)/i;

export class SessionArbiter<S extends Statement> {
  /** The connection with a transaction open, if any. */
  private owner: number | undefined;
  private readonly held: S[] = [];
  private draining = false;

  /**
   * @param dispatch runs a statement now (the session runs what it is given in
   *   the order given, so a statement dispatched after another runs after it)
   * @param rollback dispatches a ROLLBACK of a released owner's open transaction
   */
  constructor(
    private readonly dispatch: (statement: S) => void,
    private readonly rollback: () => void,
  ) {}

  get waiting(): number {
    return this.held.length;
  }

  /** A statement arrived from `conn`: run it now, or hold it while another connection's transaction is open. */
  submit(statement: S): void {
    if (this.owner !== undefined && this.owner !== statement.conn) {
      this.held.push(statement);
      return;
    }
    this.run(statement);
  }

  /** `conn` is given back to the pool: a transaction it left open is rolled back, and the others go on. */
  release(conn: number): void {
    if (this.owner !== conn) return;
    this.owner = undefined;
    this.rollback();
    this.drain();
  }

  private run(statement: S): void {
    if (BEGINS.test(statement.sql)) this.owner = statement.conn;
    this.dispatch(statement);
    if (this.owner === statement.conn && ENDS.test(statement.sql)) {
      this.owner = undefined;
      this.drain();
    }
  }

  /**
   * Runs what was held, oldest first, skipping what belongs to another
   * connection's open transaction. After each one it looks again from the
   * oldest: that one may have opened or ended a transaction (a run that ends
   * one calls back in here, and the loop already running picks it up).
   */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.held.length;) {
        const next = this.held[i]!;
        if (this.owner !== undefined && this.owner !== next.conn) {
          i++;
          continue;
        }
        this.held.splice(i, 1);
        this.run(next);
        i = 0;
      }
    } finally {
      this.draining = false;
    }
  }
}
