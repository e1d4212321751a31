import type { Client } from "@colyseus/sdk";
import type { GmResult } from "../../../src/framework/contract/commands.js";
import type { CharacterSummary } from "../../../src/mxo/contract/characters.js";
import type { CombatMessage } from "../../../src/mxo/contract/combat.js";
import type { DistrictError } from "../../../src/mxo/contract/errorCodes.js";
import type { InteractReply } from "../../../src/mxo/contract/serverMessages.js";
import { h } from "../shared/dom.js";
import type { Session } from "../shared/Session.js";
import { AbilityBar } from "./AbilityBar.js";
import { CharacterPanel } from "./CharacterPanel.js";
import { ChatPanel } from "./ChatPanel.js";
import { CombatFeed } from "./CombatFeed.js";
import type { DistrictCatalog } from "./DistrictCatalog.js";
import { DistrictCanvas, type Target } from "./DistrictCanvas.js";
import { EventLog } from "./EventLog.js";
import { GameConnection, type ConnectionStatus, type DistrictRoom } from "./GameConnection.js";
import { InterlockPanel } from "./InterlockPanel.js";
import { InventoryPanel } from "./InventoryPanel.js";
import { isTyping, KeyboardIntent } from "./KeyboardIntent.js";
import { MissionLog } from "./MissionLog.js";
import { MovementPredictor } from "./MovementPredictor.js";
import { NearbyPanel } from "./NearbyPanel.js";
import { TargetPanel } from "./TargetPanel.js";
import { TeamPanel } from "./TeamPanel.js";
import { TradePanel } from "./TradePanel.js";
import { TravelPanel } from "./TravelPanel.js";
import { VendorPanel } from "./VendorPanel.js";

export interface GameScreenOptions {
  client: Client;
  session: Session;
  character: CharacterSummary;
  catalog: DistrictCatalog;
  /** Leave the game: back to the character list or the login form, with why. */
  exit(to: "characters" | "login", notice?: string): void;
}

/** The server's default TICK_RATE, until the room advertises its own. */
const DEFAULT_TICK_RATE = 20;
/** How often the DOM read-outs (HP, position, nearby list) refresh; the map redraws every frame. */
const HUD_INTERVAL_MS = 200;

/**
 * The game: map, status, panels, and the wiring between one `GameConnection`
 * (which may pass through several rooms) and them. Panels keep their history
 * across rooms; each new room is bound to every panel.
 */
export class GameScreen {
  readonly el: HTMLElement;
  private readonly connection: GameConnection;
  private readonly keys = new KeyboardIntent();
  private readonly canvas: DistrictCanvas;
  private readonly log: EventLog;
  private readonly chat: ChatPanel;
  private readonly abilities: AbilityBar;
  private readonly interlock = new InterlockPanel();
  private readonly combat: CombatFeed;
  private readonly missions: MissionLog;
  private readonly travel: TravelPanel;
  private readonly target = new TargetPanel();
  private readonly nearby: NearbyPanel;
  private readonly sheet: CharacterPanel;
  private readonly inventory: InventoryPanel;
  private readonly vendor: VendorPanel;
  private readonly trade: TradePanel;
  private readonly team: TeamPanel;
  private readonly banner: HTMLElement;
  private readonly hud: Record<"district" | "hp" | "level" | "position" | "ping" | "connection", HTMLElement>;
  private movement: MovementPredictor | undefined;
  private room: DistrictRoom | undefined;
  private district: string;
  private frame = 0;
  private lastHud = 0;
  private stopped = false;

