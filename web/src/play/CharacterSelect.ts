import type { CharacterSummary } from "../../../src/mxo/contract/characters.js";
import { h, fill } from "../shared/dom.js";
import { ApiError } from "../shared/http.js";
import type { Session } from "../shared/Session.js";
import type { DistrictCatalog } from "./DistrictCatalog.js";

const ORGANIZATIONS = [
  { id: "zion", label: "Zion" },
  { id: "machines", label: "Machines" },
  { id: "merovingian", label: "Merovingian" },
];

export interface CharacterSelectOptions {
  session: Session;
  catalog: DistrictCatalog;
  enter(character: CharacterSummary): Promise<void>;
  logout(): void;
  notice?: string;
}

/** The account's characters (`GET /characters`), a form to create one, and the way in. */
export function characterSelect(opts: CharacterSelectOptions): HTMLElement {
  const list = h("ul", { class: "characters" });
  const status = h("p", { class: "form-status", role: "status" }, opts.notice ?? "");
  if (opts.notice) status.dataset.kind = "info";
  const show = (text: string, kind: "error" | "info" = "error") => {
    status.textContent = text;
    status.dataset.kind = kind;
  };

  const enter = async (c: CharacterSummary, button: HTMLButtonElement) => {
    button.disabled = true;
    show(`Entering ${opts.catalog.get(c.district).name} as ${c.name}…`, "info");
    try {
      await opts.enter(c);
    } catch (err) {
      show(`Could not enter: ${(err as Error).message}`);
      button.disabled = false;
    }
  };

  const render = (characters: CharacterSummary[]) => {
    if (characters.length === 0) {
      fill(list, h("li", { class: "muted" }, "No characters yet: create your first one below."));
      return;
    }
    fill(
      list,
      ...characters.map((c) => {
        const button: HTMLButtonElement = h(
          "button",
          {
            type: "button",
            class: "primary",
            "data-character": c.name,
            onclick: () => void enter(c, button),
          },
          "Enter",
        );
        return h(
          "li",
          {},
          h("span", { class: "character-name" }, c.name),
          h(
            "span",
            { class: "muted" },
            ` level ${c.level} ${c.organization} — ${opts.catalog.get(c.district).name}`,
          ),
          button,
        );
      }),
    );
  };

  const load = async () => {
    try {
      render(await opts.session.call<CharacterSummary[]>("/characters"));
    } catch (err) {
      show(`Could not list your characters: ${(err as Error).message}`);
    }
  };

  const name = h("input", {
    name: "characterName",
    required: true,
    pattern: "[A-Za-z][A-Za-z0-9_]{2,23}",
    maxlength: 24,
    placeholder: "Neo",
    title: "3–24 characters of A-Z, a-z, 0-9 and _, starting with a letter",
  });
  const organization = h(
    "select",
    { name: "organization" },
    ...ORGANIZATIONS.map((o) => h("option", { value: o.id }, o.label)),
  );
  const create = h(
    "form",
    {
      class: "create-character",
      onsubmit: async (e: SubmitEvent) => {
        e.preventDefault();
        try {
          const c = await opts.session.call<CharacterSummary>("/characters", {
            method: "POST",
            body: { name: name.value.trim(), organization: organization.value },
          });
          name.value = "";
          show(`${c.name} is ready.`, "info");
          await load();
        } catch (err) {
          show(
            err instanceof ApiError && err.code === "name_taken"
              ? "That name is taken."
              : (err as Error).message,
          );
        }
      },
    },
    h("h2", {}, "New character"),
    h("label", { class: "field" }, "Name", name),
    h("label", { class: "field" }, "Organization", organization),
    h("button", { type: "submit" }, "Create"),
  );

  void load();
  return h(
    "div",
    { class: "card characters-card" },
    h(
      "header",
      {},
      h("h1", {}, "Your characters"),
      h("span", { class: "muted" }, opts.session.username),
      h("button", { type: "button", class: "small", onclick: () => opts.logout() }, "Log out"),
    ),
    list,
    status,
    create,
  );
}
