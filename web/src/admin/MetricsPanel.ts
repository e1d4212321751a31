import { h } from "../shared/dom.js";
import { request } from "../shared/http.js";
import { LineChart } from "./LineChart.js";
import type { DistrictRoomListing } from "./LivePanel.js";
import { Poller } from "./Poller.js";
import { parsePrometheusText, sumBy } from "./prometheusText.js";

const WINDOW_MS = 5 * 60_000;
const POLL_MS = 2000;

/**
 * Live charts: players online per district across the cluster (the admin
 * district listing, summed per district) and mean tick time per district on
 * the process serving this console (`GET /metrics`: the change of
 * `mxo_tick_duration_seconds` sum over count between two reads, i.e. the
 * mean of the ticks in that interval), with tick overruns.
 */
export class MetricsPanel {
  readonly el: HTMLElement;
  private readonly players = new LineChart(
    "Players online by district (all processes)",
    "players",
    WINDOW_MS,
  );
  private readonly ticks = new LineChart("Mean tick time by district (this process)", "ms", WINDOW_MS);
  private readonly overruns = new LineChart("Tick overruns per second (this process)", "/s", WINDOW_MS);
  private readonly poller: Poller;
  private readonly status: HTMLElement;
  private previous:
    | { at: number; sum: Map<string, number>; count: Map<string, number>; over: Map<string, number> }
    | undefined;

  constructor(private readonly clusterPlayers: boolean) {
    this.status = h("span", { class: "muted" });
    this.el = h(
      "section",
      { class: "view metrics" },
      h("header", { class: "view-header" }, h("h1", {}, "Metrics"), this.status),
      h("div", { class: "charts" }, clusterPlayers ? this.players.el : null, this.ticks.el, this.overruns.el),
    );
    this.poller = new Poller(() => this.sample(), POLL_MS);
  }

  start(): void {
    this.poller.start();
  }

  stop(): void {
    this.poller.stop();
  }

  /** Fed by the live panel's district listing, so the console makes one call for both. */
  rooms(list: DistrictRoomListing[]): void {
    const now = Date.now();
    const byDistrict = new Map<string, number>();
    for (const r of list) byDistrict.set(r.district, (byDistrict.get(r.district) ?? 0) + r.clients);
    for (const [district, n] of byDistrict) this.players.add(district, now, n);
    this.players.draw(now);
  }

  private async sample(): Promise<void> {
    let text: string;
    try {
      text = (await request<string>("/metrics", { text: true })).body;
    } catch (err) {
      this.status.textContent = `cannot read /metrics: ${(err as Error).message}`;
      return;
    }
    const now = Date.now();
    const samples = parsePrometheusText(text);
    const sum = sumBy(samples, "mxo_tick_duration_seconds_sum", "district");
    const count = sumBy(samples, "mxo_tick_duration_seconds_count", "district");
    const over = sumBy(samples, "mxo_tick_overruns_total", "district");
    const prev = this.previous;
    if (prev) {
      for (const [district, c] of count) {
        const dc = c - (prev.count.get(district) ?? 0);
        const ds = (sum.get(district) ?? 0) - (prev.sum.get(district) ?? 0);
        // Fewer ticks than a counter reset would give: skip rather than plot garbage.
        if (dc > 0 && ds >= 0) this.ticks.add(district, now, (ds / dc) * 1000);
        const dOver = (over.get(district) ?? 0) - (prev.over.get(district) ?? 0);
        if (dOver >= 0) this.overruns.add(district, now, dOver / ((now - prev.at) / 1000));
      }
    }
    this.previous = { at: now, sum, count, over };
    this.ticks.draw(now);
    this.overruns.draw(now);
    this.status.textContent = `updated ${new Date(now).toLocaleTimeString()}`;
  }
}
