/**
 * The load test without a terminal (CI, `nohup`, a pipe): @colyseus/loadtest
 * always draws its blessed dashboard on stdout, which there is a stream of
 * escape codes, so this runs the scenario the way its `cli` does (bots started
 * one after another, `--delay` between them, `--reestablishAllDelay`) and
 * prints plain progress lines, then the summary as one JSON line, last.
 *
 * Exit status: 0 when every bot joined and nothing went wrong, 1 otherwise
 * (the summary says what), 2 for bad options.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Options } from "@colyseus/loadtest";
import type { Bots } from "./bot.js";
import type { LoadtestOptions } from "./options.js";
import type { Log } from "./report.js";
import type { Run } from "./run.js";

export async function runHeadless(options: LoadtestOptions, run: Run, bots: Bots, log: Log): Promise<never> {
  const base: Options = {
    endpoint: options.endpoint,
    roomName: options.room,
    roomId: "",
    numClients: options.numClients,
    delay: options.delay,
    logLevel: "all",
    reestablishAllDelay: options.reestablishAllDelay,
    retryFailed: 0,
    output: options.output ?? "",
    clientId: 0,
  };
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void run.end(signal));
  const exit = run.ended.then((result): never => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(result.errors === 0 && result.bots.failed === 0 ? 0 : 1);
  });
  void run.ended.then(() => (stopping = true));

  const startAll = async () => {
    for (let i = 0; i < options.numClients && !stopping; i++) {
      await run.main({ ...base, clientId: i }).catch((err: unknown) => {
        log.error(`bot ${i} failed: ${err instanceof Error ? err.message : String(err)}`);
      });
      if (options.delay > 0) await sleep(options.delay);
    }
  };

  await startAll();
  while (options.reestablishAllDelay > 0 && !stopping) {
    await sleep(options.reestablishAllDelay);
    if (stopping) break;
    log.progress(`dropping ${bots.rooms.size} connections to start every bot again`);
    for (const room of [...bots.rooms]) room.connection.close();
    bots.rooms.clear();
    await startAll();
  }
  return exit;
}
