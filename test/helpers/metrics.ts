import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { http } from "./api.js";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  /** Family name → TYPE as declared (COUNTER, GAUGE, HISTOGRAM, …). */
  types: Map<string, string>;
  /** Every sample line, including histogram _bucket/_sum/_count lines. */
  samples: Sample[];
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Fetches /metrics. The text is first run through a Prometheus text-format
 * parser (which throws on a malformed line); values are then read line by line,
 * because that parser merges labelled histograms into one.
 */
export async function scrape(base: string): Promise<Scrape> {
  const res = await http<string>(base, "GET", "/metrics");
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  if (!String(res.headers.get("content-type")).startsWith("text/plain")) {
    throw new Error(`unexpected content type ${res.headers.get("content-type")}`);
  }
  const text = String(res.body);
  const families = parsePrometheusTextFormat(text) as { name: string; type: string }[];
  const types = new Map(families.map((f) => [f.name, f.type]));
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = SAMPLE_LINE.exec(line);
    if (!m) throw new Error(`unparseable sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

/** The value of the first sample of `name` whose labels include `labels`. */
export function sampleValue(
  scraped: Scrape,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return scraped.samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

/** All samples of `name`. */
export function samplesOf(scraped: Scrape, name: string): Sample[] {
  return scraped.samples.filter((s) => s.name === name);
}
