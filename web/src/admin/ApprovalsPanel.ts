import { clockTime, h, fill } from "../shared/dom.js";
import type { Session } from "../shared/Session.js";
import { Poller } from "./Poller.js";

interface Approval {
  id: string;
  command: string;
  args: string[];
  requestedBy: string;
  reason: string | null;
  status: string;
  createdAt: string;
}

/** Commands waiting for a second GM (two-person rule), with approve and reject. */
export class ApprovalsPanel {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly status: HTMLElement;
  private readonly poller: Poller;

  constructor(private readonly session: Session) {
    this.body = h("div", {});
    this.status = h("p", { class: "form-status", role: "status" });
    this.el = h(
      "section",
      { class: "panel approvals" },
      h("h2", {}, "Waiting for approval"),
      this.body,
      this.status,
    );
    this.poller = new Poller(() => this.refresh(), 5000);
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
    const list = await this.session.call<Approval[]>("/api/v1/admin/approvals");
    if (list.length === 0) {
      fill(this.body, h("p", { class: "muted" }, "Nothing is waiting."));
      return;
    }
    fill(
      this.body,
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, ...["Requested", "By", "Command", ""].map((t) => h("th", {}, t)))),
        h(
          "tbody",
          {},
          ...list.map((a) =>
            h(
              "tr",
              { "data-approval": a.id },
              h("td", {}, clockTime(a.createdAt)),
              h("td", {}, a.requestedBy),
              h(
                "td",
                {},
                h("code", {}, [a.command, ...a.args].join(" ")),
                a.reason ? h("div", { class: "muted" }, a.reason) : null,
              ),
              h(
                "td",
                { class: "row" },
                h(
                  "button",
                  { type: "button", class: "small primary", onclick: () => void this.decide(a, "approve") },
                  "Approve",
                ),
                h(
                  "button",
                  { type: "button", class: "small danger", onclick: () => void this.decide(a, "reject") },
                  "Reject",
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  private async decide(a: Approval, decision: "approve" | "reject"): Promise<void> {
    try {
      const result = await this.session.call<{ message?: string; status: string }>(
        `/api/v1/admin/approvals/${a.id}/${decision}`,
        { method: "POST" },
      );
      this.status.dataset.kind = "info";
      this.status.textContent = `${a.command}: ${result.message ?? result.status}`;
    } catch (err) {
      this.status.dataset.kind = "error";
      this.status.textContent = `${a.command}: ${(err as Error).message}`;
    }
    await this.poller.now();
  }
}
