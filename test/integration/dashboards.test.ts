/**
 * deploy/grafana and deploy/prometheus against the server they watch: every
 * series named in a dashboard query, a template variable or an alerting rule
 * must be one a running server exports (or `up`, which Prometheus makes, and
 * the blackbox exporter's probe_success), with labels it really has; plus the shape of the dashboard (data
 * source on every panel, unique ids, the template variables, a panel for every
 * mxo_ metric), of the rules (expr, for, severity, summary) and of the
 * Prometheus / Grafana provisioning wired into deploy/docker-compose.yml.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../src/framework/config/config.js";
import { http, joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { scrape } from "../helpers/metrics.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const DASHBOARD = "deploy/grafana/mxo-server.json";
const ALERTS = "deploy/prometheus/alerts.yml";
const PROMETHEUS = "deploy/prometheus/prometheus.yml";
const COMPOSE = "deploy/docker-compose.yml";

const read = (file: string) => readFileSync(resolve(ROOT, file), "utf8");
/** The server's defaults (PORT, TICK_RATE); a secret is given so nothing is generated on disk. */
const defaults = loadConfig({ JWT_SECRET: "x".repeat(48), DATA_DIR: tmpdir() });

/** Parsed JSON/YAML; its shape is what the checks are about. */
type Obj = Record<string, any>;

// ---------------------------------------------------------------------------
// A small PromQL reader: enough to find the series, labels and functions of an
// expression. It does not validate the grammar (promtool does that); it only has
// to never mistake a function, keyword, label or duration for a series name.

const FUNCTIONS = new Set(
  (
    "abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time ceil changes clamp " +
    "clamp_max clamp_min cos cosh count_over_time day_of_month day_of_week day_of_year days_in_month " +
    "deg delta deriv double_exponential_smoothing exp floor histogram_avg histogram_count " +
    "histogram_fraction histogram_quantile histogram_stddev histogram_stdvar histogram_sum holt_winters " +
    "hour idelta increase info irate label_join label_replace last_over_time ln log10 log2 " +
    "mad_over_time max_over_time min_over_time minute month pi predict_linear present_over_time " +
    "quantile_over_time rad rate resets round scalar sgn sin sinh sort sort_by_label sort_by_label_desc " +
    "sort_desc sqrt start end stddev_over_time stdvar_over_time sum_over_time tan tanh time timestamp " +
    "vector year"
  ).split(" "),
);
const AGGREGATIONS = new Set(
  "sum min max avg group stddev stdvar count count_values bottomk topk quantile limitk limit_ratio".split(
    " ",
  ),
);
/** Followed by a parenthesized list of label names. */
const GROUPING = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const KEYWORDS = new Set(["and", "or", "unless", "atan2", "bool", "offset", "inf", "nan", ...GROUPING]);
/** Functions whose argument must be a counter (or a histogram's _bucket/_sum/_count). */
const COUNTER_FUNCTIONS = new Set(["rate", "irate", "increase", "resets"]);

interface Selector {
  name: string;
  /** Label names in the selector's matchers. */
  labels: string[];
  /** Matchers as written, e.g. `instance=~"$instance"`. */
  matchers: string[];
  /** Enclosing functions and aggregations, outermost first. */
  functions: string[];
}

interface Parsed {
  selectors: Selector[];
  /** Labels in by / without / on / ignoring / group_left / group_right lists. */
  grouping: string[];
  functions: string[];
  errors: string[];
}

const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;

