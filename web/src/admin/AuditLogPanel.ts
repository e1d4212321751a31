import { h, fill } from "../shared/dom.js";
import type { Session } from "../shared/Session.js";
import { dataView } from "./dataView.js";

interface AuditRecord {
  id: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  args: unknown;
  oldValue: unknown;
  newValue: unknown;
  result: string;
  message: string;
  via: string;
  ip: string | null;
  hash: string;
}

type Verification =
  | { ok: true; records: number }
  | { ok: false; records: number; brokenAt: { seq: number; id: string; reason: string } };

const PAGE_SIZE = 25;

/**
 * The audit log, newest first: filters (actor, action — a trailing * matches
 * a prefix —, target, time range), paging with the server's cursor
 * (`before`/`next`), each record's arguments and old/new values on demand,
 * and a check of the whole hash chain.
 */
export class AuditLogPanel {
  readonly el: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly table: HTMLElement;
  private readonly verdict: HTMLElement;
  private readonly older: HTMLButtonElement;
  private readonly newer: HTMLButtonElement;
  private readonly page: HTMLElement;
  /** Cursors of the pages before this one (the first page has none). */
  private cursors: (number | undefined)[] = [];
  private cursor: number | undefined;
  private next: number | null = null;

  constructor(private readonly session: Session) {
    const field = (name: string, label: string, attrs: Record<string, string> = {}) =>
      h("label", { class: "field" }, label, h("input", { name, autocomplete: "off", ...attrs }));
    this.form = h(
      "form",
      {
        class: "panel audit-filters",
        onsubmit: (e: SubmitEvent) => {
          e.preventDefault();
          this.cursors = [];
          this.cursor = undefined;
          void this.load();
        },
      },
      field("actor", "Actor", { placeholder: "username" }),
      field("action", "Action", { placeholder: "command.kick or command.*" }),
      field("target", "Target", { placeholder: "character or id" }),
      field("since", "Since", { type: "datetime-local" }),
      field("until", "Until", { type: "datetime-local" }),
      h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, "Search")),
    );
    this.table = h("div", { class: "audit-table" });
    this.verdict = h("span", { class: "verdict", role: "status" });
    this.older = h("button", { type: "button", disabled: true, onclick: () => this.go(1) }, "Older →");
    this.newer = h("button", { type: "button", disabled: true, onclick: () => this.go(-1) }, "← Newer");
    this.page = h("span", { class: "muted" });
    this.el = h(
      "section",
      { class: "view audit" },
      h(
        "header",
        { class: "view-header" },
        h("h1", {}, "Audit log"),
        h("button", { type: "button", name: "verify", onclick: () => void this.verify() }, "Verify chain"),
        this.verdict,
      ),
      this.form,
      h(
        "section",
        { class: "panel" },
        this.table,
        h("div", { class: "row pager" }, this.newer, this.page, this.older),
      ),
    );
  }

  /** Shows the newest page with the filters as they are. */
  load(): Promise<void> {
    return this.fetchPage();
  }

  private go(direction: 1 | -1): void {
    if (direction === 1 && this.next !== null) {
      this.cursors.push(this.cursor);
      this.cursor = this.next;
    } else if (direction === -1 && this.cursors.length > 0) {
      this.cursor = this.cursors.pop();
    }
    void this.fetchPage();
  }

  private query(): string {
    const data = new FormData(this.form);
    const q = new URLSearchParams();
    for (const key of ["actor", "action", "target"]) {
      const v = String(data.get(key) ?? "").trim();
      if (v) q.set(key, v);
    }
    for (const key of ["since", "until"]) {
      const v = String(data.get(key) ?? "");
      // datetime-local is local time without a zone; the API wants an ISO instant.
      if (v) q.set(key, new Date(v).toISOString());
    }
    q.set("limit", String(PAGE_SIZE));
    if (this.cursor !== undefined) q.set("before", String(this.cursor));
    return q.toString();
  }

  private async fetchPage(): Promise<void> {
    try {
      const { records, next } = await this.session.call<{ records: AuditRecord[]; next: number | null }>(
        `/api/v1/admin/audit-logs?${this.query()}`,
      );
      this.next = next;
      this.render(records);
      this.older.disabled = next === null;
      this.newer.disabled = this.cursors.length === 0;
      this.page.textContent = `page ${this.cursors.length + 1}`;
    } catch (err) {
      fill(this.table, h("p", { class: "error" }, `Could not load the audit log: ${(err as Error).message}`));
    }
  }

  private render(records: AuditRecord[]): void {
    if (records.length === 0) {
      fill(this.table, h("p", { class: "muted" }, "No records match."));
      return;
    }
    fill(
      this.table,
      h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["#", "Time", "Actor", "Action", "Target", "Result", "Message", "Via"].map((t) =>
              h("th", {}, t),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          ...records.flatMap((r) => {
            const details = h(
              "tr",
              { class: "audit-details", hidden: true },
              h(
                "td",
                { colspan: 8 },
                dataView({
                  args: r.args,
                  oldValue: r.oldValue,
                  newValue: r.newValue,
                  ip: r.ip,
                  id: r.id,
                  hash: r.hash,
                }),
              ),
            );
            const row = h(
              "tr",
              {
                class: "audit-row",
                "data-action": r.action,
                "data-target": r.target ?? "",
                "data-result": r.result,
                onclick: () => (details.hidden = !details.hidden),
              },
              h("td", {}, String(r.seq)),
              h("td", {}, new Date(r.at).toLocaleString()),
              h("td", {}, r.actor),
              h("td", {}, h("code", {}, r.action)),
              h("td", {}, r.target ?? ""),
              h("td", { class: `result-${r.result}` }, r.result),
              h("td", {}, r.message),
              h("td", {}, r.via),
            );
            return [row, details];
          }),
        ),
      ),
    );
  }

  private async verify(): Promise<void> {
    this.verdict.textContent = "verifying…";
    this.verdict.dataset.kind = "";
    try {
      const v = await this.session.call<Verification>("/api/v1/admin/audit-logs/verify");
      if (v.ok) {
        this.verdict.textContent = `✔ chain intact: ${v.records} records`;
        this.verdict.dataset.kind = "ok";
      } else {
        this.verdict.textContent = `✖ chain broken at #${v.brokenAt.seq} (${v.brokenAt.reason}) after ${v.records} good records`;
        this.verdict.dataset.kind = "error";
      }
    } catch (err) {
      this.verdict.textContent = `could not verify: ${(err as Error).message}`;
      this.verdict.dataset.kind = "error";
    }
  }
}
