import { h, fill } from "../shared/dom.js";
import type { Session } from "../shared/Session.js";
import { runCommand } from "./commandOutcome.js";
import { dataView, rawJson } from "./dataView.js";
import { inspectSummary } from "./inspectSummary.js";

/**
 * The player inspector: the `inspect` command (online or offline characters:
 * stats, position, inventory, missions, recent chat; attributes and unspent
 * points, equipment and team first, when the report carries them), through
 * the same registry, permission check and audit as every GM command.
 */
export class InspectorPanel {
  readonly el: HTMLElement;
  private readonly name: HTMLInputElement;
  private readonly result: HTMLElement;

  constructor(private readonly session: Session) {
    this.name = h("input", {
      name: "inspectTarget",
      placeholder: "character name",
      maxlength: 24,
      required: true,
    });
    this.result = h("div", { class: "inspect-result" });
    this.el = h(
      "section",
      { class: "view inspector" },
      h("header", { class: "view-header" }, h("h1", {}, "Player inspector")),
      h(
        "form",
        {
          class: "panel row",
          onsubmit: (e: SubmitEvent) => {
            e.preventDefault();
            void this.inspect(this.name.value.trim());
          },
        },
        this.name,
        h("button", { type: "submit", class: "primary" }, "Inspect"),
      ),
      this.result,
    );
  }

  async inspect(name: string): Promise<void> {
    if (!name) return;
    this.name.value = name;
    fill(this.result, h("p", { class: "muted" }, `Inspecting ${name}…`));
    const outcome = await runCommand(this.session, "inspect", [name]);
    if (!outcome.ok) {
      fill(this.result, h("p", { class: "error" }, `${outcome.message} (${outcome.code ?? outcome.status})`));
      return;
    }
    fill(
      this.result,
      h(
        "section",
        { class: "panel" },
        h("p", { class: "inspect-summary" }, outcome.message),
        summaryTable(outcome.data),
        dataView(outcome.data),
      ),
      rawJson(outcome.data),
    );
  }
}

/** Attributes, points, equipment and team at a glance, above the full report. */
function summaryTable(data: unknown): HTMLElement | null {
  const lines = inspectSummary(data);
  if (lines.length === 0) return null;
  return h(
    "table",
    { class: "data-table kv inspect-highlights" },
    h(
      "tbody",
      {},
      ...lines.map((l) => h("tr", { "data-line": l.key }, h("th", {}, l.label), h("td", {}, l.value))),
    ),
  );
}
