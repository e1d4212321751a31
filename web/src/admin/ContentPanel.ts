import { h, fill } from "../shared/dom.js";
import { ApiError } from "../shared/http.js";
import type { Session } from "../shared/Session.js";
import type { Capabilities } from "./Capabilities.js";
import { packFromFiles } from "./contentFiles.js";
import { jsonDiff, type DiffEntry } from "./jsonDiff.js";

interface RevisionInfo {
  revision: number;
  sha256: string;
  note: string;
  createdBy: string;
  createdAt: string;
  deployedAt: string | null;
  active: boolean;
}

interface ContentOverview {
  running: { processId: string; revision: number | null };
  revisions: RevisionInfo[];
}

/** The route that returns a stored revision's pack; a server without it gets diffs against nothing. */
const revisionRoute = (rev: number) => `/api/v1/admin/content/revisions/${rev}`;
const MAX_DIFF_ROWS = 400;

/**
 * Content revisions: what is stored and which one runs, a diff between two
 * revisions or between an uploaded pack and a revision, storing a new
 * revision (validated by the server, every issue listed), deploy (hot, every
 * room on every process) and rollback.
 */
export class ContentPanel {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly status: HTMLElement;
  private readonly diffOut: HTMLElement;
  private readonly from: HTMLSelectElement;
  private readonly to: HTMLSelectElement;
  private readonly files: HTMLInputElement;
  private readonly note: HTMLInputElement;
  private readonly base: HTMLSelectElement;
  private readonly compare: HTMLElement;
  private revisions: RevisionInfo[] = [];
  private readonly packs = new Map<number, unknown>();

  constructor(
    private readonly session: Session,
    private readonly caps: Capabilities,
  ) {
    const deploy = caps.can("gm.content.deploy");
    this.list = h("div", {});
    this.status = h("p", { class: "form-status", role: "status" });
    this.diffOut = h("div", { class: "diff" });
    this.from = h("select", { name: "diffFrom", "aria-label": "From revision" });
    this.to = h("select", { name: "diffTo", "aria-label": "To revision" });
    this.base = h("select", { name: "uploadBase", "aria-label": "Compare with" });
    this.files = h("input", { type: "file", name: "pack", accept: ".json,application/json", multiple: true });
    this.note = h("input", { name: "note", placeholder: "what changed (optional)", maxlength: 256 });
    this.el = h(
      "section",
      { class: "view content" },
      h(
        "header",
        { class: "view-header" },
        h("h1", {}, "Content"),
        deploy &&
          h("button", { type: "button", name: "rollback", onclick: () => void this.rollback() }, "Roll back"),
      ),
      this.status,
      h("section", { class: "panel" }, h("h2", {}, "Revisions"), this.list),
      (this.compare = h(
        "section",
        { class: "panel", hidden: true },
        h("h2", {}, "Compare revisions"),
        h(
          "form",
          {
            class: "row",
            onsubmit: (e: SubmitEvent) => {
              e.preventDefault();
              void this.compareStored();
            },
          },
          this.from,
          "→",
          this.to,
          h("button", { type: "submit" }, "Diff"),
        ),
      )),
      deploy &&
        h(
          "section",
          { class: "panel" },
          h("h2", {}, "New revision"),
          h(
            "p",
            { class: "muted" },
            "One JSON file with the whole pack, or the pack's files (pack.json, districts.json, …) together.",
          ),
          h(
            "form",
            {
              class: "row",
              onsubmit: (e: SubmitEvent) => {
                e.preventDefault();
                void this.upload();
              },
            },
            this.files,
            this.note,
            h("span", { class: "muted" }, "compare with"),
            this.base,
            h("button", { type: "button", onclick: () => void this.previewUpload() }, "Preview diff"),
            h("button", { type: "submit", class: "primary" }, "Store revision"),
          ),
        ),
      h("section", { class: "panel" }, h("h2", {}, "Diff"), this.diffOut),
    );
  }

  async load(): Promise<void> {
    try {
      const overview = await this.session.call<ContentOverview>("/api/v1/admin/content");
      this.revisions = overview.revisions;
      this.render(overview);
    } catch (err) {
      this.say(`Could not list revisions: ${(err as Error).message}`, "error");
    }
  }

