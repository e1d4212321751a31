import { h } from "../shared/dom.js";

export interface Point {
  t: number;
  v: number;
}

const PALETTE = ["#2fff6a", "#4fc3ff", "#ffb347", "#c792ff", "#ff5c5c", "#ffe066", "#7fffd4", "#ff9cf0"];

/**
 * A small time-series chart on a canvas: one line per series over a sliding
 * window, y from zero to the largest value shown, with a legend holding each
 * series' latest value.
 */
export class LineChart {
  readonly el: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private readonly series = new Map<string, Point[]>();

  constructor(
    title: string,
    private readonly unit: string,
    private readonly windowMs: number,
  ) {
    this.canvas = h("canvas", { class: "chart", width: 600, height: 200 });
    this.legend = h("ul", { class: "legend" });
    this.el = h(
      "figure",
      { class: "panel chart-box" },
      h("figcaption", {}, h("h2", {}, title)),
      this.canvas,
      this.legend,
    );
  }

  add(name: string, t: number, v: number): void {
    const points = this.series.get(name) ?? [];
    points.push({ t, v });
    while (points.length > 0 && points[0]!.t < t - this.windowMs) points.shift();
    this.series.set(name, points);
  }

  draw(now: number): void {
    const ratio = window.devicePixelRatio || 1;
    const w = this.canvas.clientWidth || 600;
    const hgt = this.canvas.clientHeight || 200;
    this.canvas.width = Math.round(w * ratio);
    this.canvas.height = Math.round(hgt * ratio);
    const ctx = this.canvas.getContext("2d")!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    const pad = { l: 48, r: 8, t: 8, b: 20 };
    let max = 0;
    for (const points of this.series.values()) for (const p of points) max = Math.max(max, p.v);
    max = niceCeil(max);
    const x = (t: number) => pad.l + ((t - (now - this.windowMs)) / this.windowMs) * (w - pad.l - pad.r);
    const y = (v: number) => hgt - pad.b - (max === 0 ? 0 : (v / max) * (hgt - pad.t - pad.b));

    ctx.strokeStyle = "#154d27";
    ctx.fillStyle = "#6f9f7c";
    ctx.font = "11px ui-monospace, monospace";
    ctx.textAlign = "right";
    for (let i = 0; i <= 4; i++) {
      const v = (max * i) / 4;
      ctx.beginPath();
      ctx.moveTo(pad.l, Math.round(y(v)) + 0.5);
      ctx.lineTo(w - pad.r, Math.round(y(v)) + 0.5);
      ctx.stroke();
      ctx.fillText(formatValue(v), pad.l - 4, y(v) + 4);
    }
    ctx.textAlign = "left";
    ctx.fillText(`−${Math.round(this.windowMs / 60000)} min`, pad.l, hgt - 4);
    ctx.textAlign = "right";
    ctx.fillText("now", w - pad.r, hgt - 4);

    this.legend.replaceChildren();
    let i = 0;
    for (const [name, points] of [...this.series].sort(([a], [b]) => a.localeCompare(b))) {
      const color = PALETTE[i++ % PALETTE.length]!;
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      points.forEach((p, k) => (k === 0 ? ctx.moveTo(x(p.t), y(p.v)) : ctx.lineTo(x(p.t), y(p.v))));
      ctx.stroke();
      const last = points[points.length - 1];
      // The latest value as a dot: visible from the first sample on, before there is a line.
      if (last) {
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.arc(x(last.t), y(last.v), 3, 0, Math.PI * 2);
        ctx.fill();
      }
      const swatch = h("span", { class: "swatch" });
      swatch.style.background = color;
      this.legend.append(
        h("li", { "data-series": name }, swatch, `${name}: ${last ? formatValue(last.v) : "–"} ${this.unit}`),
      );
    }
    if (this.series.size === 0) this.legend.append(h("li", { class: "muted" }, "no data yet"));
  }
}

function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (v <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
