import { embeddedDriver, type ConnectCallback } from "./embedded/workerDriver.js";

type Done = (err?: unknown) => void;

/**
 * PGlite is one database session shared by everything in the process. Two
 * TypeORM transactions that overlap would run inside one session — one's
 * ROLLBACK undoing the other's work. This driver lends the session to one
 * query runner at a time (a FIFO lock taken on connect, given back on
 * release), which is what a pool of size one means. Postgres needs none of it.
 * The session itself lives in a worker thread (embedded/workerDriver.ts), so
 * its statements never run on the game thread.
 */
export function exclusivePgliteDriver(dataDir: string): unknown {
  const BasePool = embeddedDriver(dataDir).Pool;

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
        super.connect((err, client, giveBack) => {
          const both: Done = (e) => {
            giveBack(e);
            done(e);
          };
          if (err) both();
          callback(err, client, both);
        }),
      );
    }
  }

  return { Pool: ExclusivePool };
}