function parsePromql(expr: string): Parsed {
  const out: Parsed = { selectors: [], grouping: [], functions: [], errors: [] };
  const stack: string[] = [];
  let pendingAggregation: string | undefined;
  let lastSelector: Selector | undefined;
  let i = 0;

  const skipSpace = () => {
    while (i < expr.length && /\s/.test(expr[i]!)) i++;
  };
  /** Index just past the closing quote of the string starting at `start`. */
  const endOfString = (start: number) => {
    const quote = expr[start]!;
    let j = start + 1;
    while (j < expr.length && expr[j] !== quote) j += expr[j] === "\\" && quote !== "`" ? 2 : 1;
    if (j >= expr.length) out.errors.push(`unterminated string in ${expr}`);
    return j + 1;
  };
  /** Index just past the `close` matching the `open` at `start`, skipping strings. */
  const endOfBlock = (start: number, open: string, close: string) => {
    let depth = 0;
    let j = start;
    while (j < expr.length) {
      const c = expr[j]!;
      if (c === '"' || c === "'" || c === "`") {
        j = endOfString(j);
        continue;
      }
      if (c === open) depth++;
      if (c === close && --depth === 0) return j + 1;
      j++;
    }
    out.errors.push(`unbalanced ${open}${close} in ${expr}`);
    return expr.length;
  };
  const matchersOf = (block: string) => {
    const matchers: string[] = [];
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/g;
    const rest = block.replace(re, (whole) => {
      matchers.push(whole.replace(/\s+/g, ""));
      return "";
    });
    if (!/^[\s,]*$/.test(rest)) out.errors.push(`unreadable matchers {${block}}`);
    return matchers;
  };

  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < expr.length && expr[i] !== "\n") i++;
    } else if (c === '"' || c === "'" || c === "`") {
      i = endOfString(i);
      lastSelector = undefined;
    } else if (c === "$") {
      // A Grafana variable outside a matcher or range ($var, ${var}).
      i++;
      if (expr[i] === "{") i = endOfBlock(i, "{", "}");
      else {
        IDENT.lastIndex = i;
        i += IDENT.exec(expr)?.[0].length ?? 0;
      }
      lastSelector = undefined;
    } else if (c === "{") {
      const end = endOfBlock(i, "{", "}");
      const matchers = matchersOf(expr.slice(i + 1, end - 1));
      const labels = matchers.map((m) => /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(m)![0]);
      if (lastSelector && lastSelector.matchers.length === 0) {
        lastSelector.matchers = matchers;
        lastSelector.labels = labels;
      } else {
        // {__name__="…"} with no name in front.
        const name = matchers.find((m) => m.startsWith("__name__="))?.slice("__name__=".length);
        if (!name) out.errors.push(`a selector without a metric name: {${expr.slice(i + 1, end - 1)}}`);
        else {
          out.selectors.push({ name: name.slice(1, -1), labels, matchers, functions: [...stack] });
        }
      }
      lastSelector = undefined;
      i = end;
    } else if (c === "[") {
      // A range or subquery: durations, $__rate_interval …
      i = endOfBlock(i, "[", "]");
      lastSelector = undefined;
    } else if (c === "(") {
      stack.push(pendingAggregation ?? "(");
      pendingAggregation = undefined;
      lastSelector = undefined;
      i++;
    } else if (c === ")") {
      if (stack.pop() === undefined) out.errors.push(`unbalanced ) in ${expr}`);
      lastSelector = undefined;
      i++;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(expr[i + 1] ?? ""))) {
      // Numbers and durations (5m, 1h30m, 1e3, 0x1f).
      while (i < expr.length && /[0-9a-zA-Z_.]/.test(expr[i]!)) i++;
      lastSelector = undefined;
    } else if (/[a-zA-Z_:]/.test(c)) {
      IDENT.lastIndex = i;
      const word = IDENT.exec(expr)![0];
      i += word.length;
      skipSpace();
      const next = expr[i];
      const lower = word.toLowerCase();
      lastSelector = undefined;
      if (GROUPING.has(lower)) {
        if (next === "(") {
          const end = endOfBlock(i, "(", ")");
          for (const label of expr.slice(i + 1, end - 1).split(",")) {
            if (!label.trim()) continue;
            if (!/^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*$/.test(label))
              out.errors.push(`bad label list in ${word}(…)`);
            else out.grouping.push(label.trim());
          }
          i = end;
        }
      } else if (KEYWORDS.has(lower)) {
        // operators and literals
      } else if (AGGREGATIONS.has(word)) {
        out.functions.push(word);
        pendingAggregation = word;
      } else if (next === "(") {
        if (!FUNCTIONS.has(word)) out.errors.push(`unknown function ${word}()`);
        out.functions.push(word);
        pendingAggregation = word;
      } else {
        lastSelector = { name: word, labels: [], matchers: [], functions: [...stack] };
        out.selectors.push(lastSelector);
      }
    } else {
      i++; // operators, commas, @
      lastSelector = undefined;
    }
  }
  if (stack.length > 0) out.errors.push(`unbalanced ( in ${expr}`);
  return out;
}

