import type { DistrictInfo } from "./DistrictCatalog.js";
import type { MovementPredictor } from "./MovementPredictor.js";
import type { DistrictStateView, NpcEntity, PlayerEntity } from "./types.js";

export type TargetKind = "npc" | "player";
export interface Target {
  id: string;
  kind: TargetKind;
}

interface FloatingText {
  entityId: string;
  text: string;
  color: string;
  born: number;
}

const ORG_COLORS: Record<string, string> = {
  zion: "#4fc3ff",
  machines: "#ffb347",
  merovingian: "#c792ff",
};
const NPC_COLOR = "#ff5c5c";
const GRID_MINOR = "#0b2a12";
const GRID_MAJOR = "#124a20";
const FLOAT_MS = 1200;
const MIN_ZOOM = 0.5;
const MAX_ZOOM = 12;

/**
 * The top-down map: grid, district edge, hardlines and vendors (when the server
 * publishes them), NPCs and players at their smoothed or predicted positions,
 * the selected target, and floating combat numbers. North (+y) is up. The
 * camera follows the own player; the wheel zooms; a click selects the nearest
 * entity under the pointer.
 */
export class DistrictCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  /** Screen pixels per world unit. */
  private zoom = 4;
  private camera = { x: 0, y: 0 };
  private floating: FloatingText[] = [];
  /** Entities drawn last frame, where a click can select them. */
  private picks: { target: Target; x: number; y: number }[] = [];
  /** Name labels placed this frame: a label that would overlap one is left out (crowds stay readable). */
  private labels: { x0: number; y0: number; x1: number; y1: number }[] = [];
  private readonly resize: ResizeObserver;

  constructor(private readonly onPick: (target: Target | undefined) => void) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "district-canvas";
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute("aria-label", "District map: WASD or arrow keys move, click selects a target");
    this.ctx = this.canvas.getContext("2d")!;
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.canvas);
    this.canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      this.zoom = clamp(this.zoom * (e.deltaY < 0 ? 1.15 : 1 / 1.15), MIN_ZOOM, MAX_ZOOM);
    });
    this.canvas.addEventListener("click", (e) => this.pick(e));
  }

  private pick(e: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const px = e.clientX - rect.left;
    const py = e.clientY - rect.top;
    let best: { target: Target; d: number } | undefined;
    for (const p of this.picks) {
      const d = Math.hypot(p.x - px, p.y - py);
      if (d <= 16 && (!best || d < best.d)) best = { target: p.target, d };
    }
    this.onPick(best?.target);
  }

  float(entityId: string, text: string, color: string): void {
    this.floating.push({ entityId, text, color, born: performance.now() });
  }

  draw(
    state: DistrictStateView,
    sessionId: string,
    movement: MovementPredictor,
    district: DistrictInfo,
    target: Target | undefined,
    now: number,
  ): void {
    const { ctx, canvas } = this;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    const own = state.players.get(sessionId);
    if (own) this.camera = movement.position(own);
    const sx = (x: number) => w / 2 + (x - this.camera.x) * this.zoom;
    const sy = (y: number) => h / 2 - (y - this.camera.y) * this.zoom;

    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, w, h);
    this.drawGrid(w, h, sx, sy);
    this.drawBounds(district, sx, sy);
    this.drawLandmarks(district, sx, sy);

    this.picks = [];
    this.labels = [];
    const positions = new Map<string, { x: number; y: number }>();
    // The own name is always shown: reserve its place before anyone else's.
    if (own) {
      const at = movement.position(own);
      this.roomFor(nameTag(own), sx(at.x), sy(at.y) - Math.max(5, this.zoom) - 12, 12);
    }
    state.npcs.forEach((npc, id) => {
      const at = movement.position(npc);
      positions.set(id, at);
      const x = sx(at.x);
      const y = sy(at.y);
      if (!onScreen(x, y, w, h)) return;
      this.drawNpc(npc, x, y, target?.id === id);
      this.picks.push({ target: { id, kind: "npc" }, x, y });
    });
    state.players.forEach((player, id) => {
      const at = movement.position(player);
      positions.set(id, at);
      const x = sx(at.x);
      const y = sy(at.y);
      if (!onScreen(x, y, w, h)) return;
      const self = id === sessionId;
      this.drawPlayer(player, x, y, self, movement.heading(player), target?.id === id);
      if (!self) this.picks.push({ target: { id, kind: "player" }, x, y });
    });
    this.drawFloating(positions, sx, sy, now);
    this.drawCompass(w, h, own ? movement.position(own) : undefined);
  }

  dispose(): void {
    this.resize.disconnect();
  }

  private fit(): void {
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.canvas.clientWidth * ratio);
    this.canvas.height = Math.round(this.canvas.clientHeight * ratio);
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  private drawGrid(w: number, h: number, sx: (x: number) => number, sy: (y: number) => number): void {
    const { ctx } = this;
    const step = this.zoom >= 2 ? 10 : 50;
    const left = this.camera.x - w / 2 / this.zoom;
    const right = this.camera.x + w / 2 / this.zoom;
    const bottom = this.camera.y - h / 2 / this.zoom;
    const top = this.camera.y + h / 2 / this.zoom;
    ctx.lineWidth = 1;
    for (let x = Math.floor(left / step) * step; x <= right; x += step) {
      ctx.strokeStyle = x % 100 === 0 ? GRID_MAJOR : GRID_MINOR;
      ctx.beginPath();
      ctx.moveTo(Math.round(sx(x)) + 0.5, 0);
      ctx.lineTo(Math.round(sx(x)) + 0.5, h);
      ctx.stroke();
    }
    for (let y = Math.floor(bottom / step) * step; y <= top; y += step) {
      ctx.strokeStyle = y % 100 === 0 ? GRID_MAJOR : GRID_MINOR;
      ctx.beginPath();
      ctx.moveTo(0, Math.round(sy(y)) + 0.5);
      ctx.lineTo(w, Math.round(sy(y)) + 0.5);
      ctx.stroke();
    }
  }

  private drawBounds(district: DistrictInfo, sx: (x: number) => number, sy: (y: number) => number): void {
    const b = district.bounds;
    if (!b) return;
    const { ctx } = this;
    ctx.strokeStyle = "#2fff6a";
    ctx.lineWidth = 2;
    ctx.setLineDash([8, 6]);
    ctx.strokeRect(sx(b.minX), sy(b.maxY), (b.maxX - b.minX) * this.zoom, (b.maxY - b.minY) * this.zoom);
    ctx.setLineDash([]);
  }

  private drawLandmarks(district: DistrictInfo, sx: (x: number) => number, sy: (y: number) => number): void {
    const { ctx } = this;
    for (const hl of district.hardlines) {
      const x = sx(hl.x);
      const y = sy(hl.y);
      const r = Math.max(6, 1.5 * this.zoom);
      ctx.fillStyle = "rgba(47, 255, 106, 0.15)";
      ctx.strokeStyle = "#2fff6a";
      ctx.lineWidth = 2;
      ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
      ctx.strokeRect(x - r, y - r, 2 * r, 2 * r);
      ctx.fillStyle = "#2fff6a";
      ctx.font = "bold 12px ui-monospace, monospace";
      ctx.textAlign = "center";
      ctx.fillText(`☎ ${hl.name}`, x, y - r - 6);
    }
    // Vendors: a gold diamond with the name below, so they read apart from hardlines above theirs.
    for (const v of district.vendors) {
      const x = sx(v.x);
      const y = sy(v.y);
      const r = Math.max(5, 1.2 * this.zoom);
      ctx.fillStyle = "#ffd166";
      ctx.beginPath();
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
      ctx.fill();
      ctx.font = "11px ui-monospace, monospace";
      ctx.textAlign = "center";
      ctx.fillText(`$ ${v.name}`, x, y + r + 12);
    }
  }

  private drawNpc(npc: NpcEntity, x: number, y: number, targeted: boolean): void {
    const { ctx } = this;
    const r = Math.max(4, 0.9 * this.zoom);
    const dead = npc.hp <= 0;
    ctx.fillStyle = dead ? "#552222" : NPC_COLOR;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fill();
    if (targeted) this.ring(x, y, r + 5, "#ffffff");
    const ly = this.placeLabel(npc.name, x, y, r, 11, targeted);
    if (ly !== undefined) this.label(npc.name, x, ly, dead ? "#774444" : "#ff9c9c", 11);
    this.hpBar(x, y - r - 8, npc.hp, npc.maxHp, "#ff5c5c");
  }

  private drawPlayer(
    player: PlayerEntity,
    x: number,
    y: number,
    self: boolean,
    heading: number,
    targeted: boolean,
  ): void {
    const { ctx } = this;
    const r = Math.max(5, 1 * this.zoom);
    const color = ORG_COLORS[player.organization] ?? "#e0e0e0";
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fill();
    // Heading: a short stroke the way the character faces.
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + Math.cos(heading) * (r + 6), y - Math.sin(heading) * (r + 6));
    ctx.stroke();
    if (self) this.ring(x, y, r + 3, "#2fff6a");
    if (targeted) this.ring(x, y, r + 6, "#ffffff");
    const ly = self ? y - r - 12 : this.placeLabel(nameTag(player), x, y, r, 12, targeted);
    if (ly !== undefined) this.label(nameTag(player), x, ly, self ? "#2fff6a" : color, 12);
    this.hpBar(x, y - r - 8, player.hp, player.maxHp, "#2fff6a");
  }

  private drawFloating(
    positions: Map<string, { x: number; y: number }>,
    sx: (x: number) => number,
    sy: (y: number) => number,
    now: number,
  ): void {
    this.floating = this.floating.filter((f) => now - f.born < FLOAT_MS);
    for (const f of this.floating) {
      const at = positions.get(f.entityId);
      if (!at) continue;
      const age = (now - f.born) / FLOAT_MS;
      this.ctx.globalAlpha = 1 - age;
      this.label(f.text, sx(at.x), sy(at.y) - 28 - age * 30, f.color, 14, true);
      this.ctx.globalAlpha = 1;
    }
  }

  private drawCompass(w: number, h: number, at: { x: number; y: number } | undefined): void {
    const { ctx } = this;
    ctx.fillStyle = "#2fff6a";
    ctx.font = "12px ui-monospace, monospace";
    ctx.textAlign = "left";
    ctx.fillText("N ↑", 10, 18);
    if (at) ctx.fillText(`${at.x.toFixed(1)}, ${at.y.toFixed(1)}`, 10, h - 10);
    ctx.textAlign = "right";
    ctx.fillText(`${(10 * this.zoom).toFixed(0)} px = 10 units`, w - 10, h - 10);
  }

  /**
   * Where a name goes: above the entity, else below it, else nowhere (a crowd
   * stays readable; the "In sight" list names everyone). A target's name is
   * always drawn.
   */
  private placeLabel(
    text: string,
    x: number,
    y: number,
    r: number,
    size: number,
    force: boolean,
  ): number | undefined {
    for (const ly of [y - r - 12, y + r + size + 4]) if (this.roomFor(text, x, ly, size)) return ly;
    return force ? y - r - 12 : undefined;
  }

  /** Reserves space for a label; false when it would overlap one already placed. */
  private roomFor(text: string, x: number, y: number, size: number): boolean {
    const half = (text.length * size * 0.62) / 2;
    const box = { x0: x - half, y0: y - size, x1: x + half, y1: y + 2 };
    if (this.labels.some((b) => box.x0 < b.x1 && box.x1 > b.x0 && box.y0 < b.y1 && box.y1 > b.y0))
      return false;
    this.labels.push(box);
    return true;
  }

  private ring(x: number, y: number, r: number, color: string): void {
    const { ctx } = this;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.stroke();
  }

  private label(text: string, x: number, y: number, color: string, size: number, bold = false): void {
    const { ctx } = this;
    ctx.font = `${bold ? "bold " : ""}${size}px ui-monospace, monospace`;
    ctx.textAlign = "center";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#000";
    ctx.strokeText(text, x, y);
    ctx.fillStyle = color;
    ctx.fillText(text, x, y);
  }

  private hpBar(x: number, y: number, hp: number, maxHp: number, color: string): void {
    if (maxHp <= 0) return;
    const { ctx } = this;
    const width = 28;
    ctx.fillStyle = "#300";
    ctx.fillRect(x - width / 2, y, width, 3);
    ctx.fillStyle = color;
    ctx.fillRect(x - width / 2, y, width * clamp(hp / maxHp, 0, 1), 3);
  }
}

function nameTag(p: PlayerEntity): string {
  return `${p.name} [${p.level}]`;
}

function onScreen(x: number, y: number, w: number, h: number): boolean {
  return x > -50 && y > -50 && x < w + 50 && y < h + 50;
}

function clamp(v: number, min: number, max: number): number {
  return v < min ? min : v > max ? max : v;
}