  constructor(private readonly opts: GameScreenOptions) {
    this.district = opts.character.district;
    const stage = h("div", { class: "stage" });
    this.canvas = new DistrictCanvas((t) => this.select(t));
    this.log = new EventLog(stage);
    const error = (code: string, message: string) => this.log.serverError(code, message);
    this.chat = new ChatPanel(error);
    this.abilities = new AbilityBar(
      () => this.target.target,
      () => this.room?.sessionId,
      error,
    );
    this.combat = new CombatFeed(
      () => this.room?.sessionId ?? "",
      (id) => this.nameOf(id),
      this.canvas,
      this.log,
      this.interlock,
      () => this.movement?.tickRate ?? DEFAULT_TICK_RATE,
    );
    this.missions = new MissionLog(this.log);
    this.travel = new TravelPanel(opts.catalog, (d, hl) => this.connection.travel(d, hl));
    this.nearby = new NearbyPanel((t) => this.select(t));
    this.sheet = new CharacterPanel(this.log);
    this.inventory = new InventoryPanel(error);
    this.vendor = new VendorPanel(error, (id) => this.inventory.setVendor(id));
    this.trade = new TradePanel(this.log, () => this.inventory.current);
    this.team = new TeamPanel(opts.character.name, this.log, (id) => opts.catalog.get(id).name);
    this.abilities.onCatalog = (ids) => this.vendor.setAcquired(ids);
    this.inventory.onChange = () => {
      this.vendor.setInformation(this.inventory.current?.information);
      this.trade.refreshInventory();
    };
    this.banner = h("div", { class: "banner", hidden: true, role: "status" });
    stage.append(this.canvas.canvas, this.banner);

    const read = (id: string) => h("span", { id, class: "hud-value" });
    this.hud = {
      district: read("hud-district"),
      hp: read("hud-hp"),
      level: read("hud-level"),
      position: read("hud-position"),
      ping: read("hud-ping"),
      connection: read("connection-status"),
    };
    this.el = h(
      "div",
      { class: "game" },
      h(
        "header",
        { class: "statusbar" },
        h("strong", { class: "brand" }, "MxO"),
        h("span", {}, opts.character.name),
        h("span", {}, "District ", this.hud.district),
        h("span", {}, "HP ", this.hud.hp),
        h("span", {}, "Level ", this.hud.level),
        h("span", {}, "At ", this.hud.position),
        h("span", {}, "Ping ", this.hud.ping),
        this.hud.connection,
        h("span", { class: "spacer" }),
        h(
          "button",
          { type: "button", class: "small", onclick: () => void this.leave("characters") },
          "Characters",
        ),
        h("button", { type: "button", class: "small", onclick: () => void this.leave("login") }, "Log out"),
      ),
      h(
        "main",
        { class: "play-area" },
        h("aside", { class: "sheet" }, this.sheet.el, this.inventory.el, this.team.el),
        stage,
        h(
          "aside",
          { class: "sidebar" },
          this.target.el,
          this.abilities.el,
          this.interlock.el,
          this.vendor.el,
          this.trade.el,
          this.nearby.el,
          this.missions.el,
          this.travel.el,
        ),
      ),
      h("footer", { class: "bottom" }, this.chat.el, this.log.el),
    );

    this.connection = new GameConnection(opts.client, opts.session, opts.character, {
      joined: (room, district) => this.joined(room, district),
      status: (s) => this.status(s),
    });
    window.addEventListener("keydown", this.onKey);
  }

  /** Joins the character's district; rejects with the server's refusal. */
  async start(): Promise<void> {
    this.setConnection("connecting", "connecting…");
    await this.connection.start();
    const loop = (now: number) => {
      if (this.stopped) return;
      this.render(now);
      this.frame = requestAnimationFrame(loop);
    };
    this.frame = requestAnimationFrame(loop);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    cancelAnimationFrame(this.frame);
    window.removeEventListener("keydown", this.onKey);
    this.keys.stop();
    this.movement?.dispose();
    this.canvas.dispose();
    await this.connection.leave();
  }

  private async leave(to: "characters" | "login"): Promise<void> {
    await this.stop();
    if (to === "login") await this.opts.session.logout();
    this.opts.exit(to);
  }

