import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import type { MissionUpdate, ObjectiveProgress } from "../../../src/mxo/contract/missions.js";
import { h, fill } from "../shared/dom.js";
import type { EventLog } from "./EventLog.js";
import type { DistrictRoom } from "./GameConnection.js";

/**
 * The mission log: missions accepted here with their objectives as the server
 * counts them, accept by id (missions come from contacts in the content pack),
 * abandon, and turn in again when handing in collected items failed.
 */
export class MissionLog {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly active = new Map<string, { objectives: ObjectiveProgress[]; turnIn: boolean }>();
  private room: DistrictRoom | undefined;

  constructor(private readonly log: EventLog) {
    const id = h("input", {
      name: "missionId",
      placeholder: "mission id, e.g. rl-wake-up",
      maxlength: 64,
      autocomplete: "off",
    });
    this.list = h("ul", { class: "missions" });
    this.el = h(
      "section",
      { class: "panel mission-log" },
      h("h2", {}, "Missions"),
      this.list,
      h(
        "form",
        {
          class: "row",
          onsubmit: (e: SubmitEvent) => {
            e.preventDefault();
            const missionId = id.value.trim();
            if (!missionId) return;
            this.send("accept", missionId);
            id.value = "";
          },
        },
        id,
        h("button", { type: "submit" }, "Accept"),
      ),
    );
    this.render();
  }

  bind(room: DistrictRoom): void {
    this.room = room;
    room.onMessage("mission", (msg: MissionUpdate) => this.handle(msg));
  }

  private handle(msg: MissionUpdate): void {
    switch (msg.kind) {
      case "accepted":
        this.active.set(msg.missionId, { objectives: msg.objectives, turnIn: false });
        this.log.add("good", `Mission accepted: ${msg.missionId}.`);
        break;
      case "progress": {
        const m = this.active.get(msg.missionId);
        this.active.set(msg.missionId, { objectives: msg.objectives, turnIn: m?.turnIn ?? false });
        break;
      }
      case "abandoned":
        this.active.delete(msg.missionId);
        this.log.add("warn", `Mission abandoned: ${msg.missionId}.`);
        break;
      case "escort":
        this.log.add(
          "info",
          `Escort ${msg.template} to (${msg.to.x}, ${msg.to.y}) for ${msg.missionId}: it follows you.`,
        );
        break;
      case "turn_in_failed": {
        const m = this.active.get(msg.missionId);
        if (m) m.turnIn = true;
        this.log.serverError("turn_in_failed", msg.message);
        break;
      }
      case "completed": {
        this.active.delete(msg.missionId);
        const r = msg.rewards;
        const items = r.items.map((i) => `${i.count}× ${i.item}`);
        this.log.add(
          "good",
          `Mission complete: ${msg.missionId} — ${r.xp} xp${r.info ? `, ${r.info} information` : ""}${items.length ? `, ${items.join(", ")}` : ""}.`,
        );
        this.log.toast("good", "Mission complete", msg.missionId);
        break;
      }
    }
    this.render();
  }

  private send(action: DistrictClientMessages["mission"]["action"], missionId: string): void {
    if (!this.room) return this.log.serverError("not_connected", "Not connected to a district right now");
    this.room.send("mission", { action, missionId } satisfies DistrictClientMessages["mission"]);
  }

  private render(): void {
    if (this.active.size === 0) {
      fill(this.list, h("li", { class: "muted" }, "No active missions."));
      return;
    }
    fill(
      this.list,
      ...[...this.active].map(([id, m]) =>
        h(
          "li",
          { "data-mission": id },
          h("b", {}, id),
          h(
            "ul",
            {},
            ...m.objectives.map((o) => h("li", { "data-done": o.progress >= goal(o) }, describe(o))),
          ),
          h(
            "div",
            { class: "row" },
            m.turnIn &&
              h(
                "button",
                { type: "button", class: "small", onclick: () => this.send("turn_in", id) },
                "Turn in",
              ),
            h(
              "button",
              { type: "button", class: "small", onclick: () => this.send("abandon", id) },
              "Abandon",
            ),
          ),
        ),
      ),
    );
  }
}

function goal(o: ObjectiveProgress): number {
  return o.objective.kind === "eliminate" || o.objective.kind === "collect" ? o.objective.count : 1;
}

function describe(o: ObjectiveProgress): string {
  const done = `${Math.min(o.progress, goal(o))}/${goal(o)}`;
  switch (o.objective.kind) {
    case "meet":
      return `Meet ${o.objective.contact} (${done})`;
    case "eliminate":
      return `Defeat ${o.objective.template} (${done})`;
    case "collect":
      return `Collect ${o.objective.item} (${done})`;
    case "escort":
      return `Escort ${o.objective.template} (${done})`;
  }
}
