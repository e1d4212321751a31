/**
 * Where the slow ticks and patches went, in a .cpuprofile from
 * `npm run bench -- --profile`: the sampled stretches inside bench/probe.ts's
 * wrappers (a fixed step, or `broadcastPatch`) are cut out one by one, and
 * the ones at least `ms` long are summed by function, inclusive and self.
 * profileSummary.ts says where the time goes on average; this says what
 * makes the p99.
 *
 *   node --import tsx bench/profileTail.ts bench/results/profiles/mxo-500-dense-window.cpuprofile [ms=15] [top=30]
 */
import { readProfile } from "./lib/cpuProfile.js";

type Kind = "step" | "patch";
interface Stretch {
  kind: Kind;
  ms: number;
  samples: number[];
}

const file = process.argv[2];
if (!file) {
  console.error("usage: bench/profileTail.ts <file.cpuprofile> [ms] [top]");
  process.exit(2);
}
const threshold = Number(process.argv[3] ?? 15);
const top = Number(process.argv[4] ?? 30);
const { profile, nodes, parent, attribute, print } = readProfile(file);

/** Whether a sample's stack runs inside the probe's patch wrapper, its step wrapper, or neither. */
const kinds = new Map<number, Kind | undefined>();
function kindOf(id: number): Kind | undefined {
  if (kinds.has(id)) return kinds.get(id);
  let kind: Kind | undefined;
  for (let at: number | undefined = id; at !== undefined && !kind; at = parent.get(at)) {
    const frame = nodes.get(at)!.callFrame;
    if (frame.url.endsWith("bench/probe.ts"))
      kind = frame.functionName.includes("broadcastPatch") ? "patch" : "step";
  }
  kinds.set(id, kind);
  return kind;
}

// A sample's time is the delta to the next one (V8 records the delta since the previous).
const stretches: Stretch[] = [];
let current: Stretch | undefined;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  const kind = kindOf(id);
  if (kind === undefined) {
    current = undefined;
    continue;
  }
  if (current?.kind !== kind) stretches.push((current = { kind, ms: 0, samples: [] }));
  current.ms += (profile.timeDeltas[i + 1] ?? 0) / 1000;
  current.samples.push(id);
}

for (const kind of ["step", "patch"] as const) {
  const all = stretches.filter((s) => s.kind === kind).sort((a, b) => b.ms - a.ms);
  const slow = all.filter((s) => s.ms >= threshold);
  const longest = all
    .slice(0, 8)
    .map((s) => s.ms.toFixed(1))
    .join(", ");
  console.log(
    `\n${kind}: ${all.length} sampled, ${slow.length} of ${threshold} ms or more (longest ${longest} ms)`,
  );
  if (slow.length === 0) continue;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const s of slow) {
    for (const id of s.samples) {
      total++;
      attribute(id, 1, self, inclusive);
    }
  }
  print("inclusive", inclusive, total, top);
  print("self", self, total, top);
}
