import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import type { TeamUpdate } from "../../../src/mxo/contract/serverMessages.js";
import { fill, h } from "../shared/dom.js";
import type { EventLog } from "./EventLog.js";
import type { DistrictRoom } from "./GameConnection.js";
import { teamView } from "./teamView.js";

/**
 * The team (`team` messages; teams span districts and processes): members with
 * district, level and the leader's mark, an invite form (anyone out of a team
 * founds one; in a team, the leader), accept/decline for a pending invite,
 * leave, and kick for the leader. Team chat is the chat panel's `team` channel.
 */
export class TeamPanel {
  readonly el: HTMLElement;
  private readonly size: HTMLElement;
  private readonly invite: HTMLElement;
  private readonly list: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly name: HTMLInputElement;
  private readonly leave: HTMLButtonElement;
  private room: DistrictRoom | undefined;
  private last: TeamUpdate | undefined;
  private suggested: string | undefined;

  constructor(
    private readonly me: string,
    private readonly log: EventLog,
    private readonly districtName: (id: string) => string,
  ) {
    this.size = h("span", { class: "muted" });
    this.invite = h("div", { class: "team-invite", hidden: true });
    this.list = h("ul", { class: "team-members" });
    this.name = h("input", { name: "inviteName", placeholder: "character name", maxlength: 24 });
    this.form = h(
      "form",
      {
        class: "row",
        onsubmit: (e: SubmitEvent) => {
          e.preventDefault();
          const name = this.name.value.trim();
          if (!name) return;
          this.send({ action: "invite", name });
          this.name.value = "";
        },
      },
      this.name,
      h("button", { type: "submit", name: "invite" }, "Invite"),
    );
    this.leave = h(
      "button",
      {
        type: "button",
        class: "small danger",
        name: "leaveTeam",
        onclick: () => this.send({ action: "leave" }),
      },
      "Leave",
    );
    this.el = h(
      "section",
      { class: "panel team" },
      h("header", {}, h("h2", {}, "Team"), this.size, this.leave),
      this.invite,
      this.list,
      this.form,
    );
    this.render();
  }

  bind(room: DistrictRoom): void {
    this.room = room;
    room.onMessage("team", (msg: TeamUpdate) => {
      const had = this.last?.invite?.from;
      if (msg.invite && msg.invite.from !== had) {
        this.log.add("info", `${msg.invite.from} invites you to a team.`);
        this.log.toast("info", "Team invite", `from ${msg.invite.from}`);
      }
      this.last = msg;
      this.render();
    });
  }

  /** Offers the selected player's name for the next invite (unless the player is typing one). */
  suggest(name: string | undefined): void {
    // Once per newly selected player, so a name the player cleared or typed is not overwritten.
    if (name === this.suggested) return;
    this.suggested = name;
    if (!name || document.activeElement === this.name) return;
    if (this.last?.members.some((m) => m.name.toLowerCase() === name.toLowerCase())) return;
    this.name.value = name;
  }

  private send(message: DistrictClientMessages["team"]): void {
    if (!this.room) return this.log.serverError("not_connected", "Not connected to a district right now");
    this.room.send("team", message);
  }

  private render(): void {
    const v = teamView(this.last, this.me, this.districtName);
    this.size.textContent = v.size;
    this.leave.hidden = !v.inTeam;
    this.form.hidden = !v.canInvite;
    this.invite.hidden = !v.inviteFrom;
    fill(
      this.invite,
      v.inviteFrom &&
        h(
          "p",
          {},
          h("b", {}, v.inviteFrom),
          " invites you",
          v.inviteExpiry ? ` (${v.inviteExpiry}). ` : ". ",
          h(
            "button",
            {
              type: "button",
              class: "small",
              name: "acceptInvite",
              onclick: () => this.send({ action: "accept" }),
            },
            "Accept",
          ),
          " ",
          h(
            "button",
            {
              type: "button",
              class: "small",
              name: "declineInvite",
              onclick: () => this.send({ action: "decline" }),
            },
            "Decline",
          ),
        ),
    );
    if (!v.inTeam) {
      fill(this.list, h("li", { class: "muted" }, "Not in a team. Invite someone to found one."));
      return;
    }
    fill(
      this.list,
      ...v.members.map((m) =>
        h(
          "li",
          { "data-member": m.name, "data-leader": m.leader, "data-online": m.online },
          h("b", {}, m.name),
          m.leader && h("span", { class: "leader-mark", title: "Team leader" }, " ★"),
          m.self && h("span", { class: "muted" }, " (you)"),
          h("span", { class: "muted" }, ` ${m.detail}`),
          m.canKick &&
            h(
              "button",
              {
                type: "button",
                class: "small",
                name: "kick",
                title: `Remove ${m.name} from the team`,
                onclick: () => this.send({ action: "kick", name: m.name }),
              },
              "Kick",
            ),
        ),
      ),
    );
  }
}
