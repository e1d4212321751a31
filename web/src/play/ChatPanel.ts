import type { AnnounceMessage } from "../../../src/framework/contract/chat.js";
import {
  CHAT_CHANNELS as CHANNELS,
  HISTORY_CHANNELS,
  type ChatChannel as Channel,
  type ChatHistoryReply,
  type ChatLine,
} from "../../../src/mxo/contract/chat.js";
import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import { clockTime, h } from "../shared/dom.js";
import type { DistrictRoom } from "./GameConnection.js";

/** A line as the panel shows it: a chat line, or an announcement among them. */
type ShownLine = Omit<ChatLine, "channel"> & { channel: Channel | "announce" };

const MAX_LINES = 300;
/** Typed shortcuts: `/w Trinity hello`, `/d …`, `/g …`, `/t …` (team). */
const SHORTCUTS: Record<string, Channel> = {
  s: "say",
  d: "district",
  o: "organization",
  g: "global",
  w: "whisper",
  t: "team",
};

/**
 * Chat in every channel: say (nearby), district, organization, whisper,
 * global and team (the player's team, wherever its members are), with the server's recent history loaded on each join (and merged,
 * so a reconnect does not repeat lines).
 */
export class ChatPanel {
  readonly el: HTMLElement;
  private readonly lines: HTMLOListElement;
  private readonly seen = new Set<string>();
  private readonly channel: HTMLSelectElement;
  private readonly to: HTMLInputElement;
  private readonly text: HTMLInputElement;
  private readonly filter: HTMLSelectElement;
  private room: DistrictRoom | undefined;

  constructor(private readonly onError: (code: string, message: string) => void) {
    this.lines = h("ol", { class: "chat-lines", "aria-live": "polite" });
    this.channel = h(
      "select",
      { name: "channel", "aria-label": "Channel", onchange: () => this.syncWhisper() },
      ...CHANNELS.map((c) => h("option", { value: c }, c)),
    );
    this.channel.value = "district";
    this.to = h("input", { name: "to", placeholder: "to (character)", maxlength: 24, hidden: true });
    this.text = h("input", {
      name: "chat",
      placeholder: "Say something… (Enter; /w name, /d, /o, /g, /s, /t)",
      maxlength: 256,
      autocomplete: "off",
    });
    this.filter = h(
      "select",
      { name: "filter", "aria-label": "Show", onchange: () => this.applyFilter() },
      h("option", { value: "" }, "all channels"),
      ...CHANNELS.map((c) => h("option", { value: c }, c)),
    );
    const form = h(
      "form",
      {
        class: "chat-input",
        onsubmit: (e: SubmitEvent) => {
          e.preventDefault();
          this.send();
        },
      },
      this.channel,
      this.to,
      this.text,
      h("button", { type: "submit" }, "Send"),
    );
    this.el = h(
      "section",
      { class: "panel chat" },
      h("header", {}, h("h2", {}, "Chat"), this.filter),
      this.lines,
      form,
    );
  }

  focus(): void {
    this.text.focus();
  }

  bind(room: DistrictRoom): void {
    this.room = room;
    room.onMessage("chat", (line: ChatLine) => this.add(line));
    room.onMessage("announce", (a: AnnounceMessage) =>
      this.add({ from: "SYSTEM", channel: "announce", text: a.text, at: a.at }),
    );
    room.onMessage("chat:history", (h: ChatHistoryReply) => {
      for (const line of h.lines) this.add({ ...line, channel: line.channel ?? h.channel });
    });
    for (const channel of HISTORY_CHANNELS)
      room.send("chat:history", { channel } satisfies DistrictClientMessages["chat:history"]);
  }

  add(line: ShownLine): void {
    const key = `${line.at}|${line.channel}|${line.from}|${line.to ?? ""}|${line.text}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const whisperTo = line.channel === "whisper" && line.to ? ` → ${line.to}` : "";
    const item = h(
      "li",
      { "data-channel": line.channel, "data-at": line.at },
      h("time", {}, clockTime(line.at)),
      " ",
      h("span", { class: "channel" }, `[${line.channel}]`),
      " ",
      h("b", {}, `${line.from}${whisperTo}:`),
      " ",
      line.text,
    );
    // History arrives after live lines sometimes: keep the list in time order.
    let before: Element | null = null;
    for (let el = this.lines.lastElementChild; el; el = el.previousElementSibling) {
      if (Number((el as HTMLElement).dataset.at) <= line.at) break;
      before = el;
    }
    this.lines.insertBefore(item, before);
    while (this.lines.childElementCount > MAX_LINES) this.lines.firstElementChild?.remove();
    if (!before) this.lines.scrollTop = this.lines.scrollHeight;
    this.applyFilter(item);
  }

  private send(): void {
    let text = this.text.value.trim();
    let channel = this.channel.value as Channel;
    let to = this.to.value.trim();
    const shortcut = /^\/(\w)\s+(.*)$/.exec(text);
    if (shortcut && SHORTCUTS[shortcut[1]!]) {
      channel = SHORTCUTS[shortcut[1]!]!;
      text = shortcut[2]!;
      if (channel === "whisper") {
        const m = /^(\S+)\s+(.*)$/.exec(text);
        if (!m) return this.onError("invalid_message", "Whisper as /w <character> <text>");
        to = m[1]!;
        text = m[2]!;
      }
    }
    if (!text) return;
    if (channel === "whisper" && !to)
      return this.onError("invalid_message", "A whisper needs a character name in “to”");
    if (!this.room) return this.onError("not_connected", "Not connected to a district right now");
    const message: DistrictClientMessages["chat"] =
      channel === "whisper" ? { channel, text, to } : { channel, text };
    this.room.send("chat", message);
    this.text.value = "";
    // Back to the map, so WASD moves again (Enter opens chat once more).
    this.text.blur();
  }

  private syncWhisper(): void {
    this.to.hidden = this.channel.value !== "whisper";
  }

  private applyFilter(only?: HTMLElement): void {
    const want = this.filter.value;
    const items = only ? [only] : [...this.lines.children];
    for (const item of items as HTMLElement[]) {
      const channel = item.dataset.channel;
      item.hidden = want !== "" && channel !== want && channel !== "announce";
    }
  }
}
