import { h, fill } from "../shared/dom.js";
import { loginForm } from "../shared/LoginForm.js";
import type { Session } from "../shared/Session.js";
import { ApprovalsPanel } from "./ApprovalsPanel.js";
import { AuditLogPanel } from "./AuditLogPanel.js";
import { Capabilities, INSPECT } from "./Capabilities.js";
import { CommandConsole } from "./CommandConsole.js";
import { ContentPanel } from "./ContentPanel.js";
import { InspectorPanel } from "./InspectorPanel.js";
import { LivePanel } from "./LivePanel.js";
import { MetricsPanel } from "./MetricsPanel.js";

interface View {
  id: string;
  label: string;
  el: HTMLElement;
  /** Called each time the view is opened. */
  open?: () => void;
}

/**
 * The admin console: log in (with a one-time code where enrolled), then only
 * the views this account may use, decided from its effective permissions and
 * usable commands. A support account, for instance, gets the live lists and
 * the player inspector, and no GM command console.
 */
export class AdminApp {
  private stoppers: (() => void)[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly session: Session,
  ) {
    session.onExpired = (reason) => this.showLogin(`Your session ended: ${reason}`);
  }

  async start(): Promise<void> {
    if (!this.session.loggedIn) return this.showLogin();
    try {
      await this.showConsole();
    } catch (err) {
      this.showLogin(`Please log in again (${(err as Error).message}).`);
    }
  }

  private showLogin(notice?: string): void {
    this.stop();
    this.session.forget();
    fill(
      this.root,
      loginForm({
        session: this.session,
        title: "mxo-server console",
        subtitle: "Staff login. Accounts with TOTP are asked for their one-time code.",
        allowRegister: false,
        notice,
        onLoggedIn: () =>
          void this.showConsole().catch((err: Error) =>
            this.showLogin(`Could not open the console: ${err.message}`),
          ),
      }),
    );
  }

  private async showConsole(): Promise<void> {
    const caps = await Capabilities.load(this.session);
    const views: View[] = [];
    const canInspect = Boolean(caps.command(INSPECT));
    const inspector = canInspect ? new InspectorPanel(this.session) : undefined;
    const gmConsole =
      caps.consoleCommands.length > 0
        ? new CommandConsole(this.session, caps, () => void approvals?.refreshNow())
        : undefined;
    const approvals = caps.can("gm.approve") ? new ApprovalsPanel(this.session) : undefined;
    const show = (id: string) => this.select(views, id);

    if (caps.can("gm.view.districts") || caps.can("gm.view.players")) {
      const live = new LivePanel(this.session, caps, {
        inspect: inspector ? (name) => (show("inspector"), void inspector.inspect(name)) : undefined,
        command: gmConsole ? (name) => (show("commands"), gmConsole.prefill(name)) : undefined,
      });
      views.push({ id: "live", label: "Live", el: live.el, open: () => void live.refreshNow() });
      live.start();
      this.stoppers.push(() => live.stop());
      const metrics = new MetricsPanel(caps.can("gm.view.districts"));
      live.onRooms.push((rooms) => metrics.rooms(rooms));
      views.push({ id: "metrics", label: "Metrics", el: metrics.el });
      metrics.start();
      this.stoppers.push(() => metrics.stop());
    }
    if (inspector) views.push({ id: "inspector", label: "Inspector", el: inspector.el });
    if (gmConsole || approvals) {
      const el = h("div", { class: "view-stack" }, gmConsole?.el, approvals?.el);
      views.push({ id: "commands", label: "GM console", el });
      if (approvals) {
        approvals.start();
        this.stoppers.push(() => approvals.stop());
      }
    }
    if (caps.can("admin.audit.view")) {
      const audit = new AuditLogPanel(this.session);
      let loaded = false;
      views.push({
        id: "audit",
        label: "Audit log",
        el: audit.el,
        open: () => void (loaded || ((loaded = true), audit.load())),
      });
    }
    if (caps.can("gm.content.view")) {
      const content = new ContentPanel(this.session, caps);
      views.push({ id: "content", label: "Content", el: content.el, open: () => void content.load() });
    }

    const me = caps.me;
    const nav = h(
      "nav",
      { class: "tabs" },
      ...views.map((v) => h("a", { href: `#${v.id}`, "data-view": v.id }, v.label)),
    );
    const main = h("main", { class: "views" }, ...views.map((v) => ((v.el.hidden = true), v.el)));
    fill(
      this.root,
      h(
        "header",
        { class: "topbar" },
        h("strong", { class: "brand" }, "mxo-server console"),
        nav,
        h("span", { class: "spacer" }),
        h(
          "span",
          { class: "who" },
          h("b", {}, me.username),
          " ",
          h("span", { class: "muted", id: "roles" }, me.roles.join(", ") || "no roles"),
          me.escalation ? h("span", { class: "tag" }, `escalated to ${me.escalation.role}`) : null,
        ),
        h("button", { type: "button", class: "small", onclick: () => void this.logout() }, "Log out"),
      ),
      views.length > 0
        ? main
        : h(
            "p",
            { class: "card" },
            "This account has no staff permissions: there is nothing here for it to use.",
          ),
    );
    const route = () => show(location.hash.slice(1) || views[0]?.id || "");
    window.addEventListener("hashchange", route);
    this.stoppers.push(() => window.removeEventListener("hashchange", route));
    route();
  }

  private select(views: View[], id: string): void {
    const view = views.find((v) => v.id === id) ?? views[0];
    if (!view) return;
    for (const v of views) v.el.hidden = v !== view;
    for (const a of this.root.querySelectorAll<HTMLElement>("nav.tabs a")) {
      a.classList.toggle("current", a.dataset.view === view.id);
    }
    if (location.hash.slice(1) !== view.id) history.replaceState(null, "", `#${view.id}`);
    view.open?.();
  }

  private async logout(): Promise<void> {
    this.stop();
    await this.session.logout();
    this.showLogin("Logged out.");
  }

  private stop(): void {
    for (const s of this.stoppers) s();
    this.stoppers = [];
  }
}
