import { clockTime, h, fill } from "../shared/dom.js";
import { ApiError } from "../shared/http.js";
import type { Session } from "../shared/Session.js";
import { splitArgs } from "./argv.js";
import type { Capabilities, CommandInfo } from "./Capabilities.js";
import { runCommand, type CommandOutcome } from "./commandOutcome.js";
import { dataView } from "./dataView.js";

const MAX_RESULTS = 50;

/**
 * The GM command console: the commands this account may run (from the
 * registry, with usage and help), arguments typed as on the in-game `gm`
 * line, each result shown with its action id, and for reversible or
 * replayable actions the buttons that undo or repeat them. A command that
 * needs a second GM is queued (202) and appears under approvals.
 */
export class CommandConsole {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly args: HTMLInputElement;
  private readonly help: HTMLElement;
  private readonly results: HTMLOListElement;

  constructor(
    private readonly session: Session,
    private readonly caps: Capabilities,
    private readonly onQueued: () => void,
  ) {
    const commands = caps.consoleCommands;
    this.select = h(
      "select",
      { name: "command", "aria-label": "Command", onchange: () => this.describe() },
      ...commands.map((c) => h("option", { value: c.name }, c.name)),
    );
    this.args = h("input", { name: "args", autocomplete: "off", "aria-label": "Arguments" });
    this.help = h("div", { class: "command-help" });
    this.results = h("ol", { class: "command-results" });
    this.el = h(
      "section",
      { class: "view commands" },
      h("header", { class: "view-header" }, h("h1", {}, "GM commands")),
      h(
        "form",
        {
          class: "panel command-form",
          onsubmit: (e: SubmitEvent) => {
            e.preventDefault();
            void this.run();
          },
        },
        h(
          "div",
          { class: "row" },
          this.select,
          this.args,
          h("button", { type: "submit", class: "primary" }, "Run"),
        ),
        this.help,
      ),
      h("section", { class: "panel" }, h("h2", {}, "Results"), this.results),
      h(
        "details",
        { class: "panel reference" },
        h("summary", {}, "All your commands, with usage"),
        h(
          "table",
          { class: "command-reference" },
          h(
            "tbody",
            {},
            ...commands.map((c) => h("tr", {}, h("td", {}, h("code", {}, c.usage)), h("td", {}, c.help))),
          ),
        ),
      ),
    );
    this.describe();
  }

  /** Starts a command line about a player (from the live player list). */
  prefill(target: string): void {
    this.args.value = target.includes(" ") ? `"${target}" ` : `${target} `;
    this.select.focus();
  }

  private current(): CommandInfo | undefined {
    return this.caps.command(this.select.value);
  }

  private describe(): void {
    const c = this.current();
    if (!c) return;
    this.args.placeholder = c.usage.replace(/^\S+\s*/, "");
    fill(
      this.help,
      h("code", {}, c.usage),
      " — ",
      c.help,
      c.reversible ? h("span", { class: "tag" }, "reversible") : null,
      c.replayable ? h("span", { class: "tag" }, "replayable") : null,
      h("span", { class: "muted" }, ` needs ${c.permission}`),
    );
  }

  private async run(): Promise<void> {
    const command = this.select.value;
    let args: string[];
    try {
      args = splitArgs(this.args.value);
    } catch (err) {
      return this.show(`${command} ${this.args.value}`, {
        ok: false,
        status: "refused",
        code: "invalid_arguments",
        message: (err as Error).message,
      });
    }
    const line = [command, ...args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a))].join(" ");
    const outcome = await runCommand(this.session, command, args);
    this.show(line, outcome);
    if (outcome.status === "queued") this.onQueued();
    if (outcome.ok) this.args.value = "";
  }

  private show(line: string, outcome: CommandOutcome): void {
    const c = this.caps.command(line.split(" ")[0]!);
    const actions = h("div", { class: "row" });
    const done = outcome.ok && outcome.status === "done" && outcome.actionId;
    if (done && c?.reversible && this.caps.can("gm.command.reverse")) {
      actions.append(
        h(
          "button",
          { type: "button", class: "small", onclick: () => void this.follow(outcome.actionId!, "reverse") },
          "Reverse",
        ),
      );
    }
    if (done && c?.replayable && this.caps.can("gm.command.replay")) {
      actions.append(
        h(
          "button",
          { type: "button", class: "small", onclick: () => void this.follow(outcome.actionId!, "replay") },
          "Replay",
        ),
      );
    }
    const item = h(
      "li",
      { "data-status": outcome.status, "data-ok": outcome.ok },
      h(
        "div",
        { class: "row" },
        h("time", {}, clockTime(Date.now())),
        h("code", {}, `> ${line}`),
        h(
          "span",
          { class: "badge" },
          outcome.status === "queued" ? "queued" : outcome.ok ? "ok" : (outcome.code ?? outcome.status),
        ),
      ),
      h("p", { class: "result-message" }, outcome.message),
      outcome.status === "queued" && outcome.approvalId && !outcome.message.includes(outcome.approvalId)
        ? h("p", { class: "muted" }, `Waiting for a second GM: approval ${outcome.approvalId}`)
        : null,
      outcome.actionId ? h("p", { class: "muted" }, "action ", h("code", {}, outcome.actionId)) : null,
      outcome.data !== undefined ? dataView(outcome.data) : null,
      actions,
    );
    this.results.prepend(item);
    while (this.results.childElementCount > MAX_RESULTS) this.results.lastElementChild?.remove();
  }

  private async follow(actionId: string, how: "reverse" | "replay"): Promise<void> {
    let outcome: CommandOutcome;
    try {
      outcome = await this.session.call<CommandOutcome>(`/api/v1/admin/gm-actions/${actionId}/${how}`, {
        method: "POST",
      });
    } catch (err) {
      const e = err as ApiError;
      outcome = { ok: false, status: "refused", code: e.code, message: e.message };
    }
    this.show(`${how} ${actionId}`, outcome);
  }
}
