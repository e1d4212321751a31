import { h, fill } from "../shared/dom.js";
import type { Session } from "../shared/Session.js";
import type { Capabilities } from "./Capabilities.js";
import { Poller } from "./Poller.js";

export interface DistrictRoomListing {
  roomId: string;
  district: string;
  clients: number;
  maxClients: number;
  processId: string;
  contentRevision: number | null;
}

export interface PlayerListing {
  characterId: string;
  name: string;
  district: string;
  organization: string;
  roomId: string;
  processId: string;
}

const POLL_MS = 3000;

/**
 * Every district room and every character in play, on every process
 * (`GET /api/v1/admin/districts`, `/players`), refreshed every few seconds.
 * Rows offer what the account may do with a player: inspect it, or start a
 * GM command with its name filled in.
 */
export class LivePanel {
  readonly el: HTMLElement;
  private readonly rooms: HTMLElement;
  private readonly players: HTMLElement;
  private readonly updated: HTMLElement;
  private readonly poller: Poller;
  /** Listeners for each fresh room listing (the charts use it). */
  readonly onRooms: ((rooms: DistrictRoomListing[]) => void)[] = [];

  constructor(
    private readonly session: Session,
    private readonly caps: Capabilities,
    private readonly actions: { inspect?: (name: string) => void; command?: (name: string) => void },
  ) {
    this.rooms = h("div", {});
    this.players = h("div", {});
    this.updated = h("span", { class: "muted" });
    this.el = h(
      "section",
      { class: "view live" },
      h("header", { class: "view-header" }, h("h1", {}, "Live"), this.updated),
      caps.can("gm.view.districts") &&
        h("section", { class: "panel" }, h("h2", {}, "District rooms"), this.rooms),
      caps.can("gm.view.players") &&
        h("section", { class: "panel" }, h("h2", {}, "Players in play"), this.players),
    );
    this.poller = new Poller(() => this.refresh(), POLL_MS);
  }

  start(): void {
    this.poller.start();
  }

  stop(): void {
    this.poller.stop();
  }

  refreshNow(): Promise<void> {
    return this.poller.now();
  }

  private async refresh(): Promise<void> {
    try {
      const [rooms, players] = await Promise.all([
        this.caps.can("gm.view.districts")
          ? this.session.call<DistrictRoomListing[]>("/api/v1/admin/districts")
          : Promise.resolve(undefined),
        this.caps.can("gm.view.players")
          ? this.session.call<PlayerListing[]>("/api/v1/admin/players")
          : Promise.resolve(undefined),
      ]);
      if (rooms) {
        this.renderRooms(rooms);
        for (const listener of this.onRooms) listener(rooms);
      }
      if (players) this.renderPlayers(players);
      this.updated.textContent = `updated ${new Date().toLocaleTimeString()}`;
      this.updated.dataset.kind = "";
    } catch (err) {
      this.updated.textContent = `refresh failed: ${(err as Error).message}`;
      this.updated.dataset.kind = "error";
      throw err;
    }
  }

  private renderRooms(rooms: DistrictRoomListing[]): void {
    if (rooms.length === 0) {
      fill(
        this.rooms,
        h("p", { class: "muted" }, "No district rooms are open (they open when someone joins)."),
      );
      return;
    }
    fill(
      this.rooms,
      h(
        "table",
        { class: "rooms-table" },
        h(
          "thead",
          {},
          h("tr", {}, ...["District", "Players", "Room", "Process", "Content"].map((t) => h("th", {}, t))),
        ),
        h(
          "tbody",
          {},
          ...rooms.map((r) =>
            h(
              "tr",
              { "data-room": r.roomId },
              h("td", {}, r.district),
              h("td", {}, `${r.clients} / ${r.maxClients}`),
              h("td", {}, h("code", {}, r.roomId)),
              h("td", {}, h("code", {}, r.processId)),
              h("td", {}, r.contentRevision === null ? "pack on disk" : `revision ${r.contentRevision}`),
            ),
          ),
        ),
      ),
    );
  }

  private renderPlayers(players: PlayerListing[]): void {
    if (players.length === 0) {
      fill(this.players, h("p", { class: "muted" }, "Nobody is in play."));
      return;
    }
    const { inspect, command } = this.actions;
    fill(
      this.players,
      h(
        "table",
        { class: "players-table" },
        h(
          "thead",
          {},
          h("tr", {}, ...["Character", "Organization", "District", "Process", ""].map((t) => h("th", {}, t))),
        ),
        h(
          "tbody",
          {},
          ...[...players]
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((p) =>
              h(
                "tr",
                { "data-player": p.name },
                h("td", {}, h("b", {}, p.name)),
                h("td", {}, p.organization),
                h("td", {}, p.district),
                h("td", {}, h("code", {}, p.processId)),
                h(
                  "td",
                  { class: "row" },
                  inspect &&
                    h(
                      "button",
                      { type: "button", class: "small", onclick: () => inspect(p.name) },
                      "Inspect",
                    ),
                  command &&
                    h(
                      "button",
                      { type: "button", class: "small", onclick: () => command(p.name) },
                      "Command…",
                    ),
                ),
              ),
            ),
        ),
      ),
    );
  }
}