/** Grafana's `label_values(selector, label)` variable query. */
function parseLabelValues(query: string): { selector: Parsed; label: string } {
  const m = /^\s*label_values\(\s*([\s\S]+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(query);
  assert.ok(m, `unsupported variable query ${query}: use label_values(<selector>, <label>)`);
  return { selector: parsePromql(m[1]!), label: m[2]! };
}

/** Prometheus durations: 1h30m, 5m, 30s, 0s. */
function durationSeconds(text: unknown): number {
  const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(
    String(text),
  );
  assert.ok(m && String(text) !== "", `not a Prometheus duration: ${JSON.stringify(text)}`);
  const [y, w, d, h, min, s, ms] = m.slice(1).map((v) => Number(v ?? 0)) as number[];
  return (((y! * 365 + w! * 7 + d!) * 24 + h!) * 60 + min!) * 60 + s! + ms! / 1000;
}

// ---------------------------------------------------------------------------
// What the server declares and exports

interface Family {
  type: string;
  labels: Set<string>;
}

/** `new Counter({ name: "…", labelNames: [...] })` in src/framework/metrics/metrics.ts. */
function declaredMetrics(): Map<string, Family> {
  const text = read("src/framework/metrics/metrics.ts");
  const found = new Map<string, Family>();
  for (const m of text.matchAll(/new (Counter|Gauge|Histogram|Summary)\(\{([\s\S]*?)\}\)/g)) {
    const name = /name:\s*"([^"]+)"/.exec(m[2]!)?.[1];
    assert.ok(name, `a ${m[1]} without a name in src/framework/metrics/metrics.ts`);
    const labels = /labelNames:\s*\[([^\]]*)\]/.exec(m[2]!)?.[1] ?? "";
    found.set(name, {
      type: m[1]!.toLowerCase(),
      labels: new Set([...labels.matchAll(/"([^"]+)"/g)].map((l) => l[1]!)),
    });
  }
  assert.ok(found.size >= 10, `only ${found.size} metrics found in src/framework/metrics/metrics.ts`);
  return found;
}

/** Labels Prometheus adds to every series of a target (static config or the Operator). */
const TARGET_LABELS = new Set(["job", "instance", "namespace", "pod", "service", "endpoint", "container"]);
/**
 * Series that are not the server's: Prometheus makes `up` for every target, and
 * the blackbox exporter (deploy/prometheus/blackbox.yml) reports probe_success
 * for its probes of /ready.
 */
const EXTERNAL_SERIES = new Map([
  ["up", "Prometheus: 1 if the last scrape of the target succeeded"],
  ["probe_success", "blackbox exporter: 1 if the probe succeeded"],
]);

