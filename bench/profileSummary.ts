/**
 * Where the time went in a .cpuprofile (from `npm run bench -- --profile`):
 * the functions with the most self time and the most inclusive time.
 *
 *   node --import tsx bench/profileSummary.ts bench/results/profiles/mxo-1000-spread.cpuprofile [top]
 */
import { readProfile } from "./lib/cpuProfile.js";

const file = process.argv[2];
if (!file) {
  console.error("usage: bench/profileSummary.ts <file.cpuprofile> [top]");
  process.exit(2);
}
const top = Number(process.argv[3] ?? 25);
const { profile, attribute, print } = readProfile(file);

const selfById = new Map<number, number>();
profile.samples.forEach((id, i) => selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, t] of selfById) attribute(id, t, self, inclusive);
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print("self time", self, total, top);
print("inclusive time", inclusive, total, top);
