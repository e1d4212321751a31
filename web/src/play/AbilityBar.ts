import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import type { LoadoutUpdate } from "../../../src/mxo/contract/serverMessages.js";
import { h, fill } from "../shared/dom.js";
import type { DistrictRoom } from "./GameConnection.js";
import type { Target } from "./DistrictCanvas.js";

/** The close-combat move every character has (README: `ability` with `interlock`), never part of the loadout list. */
export const CLOSE_COMBAT = "interlock";

/**
 * The loaded abilities as buttons (keys 1–9, 0) used on the selected target
 * (or on yourself when nothing is selected),
 * the close-combat move, and the loadout: memory used of the level's budget,
 * changed at a hardline (`loadout {abilities}`; the server checks the
 * hardline, the budget and what the character knows).
 */
export class AbilityBar {
  readonly el: HTMLElement;
  private readonly buttons: HTMLElement;
  private readonly memory: HTMLElement;
  private readonly editor: HTMLFormElement;
  private readonly editorInput: HTMLInputElement;
  private loadout: LoadoutUpdate | undefined;
  private room: DistrictRoom | undefined;
  /** Told the acquired abilities (the catalog's ids) after each `loadout` message. */
  onCatalog: (abilityIds: string[]) => void = () => undefined;

  constructor(
    private readonly target: () => Target | undefined,
    private readonly self: () => string | undefined,
    private readonly onError: (code: string, message: string) => void,
  ) {
    this.buttons = h("div", { class: "ability-buttons" });
    this.memory = h("span", { class: "muted" });
    this.editorInput = h("input", {
      name: "loadout",
      placeholder: "ability ids, comma-separated",
      autocomplete: "off",
    });
    this.editor = h(
      "form",
      {
        class: "loadout-editor",
        hidden: true,
        onsubmit: (e: SubmitEvent) => {
          e.preventDefault();
          const abilities = this.editorInput.value
            .split(/[\s,]+/)
            .map((s) => s.trim())
            .filter(Boolean);
          this.room?.send("loadout", { abilities } satisfies DistrictClientMessages["loadout"]);
          this.editor.hidden = true;
        },
      },
      this.editorInput,
      h("button", { type: "submit" }, "Load"),
    );
    this.el = h(
      "section",
      { class: "panel abilities" },
      h(
        "header",
        {},
        h("h2", {}, "Abilities"),
        this.memory,
        h(
          "button",
          {
            type: "button",
            class: "small",
            title: "Change the loadout (stand at a hardline)",
            onclick: () => this.openEditor(),
          },
          "Loadout…",
        ),
      ),
      this.buttons,
      this.editor,
    );
    this.render();
  }

  /** Keys 1–9, 0 use the loaded abilities in order; true when the key was one of them. */
  onKey(e: KeyboardEvent): boolean {
    const slot = "1234567890".indexOf(e.key);
    const ids = this.ids();
    if (slot < 0 || slot >= ids.length) return false;
    this.use(ids[slot]!);
    return true;
  }

  bind(room: DistrictRoom): void {
    this.room = room;
    room.onMessage("loadout", (msg: LoadoutUpdate) => {
      this.loadout = msg;
      this.render();
      this.onCatalog((msg.catalog ?? []).map((a) => a.id));
    });
  }

  use(abilityId: string): void {
    if (!this.room) return this.onError("not_connected", "Not connected to a district right now");
    // Without a target an ability is used on yourself (heals, buffs, sprint); the
    // server refuses attacks on yourself with its own message.
    const targetId = this.target()?.id ?? this.self();
    if (!targetId) return;
    this.room.send("ability", { abilityId, targetId } satisfies DistrictClientMessages["ability"]);
    const button = this.buttons.querySelector<HTMLElement>(`[data-ability="${CSS.escape(abilityId)}"]`);
    button?.classList.remove("fired");
    void button?.offsetWidth; // restart the animation
    button?.classList.add("fired");
  }

  private nameOf(id: string): string {
    return this.loadout?.catalog?.find((a) => a.id === id)?.name ?? id;
  }

  /** A tooltip from the catalog: kind, range, cooldown, Inner Strength and memory. */
  private describe(id: string): string {
    const a = this.loadout?.catalog?.find((x) => x.id === id);
    if (!a) return `Use ${id} on the target`;
    const reach = a.target === "self" ? "on yourself" : `range ${a.range}`;
    return `${a.name} (${id}): ${a.kind}, ${reach}, cooldown ${a.cooldown} s, ${a.innerStrength} IS, memory ${a.memoryCost}`;
  }

  private ids(): string[] {
    return [...(this.loadout?.abilities ?? []), CLOSE_COMBAT];
  }

  private openEditor(): void {
    this.editor.hidden = !this.editor.hidden;
    this.editorInput.value = (this.loadout?.abilities ?? []).join(", ");
    // What can be loaded: every known ability, with its memory cost.
    this.editorInput.title = (this.loadout?.catalog ?? [])
      .map((a) => `${a.id} (${a.name}, memory ${a.memoryCost})`)
      .join("\n");
    if (!this.editor.hidden) this.editorInput.focus();
  }

  private render(): void {
    const ids = this.ids();
    fill(
      this.buttons,
      ...ids.map((id, i) =>
        h(
          "button",
          {
            type: "button",
            class: id === CLOSE_COMBAT ? "ability close-combat" : "ability",
            "data-ability": id,
            title: id === CLOSE_COMBAT ? "Pull the target into close combat" : this.describe(id),
            onclick: () => this.use(id),
          },
          h("kbd", {}, i < 10 ? "1234567890"[i]! : ""),
          id === CLOSE_COMBAT ? "Interlock" : this.nameOf(id),
        ),
      ),
    );
    this.memory.textContent = this.loadout
      ? `memory ${this.loadout.memory}/${this.loadout.budget}${this.loadout.custom ? "" : " (starter set)"}`
      : "";
  }
}
