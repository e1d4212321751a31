// Worker threads do not inherit the main thread's `--import tsx`: register it here, then run the TypeScript entry.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
