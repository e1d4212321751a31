// What the benchmark's servers preload (`--import ./bench/lib/preloadProbe.mjs`,
// after `--import tsx`): bench/probe.ts, on the main thread only. A worker
// thread (mxo's embedded database runs in one) inherits the process's --import
// flags but, on Node 20, not tsx's hooks, so importing the .ts there fails
// and takes the worker down; and a worker has no rooms to time nor a probe
// port of its own to open. Plain JavaScript so that it loads anywhere.
import { isMainThread } from "node:worker_threads";

if (isMainThread) await import("../probe.ts");