  /** Game keys, one listener for the screen (removed with it): chat, target, abilities, close combat. */
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      if (isTyping(e)) (e.target as HTMLElement).blur();
      else this.select(undefined);
      return;
    }
    if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Enter") {
      this.keys.release();
      this.chat.focus();
    } else if (!this.abilities.onKey(e) && !this.interlock.onKey(e)) {
      return;
    }
    e.preventDefault();
  };

  private joined(room: DistrictRoom, district: string): void {
    this.movement?.dispose();
    this.room = room;
    this.district = district;
    this.combat.reset();
    const info = () => this.opts.catalog.get(this.district);
    this.movement = new MovementPredictor(room, {
      geometry: () => {
        const d = info();
        return {
          bounds: d.bounds,
          moveSpeed: d.moveSpeed * this.combat.effects.speedFactor(room.state.tick),
        };
      },
      intent: () => this.keys.direction(),
      frozen: () => this.combat.frozen,
    });
    room.onMessage("error", (e: DistrictError) => this.log.serverError(e.code, e.message));
    room.onMessage("combat", (m: CombatMessage) => this.combat.handle(m));
    room.onMessage("interact", (m: InteractReply) =>
      this.log.add("info", `${m.name}${m.description ? `: ${m.description}` : " acknowledges you."}`),
    );
    room.onMessage("gm:result", (r: GmResult) => this.log.add(r.ok ? "good" : "error", `GM: ${r.message}`));
    // Messages this page has no use for (e.g. a GM's metrics stream) are not errors.
    room.onMessage("*", () => undefined);
    this.chat.bind(room);
    this.abilities.bind(room);
    this.interlock.bind(room);
    this.missions.bind(room);
    this.target.bind(room);
    this.sheet.bind(room);
    this.inventory.bind(room);
    this.vendor.bind(room, info().vendors);
    this.trade.bind(room);
    this.team.bind(room);
    this.travel.here(district);
    this.log.add("info", `Entered ${info().name}.`);
  }

  private status(s: ConnectionStatus): void {
    switch (s.kind) {
      case "online":
        this.banner.hidden = true;
        this.setConnection("online", "online");
        return;
      case "reconnecting":
        this.showBanner(s.text);
        this.setConnection("reconnecting", "reconnecting…");
        this.log.add("warn", s.text);
        return;
      case "moving":
        this.showBanner(s.attempt > 1 ? `${s.text} (attempt ${s.attempt})` : s.text);
        this.setConnection("moving", "rejoining…");
        if (s.attempt === 1) this.log.add("warn", s.text);
        return;
      case "ended":
        void this.stop().then(() => this.opts.exit(s.to, s.text));
        return;
    }
  }

  private showBanner(text: string): void {
    this.banner.textContent = text;
    this.banner.hidden = false;
  }

  private setConnection(state: string, text: string): void {
    this.hud.connection.dataset.state = state;
    this.hud.connection.textContent = text;
  }

  private select(target: Target | undefined): void {
    this.target.set(target);
  }

  private nameOf(id: string): string {
    const state = this.room?.state;
    return state?.players.get(id)?.name ?? state?.npcs.get(id)?.name ?? id;
  }

  private render(now: number): void {
    const room = this.room;
    const movement = this.movement;
    if (!room || !movement || !room.state?.players) return;
    movement.frame(now);
    const district = this.opts.catalog.get(this.district);
    this.canvas.draw(room.state, room.sessionId, movement, district, this.target.target, now);
    if (now - this.lastHud < HUD_INTERVAL_MS) return;
    this.lastHud = now;
    const own = room.state.players.get(room.sessionId);
    const at = own ? movement.position(own) : undefined;
    this.hud.district.textContent = district.name;
    this.hud.hp.textContent = own ? `${Math.max(0, own.hp)}/${own.maxHp}` : "–";
    this.hud.level.textContent = own ? String(own.level) : "–";
    this.hud.position.textContent = at ? `${at.x.toFixed(1)}, ${at.y.toFixed(1)}` : "–";
    this.hud.ping.textContent = `${Math.round(movement.rtt())} ms`;
    const t = this.target.target;
    const entity = t
      ? t.kind === "npc"
        ? room.state.npcs.get(t.id)
        : room.state.players.get(t.id)
      : undefined;
    const tAt = entity ? movement.position(entity) : undefined;
    this.target.refresh(entity, tAt && at ? Math.hypot(tAt.x - at.x, tAt.y - at.y) : undefined);
    this.nearby.refresh(room.state, room.sessionId, at);
    this.vendor.refresh(at);
    const targetName = t?.kind === "player" ? room.state.players.get(t.id)?.name : undefined;
    this.trade.suggest(targetName);
    this.team.suggest(targetName);
  }
}
