import type { FuzzReport } from "./runFuzz.js";

/** The figures a run prints: what was sent, what the server did, and every violated invariant with its evidence. */
export function formatReport(r: FuzzReport): string {
  const o = r.observer;
  const kinds = Object.entries(r.framesByKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  const lines = [
    `== fuzz ${r.mode} (seed ${r.seed}) ==`,
    `frames sent:            ${r.frames} in ${r.seconds} s (${Math.round(r.frames / Math.max(r.seconds, 0.001))}/s)`,
    `  by kind:              ${kinds}`,
    `  joins / failures:     ${r.joins} / ${r.joinFailures}; closes by code: ${JSON.stringify(r.closes)}`,
    `server counted:         ${Object.entries(r.serverCounts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
    `HTTP requests:          ${r.http.requests} (network errors ${r.http.networkErrors}); by status ${JSON.stringify(r.http.byStatus)}`,
    `longest /health answer: ${o.longestHealthMs} ms (${o.probes} probes, ${o.probeFailures} failed; longest gap between answers ${o.longestHealthGapMs} ms)`,
    `max honest patch gap:   ${o.maxPatchGapMs} ms (${o.honest.map((h) => `${h.patches} patches, walked ${h.walked}`).join("; ")})`,
    `RSS before/after/peak:  ${r.rss.map((x) => `${x.beforeMb}/${x.afterMb}/${x.peakMb} MB`).join(", ")}`,
    `server faults:          ${r.server.unhandledRejections} unhandled rejections, ${r.server.uncaughtExceptions} uncaught exceptions; exit codes ${JSON.stringify(r.server.exited)}; ${r.server.logBytesPerSecond} log bytes/s`,
  ];
  if (r.violations.length === 0) {
    lines.push("result:                 PASS");
    return lines.join("\n");
  }
  lines.push("result:                 FAIL", ...r.violations.map((v) => `  - ${v}`));
  const seen = new Set<string>();
  for (const f of r.httpFindings) {
    const key = `${f.problem} ${f.status} ${f.request.method} ${f.request.url.replace(/\/[0-9a-f-]{36}/g, "/:id").replace(/\?.*/, "")}`;
    if (seen.has(key) || seen.size >= 15) continue;
    seen.add(key);
    lines.push(
      `  HTTP ${key}`,
      `    request:  ${JSON.stringify(f.request)}`,
      `    response: ${f.contentType} ${f.response}`,
    );
  }
  for (const l of r.faultLines.slice(0, 5)) lines.push(`  server: ${l}`);
  for (const i of r.incidents.slice(0, 3)) {
    lines.push(`  incident: ${i.event}`);
    for (const [name, recent] of Object.entries(i.recent))
      lines.push(`    ${name} last sent: ${recent.slice(-6).join(" | ")}`);
  }
  return lines.join("\n");
}
