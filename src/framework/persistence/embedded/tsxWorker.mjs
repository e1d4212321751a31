// The embedded database's worker under tsx (npm start, tests): Node 20 does
// not apply the parent's `--import tsx` to a worker's entry file, so this
// plain-JS entry loads the TypeScript one through tsx's API (which compiles
// its imports too). A build runs pgliteWorker.js directly and needs no tsx.
import { workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

await tsImport(workerData.entry, import.meta.url);
