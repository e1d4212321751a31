/** A V8 .cpuprofile (the probe's `--profile` output), read for bench/profileSummary.ts and bench/profileTail.ts. */
import { readFileSync } from "node:fs";

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ReadProfile {
  profile: Profile;
  nodes: Map<number, ProfileNode>;
  parent: Map<number, number>;
  /** "function file:line", the name a row is printed under. */
  label(node: ProfileNode): string;
  /**
   * Adds `weight` to the sample `id`'s own function in `self`, and once to
   * every function on its stack in `inclusive` (a recursive one counted once).
   */
  attribute(id: number, weight: number, self: Map<string, number>, inclusive: Map<string, number>): void;
  /** The rows of `m` with the most, as "  12.3 %  label" of `total`. */
  print(title: string, m: Map<string, number>, total: number, top: number): void;
}

export function readProfile(file: string): ReadProfile {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
  return {
    profile,
    nodes,
    parent,
    label,
    attribute(id, weight, self, inclusive) {
      const own = label(nodes.get(id)!);
      self.set(own, (self.get(own) ?? 0) + weight);
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const l = label(nodes.get(at)!);
        if (seen.has(l)) continue;
        seen.add(l);
        inclusive.set(l, (inclusive.get(l) ?? 0) + weight);
      }
    },
    print(title, m, total, top) {
      console.log(`\n${title}`);
      for (const [l, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
        console.log(`${((v / total) * 100).toFixed(1).padStart(5)} %  ${l}`);
      }
    },
  };
}
