import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import { h } from "../shared/dom.js";
import type { Target } from "./DistrictCanvas.js";
import type { DistrictRoom } from "./GameConnection.js";
import type { NpcEntity, PlayerEntity } from "./types.js";

/** The selected target: who, how hurt, how far; talk to it (`interact`) or let it go. */
export class TargetPanel {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly talk: HTMLButtonElement;
  private room: DistrictRoom | undefined;
  target: Target | undefined;

  constructor() {
    this.body = h("p", { class: "target-body muted" }, "Click an NPC on the map to target it.");
    this.talk = h(
      "button",
      { type: "button", class: "small", hidden: true, onclick: () => this.interact() },
      "Talk",
    );
    this.el = h(
      "section",
      { class: "panel target" },
      h(
        "header",
        {},
        h("h2", {}, "Target"),
        this.talk,
        h("button", { type: "button", class: "small", onclick: () => this.set(undefined) }, "Clear"),
      ),
      this.body,
    );
  }

  bind(room: DistrictRoom): void {
    this.room = room;
    this.set(undefined);
  }

  set(target: Target | undefined): void {
    this.target = target;
    this.talk.hidden = target?.kind !== "npc";
    this.el.classList.toggle("has-target", Boolean(target));
  }

  /** Called each frame with what the state says about the target now. */
  refresh(entity: NpcEntity | PlayerEntity | undefined, distance: number | undefined): void {
    if (!this.target) {
      this.body.textContent = "Click an NPC on the map to target it.";
      return;
    }
    if (!entity) {
      this.body.textContent = "Out of sight.";
      return;
    }
    const level = "level" in entity ? ` [${entity.level}]` : "";
    const text = `${entity.name}${level} — ${Math.max(0, entity.hp)}/${entity.maxHp} HP${
      distance !== undefined ? ` — ${distance.toFixed(1)} units away` : ""
    }`;
    if (this.body.textContent !== text) this.body.textContent = text;
  }

  private interact(): void {
    if (this.target && this.room)
      this.room.send("interact", { target: this.target.id } satisfies DistrictClientMessages["interact"]);
  }
}
