import { clockTime, h } from "../shared/dom.js";
import { errorHint } from "./errorHints.js";

export type EventKind = "info" | "good" | "warn" | "error" | "combat";

const MAX_LINES = 200;
const TOAST_MS = 6000;

/**
 * The player's running log (server errors, announcements, loot, experience,
 * connection changes) plus toasts for what needs attention now. Every server
 * `error` shows its code, the server's message and what to do about it.
 */
export class EventLog {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly toasts: HTMLElement;

  constructor(toastHost: HTMLElement) {
    this.list = h("ol", { class: "log-lines", "aria-live": "polite" });
    this.el = h("section", { class: "panel event-log" }, h("h2", {}, "Events"), this.list);
    this.toasts = h("div", { class: "toasts", role: "alert" });
    toastHost.append(this.toasts);
  }

  add(kind: EventKind, text: string, at: number = Date.now()): void {
    this.list.append(h("li", { "data-kind": kind }, h("time", {}, clockTime(at)), " ", text));
    while (this.list.childElementCount > MAX_LINES) this.list.firstElementChild?.remove();
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** A server `error {code, message}` (or a refused join): logged and toasted. */
  serverError(code: string, message: string): void {
    const hint = errorHint(code);
    this.add("error", `${message}${hint ? ` — ${hint}` : ""} [${code}]`);
    this.toast("error", message, hint, code);
  }

  toast(kind: EventKind, title: string, detail?: string, code?: string): void {
    const toast = h(
      "div",
      { class: "toast", "data-kind": kind, "data-code": code },
      h("strong", {}, title),
      detail ? h("span", {}, detail) : null,
    );
    this.toasts.append(toast);
    setTimeout(() => toast.remove(), TOAST_MS);
  }
}