  private render(o: ContentOverview): void {
    const deploy = this.caps.can("gm.content.deploy");
    const options = (withNothing: boolean) => [
      ...(withNothing ? [h("option", { value: "" }, "nothing")] : []),
      ...this.revisions.map((r) =>
        h("option", { value: String(r.revision) }, `revision ${r.revision}${r.active ? " (active)" : ""}`),
      ),
    ];
    // Comparing needs two revisions.
    this.compare.hidden = this.revisions.length < 2;
    fill(this.from, ...options(false));
    fill(this.to, ...options(false));
    fill(this.base, ...options(true));
    if (this.revisions.length > 1) this.from.value = String(this.revisions[1]!.revision);
    const active = this.revisions.find((r) => r.active);
    if (active) this.base.value = String(active.revision);
    if (this.revisions.length === 0) {
      fill(
        this.list,
        h(
          "p",
          { class: "muted" },
          `No revisions stored: every process runs the pack on disk (this one: ${o.running.processId}).`,
        ),
      );
      return;
    }
    fill(
      this.list,
      h(
        "p",
        { class: "muted" },
        `This process (${o.running.processId}) runs ${o.running.revision === null ? "the pack on disk" : `revision ${o.running.revision}`}.`,
      ),
      h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Revision", "Stored", "By", "Note", "Deployed", "sha256", ""].map((t) => h("th", {}, t)),
          ),
        ),
        h(
          "tbody",
          {},
          ...this.revisions.map((r) =>
            h(
              "tr",
              { "data-revision": r.revision, class: r.active ? "active" : "" },
              h(
                "td",
                {},
                h("b", {}, String(r.revision)),
                r.active ? h("span", { class: "tag" }, "active") : null,
              ),
              h("td", {}, new Date(r.createdAt).toLocaleString()),
              h("td", {}, r.createdBy),
              h("td", {}, r.note),
              h("td", {}, r.deployedAt ? new Date(r.deployedAt).toLocaleString() : "—"),
              h("td", {}, h("code", { title: r.sha256 }, r.sha256.slice(0, 12))),
              h(
                "td",
                {},
                deploy && !r.active
                  ? h(
                      "button",
                      { type: "button", class: "small", onclick: () => void this.deploy(r.revision) },
                      "Deploy",
                    )
                  : null,
              ),
            ),
          ),
        ),
      ),
    );
  }

  /** A stored revision's pack, or undefined when the server has no route for it. */
  private async pack(rev: number): Promise<unknown | undefined> {
    if (this.packs.has(rev)) return this.packs.get(rev);
    try {
      const body = await this.session.call<{ pack?: unknown }>(revisionRoute(rev));
      const pack = body && typeof body === "object" && "pack" in body ? body.pack : body;
      this.packs.set(rev, pack);
      return pack;
    } catch (err) {
      // A 404 without the API's error body is Express's own: the route does not exist here.
      if (err instanceof ApiError && err.code === "http_404") return undefined;
      throw err;
    }
  }

  private async compareStored(): Promise<void> {
    const a = Number(this.from.value);
    const b = Number(this.to.value);
    if (!a || !b) return;
    try {
      const [before, after] = await Promise.all([this.pack(a), this.pack(b)]);
      if (before === undefined || after === undefined) {
        this.say(
          `This server does not return stored packs (GET ${revisionRoute(a)}), so stored revisions cannot be compared here; their sha256 differ: ${this.sha(a)} → ${this.sha(b)}.`,
          "error",
        );
        return;
      }
      this.showDiff(`revision ${a} → revision ${b}`, jsonDiff(before, after));
    } catch (err) {
      this.say(`Could not compare: ${(err as Error).message}`, "error");
    }
  }

  private async previewUpload(): Promise<unknown | undefined> {
    try {
      const pack = await packFromFiles([...(this.files.files ?? [])]);
      const baseRev = Number(this.base.value);
      let before: unknown = undefined;
      let label = "nothing";
      if (baseRev) {
        before = await this.pack(baseRev);
        label =
          before === undefined ? "nothing (this server does not return stored packs)" : `revision ${baseRev}`;
      }
      // Against nothing, every part of the pack shows as added, one line each.
      const defaulted = { count: 0 };
      const entries = jsonDiff(before ?? {}, pack, "", { omittedMeansDefault: true, defaulted });
      this.showDiff(`${label} → upload`, entries, defaulted.count);
      return pack;
    } catch (err) {
      this.say((err as Error).message, "error");
      return undefined;
    }
  }

  private async upload(): Promise<void> {
    const pack = await this.previewUpload();
    if (pack === undefined) return;
    try {
      const created = await this.session.call<{ revision: number; sha256: string }>(
        "/api/v1/admin/content/revisions",
        {
          method: "POST",
          body: { pack, ...(this.note.value.trim() ? { note: this.note.value.trim() } : {}) },
        },
      );
      this.packs.set(created.revision, pack);
      this.say(
        `Stored revision ${created.revision} (sha256 ${created.sha256.slice(0, 12)}…). Deploy it when ready.`,
        "info",
      );
      this.files.value = "";
      this.note.value = "";
      await this.load();
    } catch (err) {
      if (err instanceof ApiError && err.code === "invalid_content") {
        const issues =
          (err.details as { issues?: { file: string; path: string; message: string; id?: string }[] })
            ?.issues ?? [];
        this.say(`The pack was refused: ${issues.length} issue(s).`, "error");
        fill(
          this.diffOut,
          h(
            "ul",
            { class: "issues" },
            ...issues.map((i) =>
              h("li", {}, h("code", {}, `${i.file}: ${i.path}`), ` ${i.message}${i.id ? ` (${i.id})` : ""}`),
            ),
          ),
        );
        return;
      }
      this.say(`Could not store: ${(err as Error).message}`, "error");
    }
  }

  private async deploy(rev: number): Promise<void> {
    if (!confirm(`Deploy revision ${rev} to every room on every process now?`)) return;
    try {
      const r = await this.session.call<{ revision: number; previous: number | null }>(
        `/api/v1/admin/content/revisions/${rev}/deploy`,
        { method: "POST" },
      );
      this.say(
        `Revision ${r.revision} deployed (was ${r.previous ?? "the pack on disk"}); rooms switch at their next tick.`,
        "info",
      );
    } catch (err) {
      this.say(`Deploy failed: ${(err as Error).message}`, "error");
    }
    await this.load();
  }

  private async rollback(): Promise<void> {
    if (!confirm("Roll content back to the revision deployed before the current one?")) return;
    try {
      const r = await this.session.call<{ revision: number; previous: number | null }>(
        "/api/v1/admin/content/rollback",
        {
          method: "POST",
        },
      );
      this.say(`Rolled back to revision ${r.revision} (from ${r.previous ?? "none"}).`, "info");
    } catch (err) {
      this.say(`Rollback refused: ${(err as Error).message}`, "error");
    }
    await this.load();
  }

  private showDiff(title: string, entries: DiffEntry[], defaulted = 0): void {
    const shown = entries.slice(0, MAX_DIFF_ROWS);
    fill(
      this.diffOut,
      h(
        "p",
        {},
        h("b", {}, title),
        ` — ${entries.length} difference(s)${entries.length > shown.length ? `, first ${shown.length} shown` : ""}`,
        defaulted > 0
          ? h("span", { class: "muted" }, ` (${defaulted} fields the upload leaves to their defaults)`)
          : null,
      ),
      entries.length === 0
        ? h("p", { class: "muted" }, "Identical.")
        : h(
            "table",
            { class: "diff-table" },
            h(
              "tbody",
              {},
              ...shown.map((e) =>
                h(
                  "tr",
                  { "data-kind": e.kind },
                  h("td", {}, e.kind === "added" ? "+" : e.kind === "removed" ? "−" : "~"),
                  h("td", {}, h("code", {}, e.path)),
                  h("td", {}, e.kind === "added" ? "" : h("code", {}, short(e.before))),
                  h("td", {}, e.kind === "removed" ? "" : h("code", {}, short(e.after))),
                ),
              ),
            ),
          ),
    );
  }

  private sha(rev: number): string {
    return this.revisions.find((r) => r.revision === rev)?.sha256.slice(0, 12) ?? "?";
  }

  private say(text: string, kind: "info" | "error"): void {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }
}

function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? "" : s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
