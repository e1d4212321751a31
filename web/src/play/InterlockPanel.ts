import type { InterlockMessage } from "../../../src/mxo/contract/clientMessages.js";
import type { RoundEntry, Side } from "../../../src/mxo/contract/combat.js";
import { h } from "../shared/dom.js";
import type { DistrictRoom } from "./GameConnection.js";

type Action = InterlockMessage["action"];

const ACTIONS: readonly { action: Action; key: string; label: string }[] = [
  { action: "quick", key: "z", label: "Quick" },
  { action: "power", key: "x", label: "Power" },
  { action: "grab", key: "c", label: "Grab" },
  { action: "block", key: "v", label: "Block" },
  { action: "withdraw", key: "b", label: "Withdraw" },
];
const MAX_ROUNDS = 60;

/**
 * Close combat (interlock): the action for the coming round (keys Z X C V B)
 * and the round log, each round as the server resolved it from this
 * player's side.
 */
export class InterlockPanel {
  readonly el: HTMLElement;
  private readonly status: HTMLElement;
  private readonly rounds: HTMLOListElement;
  private readonly controls: HTMLButtonElement[];
  private room: DistrictRoom | undefined;
  private chosen: Action | undefined;

  constructor() {
    this.status = h("p", { class: "muted interlock-status" }, "Not in close combat.");
    this.controls = ACTIONS.map(({ action, key, label }) =>
      h(
        "button",
        {
          type: "button",
          "data-action": action,
          disabled: true,
          onclick: () => this.choose(action),
        },
        h("kbd", {}, key.toUpperCase()),
        label,
      ),
    );
    this.rounds = h("ol", { class: "round-log" });
    this.el = h(
      "section",
      { class: "panel interlock" },
      h("h2", {}, "Close combat"),
      this.status,
      h("div", { class: "interlock-actions" }, ...this.controls),
      this.rounds,
    );
  }

  /** Z X C V B choose the round's action while in close combat; true when the key was used. */
  onKey(e: KeyboardEvent): boolean {
    const found = ACTIONS.find((a) => a.key === e.key.toLowerCase());
    if (!found || this.controls[0]!.disabled) return false;
    this.choose(found.action);
    return true;
  }

  bind(room: DistrictRoom): void {
    this.room = room;
    this.ended("");
  }

  started(opponent: string): void {
    this.status.textContent = `Locked in close combat with ${opponent}: choose your move each round.`;
    for (const b of this.controls) b.disabled = false;
    this.el.classList.add("active");
  }

  ended(text: string): void {
    if (text) this.status.textContent = text;
    for (const b of this.controls) {
      b.disabled = true;
      b.classList.remove("chosen");
    }
    this.el.classList.remove("active");
    this.chosen = undefined;
  }

  round(entry: RoundEntry, mine: Side, opponent: string): void {
    const theirs: Side = mine === "a" ? "b" : "a";
    const outcome =
      entry.hits[mine] && !entry.hits[theirs]
        ? "win"
        : entry.hits[theirs] && !entry.hits[mine]
          ? "loss"
          : "trade";
    const item = h(
      "li",
      { "data-outcome": outcome },
      h("b", {}, `R${entry.round}`),
      ` you ${entry.actions[mine]} vs ${opponent} ${entry.actions[theirs]} — `,
      `dealt ${Math.round(entry.dealt[mine])}, took ${Math.round(entry.dealt[theirs])}`,
      entry.dazed[theirs] ? " · they are dazed" : "",
      entry.dazed[mine] ? " · you are dazed" : "",
      entry.escaped[mine] ? " · you got away" : "",
      ` · HP ${Math.round(entry.after[mine].hp)} / ${Math.round(entry.after[theirs].hp)}`,
    );
    this.rounds.prepend(item);
    while (this.rounds.childElementCount > MAX_ROUNDS) this.rounds.lastElementChild?.remove();
    for (const b of this.controls) b.classList.remove("chosen");
    this.chosen = undefined;
  }

  private choose(action: Action): void {
    this.room?.send("interlock", { action } satisfies InterlockMessage);
    this.chosen = action;
    for (const b of this.controls) b.classList.toggle("chosen", b.dataset.action === this.chosen);
  }
}