/** The families a series name belongs to: itself, or the histogram/summary it is a part of. */
function familyOf(name: string, families: Map<string, Family>): { family: string; part: string } | undefined {
  if (families.has(name)) return { family: name, part: "" };
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const base = m && families.get(m[1]!);
  if (!base) return undefined;
  if (base.type === "histogram" || (base.type === "summary" && m[2] !== "bucket")) {
    return { family: m[1]!, part: m[2]! };
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// The files

interface Query {
  where: string;
  expr: string;
}

function dashboard(): Obj {
  return JSON.parse(read(DASHBOARD));
}

/** Every panel, including those inside collapsed rows. */
function allPanels(d: Obj): Obj[] {
  return (d.panels as Obj[]).flatMap((p) => [p, ...((p.panels as Obj[] | undefined) ?? [])]);
}

function dashboardQueries(d: Obj): Query[] {
  return allPanels(d).flatMap((p) =>
    ((p.targets as Obj[] | undefined) ?? []).map((t) => ({
      where: `panel ${p.id} "${p.title}" ${t.refId}`,
      expr: String(t.expr ?? ""),
    })),
  );
}

function variableQueries(d: Obj): { name: string; query: string }[] {
  return (d.templating.list as Obj[])
    .filter((v) => v.type === "query")
    .map((v) => ({ name: v.name, query: typeof v.query === "string" ? v.query : v.query.query }));
}

function alertRules(): Obj[] {
  const doc = parseYaml(read(ALERTS));
  assert.ok(Array.isArray(doc?.groups) && doc.groups.length > 0, `${ALERTS}: no groups`);
  return (doc.groups as Obj[]).flatMap((g) => {
    assert.ok(typeof g.name === "string" && g.name, "a rule group without a name");
    assert.ok(Array.isArray(g.rules) && g.rules.length > 0, `group ${g.name} has no rules`);
    return g.rules as Obj[];
  });
}

const alertQueries = (rules: Obj[]): Query[] =>
  rules.map((r) => ({ where: `alert ${r.alert ?? r.record}`, expr: String(r.expr ?? "") }));

// ---------------------------------------------------------------------------

describe("PromQL reader (used by the dashboard checks)", () => {
  const names = (expr: string) => parsePromql(expr).selectors.map((s) => s.name);

  it("finds series after functions, aggregations, grouping, ranges, offsets and strings", () => {
    const p = parsePromql(
      'histogram_quantile(0.99, sum by (le, district) (rate(a_bucket{job=~"$job", x="}{ ["}[$__rate_interval])))',
    );
    assert.deepEqual(p.errors, []);
    assert.deepEqual(
      p.selectors.map((s) => [s.name, s.labels, s.functions]),
      [["a_bucket", ["job", "x"], ["histogram_quantile", "sum", "rate"]]],
    );
    assert.deepEqual(p.grouping, ["le", "district"]);
    assert.deepEqual(names("up == 0"), ["up"]);
    assert.deepEqual(names('absent(up{job="x"})'), ["up"]);
    assert.deepEqual(names("sum(rate(b_total[5m] offset 1h)) without (pod) / on (instance) group_left c"), [
      "b_total",
      "c",
    ]);
    assert.deepEqual(names('{__name__="d", le="+Inf"} > bool 2 and e unless f or 1e3'), ["d", "e", "f"]);
    assert.deepEqual(names('label_replace(g, "dst", "$1", "src", "(.*)") > 0.5 * inf'), ["g"]);
    assert.deepEqual(names("max_over_time(h[1h:5m]) @ end()"), ["h"]);
    assert.deepEqual(names("sum without (i) (j) * 60"), ["j"]);
    assert.deepEqual(parsePromql("sum(j)").grouping, []);
  });

  it("reports what it cannot read", () => {
    assert.match(
      parsePromql("histogram_quantil(0.5, a)").errors.join(),
      /unknown function histogram_quantil/,
    );
    assert.match(parsePromql("sum(rate(a[5m])").errors.join(), /unbalanced/);
    assert.match(parsePromql('{job="x"}').errors.join(), /without a metric name/);
  });

  it("parses Prometheus durations", () => {
    assert.equal(durationSeconds("5m"), 300);
    assert.equal(durationSeconds("1h30m"), 5400);
    assert.equal(durationSeconds("0s"), 0);
    assert.throws(() => durationSeconds("5 minutes"));
    assert.throws(() => durationSeconds(""));
  });
});

describe("Grafana dashboard and Prometheus rules", function () {
  this.timeout(60_000);

  const declared = declaredMetrics();
  const board = dashboard();
  const rules = alertRules();
  const queries = [...dashboardQueries(board), ...alertQueries(rules)];

  describe("against a running server's /metrics", () => {
    let d: TestDeployment | undefined;
    /** Families from the scrape's # TYPE lines. */
    const exported = new Map<string, Family>();
    /** Exported or declared families, with the labels declared or seen on their samples. */
    let families: Map<string, Family>;

    before(async function () {
      this.timeout(60_000);
      d = await deploy("embedded");
      // Make labelled series appear: a player in a district (players, rooms,
      // ticks, traffic, interest), one chat message (messages), HTTP calls.
      const player = await newPlayer(d.server.http);
      const joined = await joinDistrict(d.server.ws, player, "richland");
      joined.room.onMessage("*", () => {});
      await waitFor(() => me(joined.room), { what: "own player" });
      joined.room.send("chat", { channel: "district", text: "dashboards" });
      await waitFor(
        async () =>
          /mxo_messages_total\{[^}]*type="chat"/.test(
            String((await http(d!.server.http, "GET", "/metrics")).body),
          ),
        { what: "the chat message counted", timeoutMs: 5000, intervalMs: 100 },
      );
      await http(d.server.http, "GET", "/ready");
      await sleep(200);

      const text = String((await http(d.server.http, "GET", "/metrics")).body);
      for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        exported.set(m[1]!, { type: m[2]!, labels: new Set() });
      }
      const { samples } = await scrape(d.server.http);
      await joined.room.leave();

      // Exported, or declared in src/framework/metrics/metrics.ts (a labelled series may have no sample yet).
      families = new Map(
        [...exported].map(([name, f]) => [name, { type: f.type, labels: new Set(f.labels) }]),
      );
      for (const [name, f] of declared) {
        families.set(name, { type: families.get(name)?.type ?? f.type, labels: new Set(f.labels) });
      }
      for (const sample of samples) {
        const fam = familyOf(sample.name, families);
        if (!fam) continue;
        const labels = families.get(fam.family)!.labels;
        for (const l of Object.keys(sample.labels)) if (l !== "le") labels.add(l);
      }
    });
    after(async () => d?.cleanup());

    /** Labels a selector on `name` may use; undefined for a series the server does not export. */
    const labelsOf = (name: string): Set<string> | undefined => {
      const labels = new Set([...TARGET_LABELS, "__name__"]);
      const fam = familyOf(name, families);
      if (!fam) return EXTERNAL_SERIES.has(name) ? labels : undefined;
      for (const l of families.get(fam.family)!.labels) labels.add(l);
      if (fam.part === "bucket") labels.add("le");
      if (families.get(fam.family)!.type === "summary" && !fam.part) labels.add("quantile");
      return labels;
    };

    it("exports what src/framework/metrics/metrics.ts declares", () => {
      const missing = [...declared.keys()].filter((n) => !exported.has(n));
      assert.deepEqual(missing, [], "declared but not in the scrape's # TYPE lines");
    });

    it("every series in a dashboard query, variable or rule is exported by the server", () => {
      const unknown: string[] = [];
      const uses = [
        ...queries.map((q) => ({ where: q.where, expr: q.expr, parsed: parsePromql(q.expr) })),
        ...variableQueries(board).map((v) => ({
          where: `variable ${v.name}`,
          expr: v.query,
          parsed: parseLabelValues(v.query).selector,
        })),
      ];
      for (const { where, expr, parsed } of uses) {
        for (const e of parsed.errors) unknown.push(`${where}: ${e}`);
        if (parsed.selectors.length === 0) unknown.push(`${where}: no series in ${expr}`);
        for (const s of parsed.selectors) {
          if (!labelsOf(s.name)) unknown.push(`${s.name} (${where})`);
        }
      }
      assert.deepEqual(unknown, [], "series the server does not export, or queries that do not parse");
    });

    it("selects and groups only by labels those series have", () => {
      const problems: string[] = [];
      for (const q of queries) {
        const parsed = parsePromql(q.expr);
        const available = new Set(["le", ...TARGET_LABELS]);
        for (const s of parsed.selectors) {
          const allowed = labelsOf(s.name);
          if (!allowed) continue; // reported above
          for (const l of allowed) available.add(l);
          for (const l of s.labels) {
            if (!allowed.has(l)) problems.push(`${q.where}: ${s.name} has no label ${l}`);
          }
        }
        for (const l of parsed.grouping) {
          if (!available.has(l)) problems.push(`${q.where}: groups by ${l}, which none of its series has`);
        }
      }
      for (const v of variableQueries(board)) {
        const { selector, label } = parseLabelValues(v.query);
        for (const s of selector.selectors) {
          for (const l of [...s.labels, label]) {
            if (!labelsOf(s.name)?.has(l)) problems.push(`variable ${v.name}: ${s.name} has no label ${l}`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });

    it("takes rate() and increase() of counters only, and quantiles from _bucket by le", () => {
      const problems: string[] = [];
      for (const q of queries) {
        const parsed = parsePromql(q.expr);
        for (const s of parsed.selectors) {
          const fam = familyOf(s.name, families);
          if (!fam) continue;
          const type = families.get(fam.family)!.type;
          const counterLike = type === "counter" || fam.part !== "";
          const innermost = s.functions.filter((f) => f !== "(").at(-1);
          if (innermost && COUNTER_FUNCTIONS.has(innermost) && !counterLike) {
            problems.push(`${q.where}: ${innermost}() of ${s.name}, a ${type}`);
          }
          if (fam.part === "bucket") {
            if (!s.functions.includes("histogram_quantile")) {
              problems.push(`${q.where}: ${s.name} outside histogram_quantile()`);
            }
            const aggregated = s.functions.some((f) => AGGREGATIONS.has(f));
            if (aggregated && !parsed.grouping.includes("le")) {
              problems.push(`${q.where}: ${s.name} aggregated without le`);
            }
          }
        }
      }
      assert.deepEqual(problems, []);
    });

    it("charts every mxo_ metric the server declares or exports", () => {
      const used = new Set<string>();
      for (const q of dashboardQueries(board)) {
        for (const s of parsePromql(q.expr).selectors) {
          const fam = familyOf(s.name, families);
          if (fam) used.add(fam.family);
        }
      }
      const mxo = new Set([...declared.keys(), ...exported.keys()].filter((n) => n.startsWith("mxo_")));
      const missing = [...mxo].filter((n) => !used.has(n)).sort();
      assert.deepEqual(missing, [], `mxo_ metrics with no panel in ${DASHBOARD}`);
    });
  });

  describe(DASHBOARD, () => {
    const panels = allPanels(board);
    const isDatasourceRef = (ds: unknown) => {
      const uid = typeof ds === "string" ? ds : (ds as Obj | undefined)?.uid;
      return ["${datasource}", "$datasource", "${DS_PROMETHEUS}"].includes(String(uid));
    };

    it("is a Grafana dashboard of schemaVersion ≥ 39 with a uid and a title", () => {
      assert.ok(Number(board.schemaVersion) >= 39, `schemaVersion ${board.schemaVersion}`);
      assert.ok(board.uid && board.title);
      assert.ok(Array.isArray(board.panels) && board.panels.length > 0);
    });

    it("has a Prometheus data source variable and the job, instance and district variables", () => {
      const vars = new Map((board.templating.list as Obj[]).map((v) => [v.name, v]));
      const ds = vars.get("datasource");
      const input = ((board.__inputs as Obj[] | undefined) ?? []).find((x) => x.name === "DS_PROMETHEUS");
      assert.ok(
        (ds?.type === "datasource" && ds.query === "prometheus") || input?.pluginId === "prometheus",
        "a `datasource` variable of type datasource (query prometheus) or a DS_PROMETHEUS input",
      );
      for (const name of ["instance", "district"]) {
        const v = vars.get(name);
        assert.ok(v, `no ${name} variable`);
        assert.equal(v.type, "query");
        assert.ok(isDatasourceRef(v.datasource), `${name} variable's data source`);
        assert.ok(v.includeAll && v.multi, `${name}: multi-value with All`);
      }
    });

    it("has unique panel ids and places every panel on the grid without overlaps", () => {
      const ids = panels.map((p) => p.id);
      assert.ok(
        ids.every((id) => Number.isInteger(id)),
        "every panel has an integer id",
      );
      const duplicates = ids.filter((id, n) => ids.indexOf(id) !== n);
      assert.deepEqual(duplicates, [], "duplicate panel ids");
      const cells = new Map<string, string>();
      const problems: string[] = [];
      for (const p of panels) {
        const name = `panel ${p.id} "${p.title}"`;
        const { x, y, w, h } = p.gridPos ?? {};
        if (!([x, y, w, h].every(Number.isInteger) && x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24)) {
          problems.push(`${name}: gridPos ${JSON.stringify(p.gridPos)}`);
          continue;
        }
        for (let cx = x; cx < x + w; cx++) {
          for (let cy = y; cy < y + h; cy++) {
            const other = cells.get(`${cx},${cy}`);
            if (other && !problems.some((m) => m.startsWith(`${name} overlaps`))) {
              problems.push(`${name} overlaps ${other}`);
            }
            cells.set(`${cx},${cy}`, name);
          }
        }
      }
      assert.deepEqual(problems, []);
    });

    it("gives every panel a title, the data source variable and queries", () => {
      const problems: string[] = [];
      for (const p of panels) {
        const name = `panel ${p.id} "${p.title}"`;
        if (!p.title) problems.push(`panel ${p.id} has no title`);
        if (p.type === "row") {
          if (p.targets?.length) problems.push(`${name}: a row with queries`);
          continue;
        }
        if (!isDatasourceRef(p.datasource))
          problems.push(`${name}: datasource ${JSON.stringify(p.datasource)}`);
        const targets = (p.targets as Obj[] | undefined) ?? [];
        if (targets.length === 0) problems.push(`${name}: no queries`);
        const refIds = targets.map((t) => t.refId);
        if (new Set(refIds).size !== refIds.length) problems.push(`${name}: duplicate refIds`);
        for (const t of targets) {
          if (t.datasource !== undefined && !isDatasourceRef(t.datasource)) {
            problems.push(`${name} ${t.refId}: datasource ${JSON.stringify(t.datasource)}`);
          }
          if (!(typeof t.expr === "string" && t.expr.trim())) problems.push(`${name} ${t.refId}: no expr`);
        }
      }
      assert.deepEqual(problems, []);
    });

    it("filters every query by $instance and $job, and district series by $district", () => {
      const districtMetrics = new Set(
        [...declared].filter(([, f]) => f.labels.has("district")).map(([n]) => n),
      );
      const problems: string[] = [];
      for (const q of dashboardQueries(board)) {
        for (const s of parsePromql(q.expr).selectors) {
          for (const v of ["instance", "job"]) {
            if (!s.matchers.includes(`${v}=~"$${v}"`))
              problems.push(`${q.where}: ${s.name} without ${v}=~"$${v}"`);
          }
          const base = s.name.replace(/_(bucket|sum|count)$/, "");
          if (
            (districtMetrics.has(s.name) || districtMetrics.has(base)) &&
            !s.matchers.includes('district=~"$district"')
          ) {
            problems.push(`${q.where}: ${s.name} without district=~"$district"`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  });

  describe(ALERTS, () => {
    it("gives every rule an alert name, expr, a for duration, a severity, a summary and a description", () => {
      const names = new Set<string>();
      for (const r of rules) {
        const name = String(r.alert);
        assert.ok(r.alert && !r.record, `a rule without an alert name: ${JSON.stringify(r)}`);
        assert.ok(!names.has(name), `duplicate alert ${name}`);
        names.add(name);
        assert.ok(typeof r.expr === "string" && r.expr.trim(), `${name}: no expr`);
        assert.ok(r.for !== undefined, `${name}: no for`);
        durationSeconds(r.for);
        assert.ok(
          ["critical", "warning", "info"].includes(r.labels?.severity),
          `${name}: severity ${r.labels?.severity}`,
        );
        for (const a of ["summary", "description"]) {
          assert.ok(typeof r.annotations?.[a] === "string" && r.annotations[a].trim(), `${name}: no ${a}`);
        }
      }
    });

    it("uses in annotations only labels the alert's series keep", () => {
      const problems: string[] = [];
      for (const r of rules) {
        const parsed = parsePromql(r.expr);
        const kept = new Set(Object.keys(r.labels ?? {}));
        if (parsed.grouping.length > 0) {
          for (const l of parsed.grouping) if (l !== "le") kept.add(l);
        } else if (!parsed.functions.includes("absent")) {
          for (const l of TARGET_LABELS) kept.add(l);
          for (const s of parsed.selectors) for (const l of declared.get(s.name)?.labels ?? []) kept.add(l);
        }
        const text = Object.values(r.annotations ?? {}).join("\n");
        for (const m of text.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)) {
          if (!kept.has(m[1]!)) problems.push(`${r.alert}: $labels.${m[1]} is not on its series`);
        }
        if (text.split("{{").length !== text.split("}}").length)
          problems.push(`${r.alert}: unbalanced {{ }}`);
      }
      assert.deepEqual(problems, []);
    });

    it("covers overruns, tick budget, targets down, readiness, save failures, HTTP 5xx and event-loop lag", () => {
      const used = new Map<string, string[]>();
      for (const r of rules) {
        for (const s of parsePromql(r.expr).selectors)
          used.set(s.name, [...(used.get(s.name) ?? []), r.expr]);
      }
      for (const name of [
        "mxo_tick_overruns_total",
        "mxo_tick_duration_seconds_bucket",
        "up",
        "mxo_db_save_failures_total",
        "mxo_http_request_duration_seconds_count",
        "probe_success",
        "nodejs_eventloop_lag_p99_seconds",
      ]) {
        assert.ok(used.has(name), `no rule on ${name}`);
      }
      const http = used.get("mxo_http_request_duration_seconds_count")!.join("\n");
      assert.match(http, /route="\/ready"/, "a readiness rule on /ready's answers");
      assert.match(http, /status=~"5\.\."/, "an HTTP 5xx rule");
      const routes = read("src/framework/http/probeRoutes.ts");
      assert.match(routes, /path: "\/ready"/, "the /ready route the readiness rule reads");
      const tickBudget = /> (0\.\d+)\s*$/.exec(
        rules.find((r) => r.expr.includes("mxo_tick_duration_seconds_bucket"))!.expr.trim(),
      );
      assert.equal(Number(tickBudget?.[1]), 1 / defaults.tickRate, "the tick budget is 1 / TICK_RATE");
    });
  });

  describe(`${PROMETHEUS}, Grafana provisioning and ${COMPOSE}`, () => {
    const prom = parseYaml(read(PROMETHEUS)) as Obj;
    const compose = parseYaml(read(COMPOSE), { merge: true }) as Obj;
    const services = compose.services as Record<string, Obj>;
    const servers = Object.keys(services).filter((n) => services[n]!.build);
    const byImage = (image: string) => {
      const found = Object.keys(services).filter(
        (n) => String(services[n]!.image ?? "").split(":")[0] === image,
      );
      assert.equal(found.length, 1, `one ${image} service in ${COMPOSE}`);
      return found[0]!;
    };
    /** The host path mounted at `target` in a compose service (relative to the compose file). */
    const mountOf = (service: string, target: string) => {
      for (const v of (services[service]!.volumes ?? []) as (string | Obj)[]) {
        const [source, mounted] = typeof v === "string" ? v.split(":") : [v.source, v.target];
        if (mounted === target && source?.startsWith(".")) return resolve(ROOT, dirname(COMPOSE), source);
      }
      return undefined;
    };
    const containerPath = (service: string, file: string): string | undefined => {
      // The longest mounted directory or file that holds `file` (a host path).
      for (const v of (services[service]!.volumes ?? []) as (string | Obj)[]) {
        const [source, mounted] = typeof v === "string" ? v.split(":") : [v.source, v.target];
        if (!source?.startsWith(".")) continue;
        const host = resolve(ROOT, dirname(COMPOSE), source);
        if (file === host) return mounted;
        if (file.startsWith(host + "/")) return posix.join(mounted!, file.slice(host.length + 1));
      }
      return undefined;
    };

    it("loads the rules, scrapes every server's /metrics, and polls /ready through the blackbox exporter", () => {
      const files = (prom.rule_files as string[]).map((f) => resolve(ROOT, dirname(PROMETHEUS), f));
      assert.ok(files.includes(resolve(ROOT, ALERTS)), `rule_files does not load ${ALERTS}`);
      const jobs = new Map((prom.scrape_configs as Obj[]).map((j) => [j.job_name, j]));
      const port = defaults.port; // the image keeps the default PORT (deploy-files.test.ts checks it)
      const metricsJob = [...jobs.values()].find((j) => (j.metrics_path ?? "/metrics") === "/metrics")!;
      assert.ok(metricsJob, "no job scrapes /metrics");
      const targets = (metricsJob.static_configs as Obj[]).flatMap((s) => s.targets as string[]);
      assert.deepEqual(targets.sort(), servers.map((s) => `${s}:${port}`).sort(), "one target per server");
      for (const r of rules) {
        for (const m of String(r.expr).matchAll(/job=~"([^"]+)"/g)) {
          assert.match(metricsJob.job_name, new RegExp(`^(?:${m[1]})$`), `${r.alert}: job=~"${m[1]}"`);
        }
        for (const m of String(r.expr).matchAll(/job="([^"]+)"/g)) {
          assert.ok(jobs.has(m[1]), `${r.alert}: no scrape job ${m[1]} in ${PROMETHEUS}`);
        }
      }
      const probeRules = rules.filter((r) => /\bprobe_success\b/.test(r.expr));
      assert.ok(probeRules.length > 0, "no rule on the blackbox exporter's probe of /ready");
      const ready = jobs.get("mxo-ready");
      assert.ok(ready, "no mxo-ready job");
      for (const r of probeRules) assert.match(r.expr, /probe_success\{job="mxo-ready"\}/, r.alert);
      const readyTargets = (ready.static_configs as Obj[]).flatMap((s) => s.targets as string[]);
      assert.deepEqual(readyTargets.sort(), servers.map((s) => `http://${s}:${port}/ready`).sort());
      const blackbox = byImage("prom/blackbox-exporter");
      const address = (ready.relabel_configs as Obj[]).find((r) => r.target_label === "__address__");
      assert.equal(address?.replacement, `${blackbox}:9115`);
      const modules = parseYaml(read("deploy/prometheus/blackbox.yml")).modules as Obj;
      for (const m of ready.params.module as string[]) assert.ok(modules[m], `no blackbox module ${m}`);
      const config = (services[blackbox]!.command as string[]).join(" ");
      const mounted = containerPath(blackbox, resolve(ROOT, "deploy/prometheus/blackbox.yml"));
      assert.ok(mounted && config.includes(`--config.file=${mounted}`), "blackbox exporter's --config.file");
    });

    it("runs Prometheus and Grafana in compose with these files, on pinned images", () => {
      const prometheus = byImage("prom/prometheus");
      const grafana = byImage("grafana/grafana");
      for (const name of [prometheus, grafana, byImage("prom/blackbox-exporter")]) {
        const tag = String(services[name]!.image).split(":")[1] ?? "";
        assert.match(tag, /\d/, `${name}: pin a version`);
      }
      const args = (services[prometheus]!.command as string[]).join(" ");
      const configFile = /--config\.file=(\S+)/.exec(args)?.[1];
      assert.equal(
        configFile,
        containerPath(prometheus, resolve(ROOT, PROMETHEUS)),
        "Prometheus's --config.file",
      );
      assert.equal(
        containerPath(prometheus, resolve(ROOT, ALERTS)),
        posix.join(posix.dirname(configFile!), "alerts.yml"),
        "alerts.yml beside the config",
      );

      const provisioning = mountOf(grafana, "/etc/grafana/provisioning");
      assert.equal(provisioning, resolve(ROOT, "deploy/grafana/provisioning"));
      const sources = parseYaml(read("deploy/grafana/provisioning/datasources/prometheus.yml"))
        .datasources as Obj[];
      const source = sources.find((s) => s.type === "prometheus");
      assert.ok(source, "a prometheus data source");
      assert.equal(new URL(source.url).hostname, prometheus);
      assert.equal(new URL(source.url).port, "9090");
      const providers = parseYaml(read("deploy/grafana/provisioning/dashboards/mxo-server.yml"))
        .providers as Obj[];
      const dashboardInContainer = containerPath(grafana, resolve(ROOT, DASHBOARD));
      assert.ok(dashboardInContainer, `${DASHBOARD} is not mounted into Grafana`);
      assert.ok(
        providers.some((p) => p.type === "file" && posix.dirname(dashboardInContainer) === p.options.path),
        `no file provider loads ${dashboardInContainer}`,
      );
      for (const dir of ["datasources", "dashboards"]) {
        assert.ok(existsSync(join(ROOT, "deploy/grafana/provisioning", dir)));
      }
    });
  });
});
