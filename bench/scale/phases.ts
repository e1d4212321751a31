/** Wall time of each phase of the run (setup, server starts, joins, windows, stops), for the JSON. */
export const phases: { phase: string; seconds: number }[] = [];

/** Records the wall time since `t0` (a performance.now()) as `phase`. */
export function notePhase(phase: string, t0: number): void {
  phases.push({ phase, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) });
}

export async function timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    notePhase(phase, t0);
  }
}
