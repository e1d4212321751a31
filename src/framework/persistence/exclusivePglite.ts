import { PGliteDriver } from "typeorm-pglite";

type Done = (err?: unknown) => void;
type ConnectCallback = (err: unknown, client: unknown, done: Done) => void;
type PoolClass = new () => { connect(cb: ConnectCallback): Promise<void> | void };

/**
 * PGlite is one database session shared by everything in the process. Two
 * TypeORM transactions that overlap would run inside one session — one's
 * ROLLBACK undoing the other's work. This driver lends the session to one
 * query runner at a time (a FIFO lock taken on connect, given back on
 * release), which is what a pool of size one means. Postgres needs none of it.
 */
export function exclusivePgliteDriver(dataDir: string): unknown {
  const base = new PGliteDriver({ dataDir }).driver as unknown as { Pool: PoolClass };
  const BasePool = base.Pool;

  class ExclusivePool extends BasePool {
    private tail: Promise<void> = Promise.resolve();

    override connect(callback: ConnectCallback): void {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => (release = resolve));
      const previous = this.tail;
      this.tail = previous.then(() => turn);
      let released = false;
      const done: Done = () => {
        if (released) return;
        released = true;
        release();
      };
      void previous.then(() =>
        super.connect((err, client) => {
          if (err) done();
          callback(err, client, done);
        }),
      );
    }
  }

  return Object.assign(function PGliteDriverModule() {}, base, { Pool: ExclusivePool });
}
