import { h } from "./dom.js";
import { ApiError } from "./http.js";
import type { Session } from "./Session.js";

export interface LoginFormOptions {
  session: Session;
  title: string;
  subtitle: string;
  /** Offer "Create account" (the game client; staff accounts are made by admins). */
  allowRegister: boolean;
  onLoggedIn: () => void;
  /** A message to show on arrival (why the previous session ended). */
  notice?: string;
}

/**
 * Username and password, then, only when the server answers `totp_required`,
 * a one-time code field: accounts without TOTP never see it.
 */
export function loginForm(opts: LoginFormOptions): HTMLElement {
  const username = h("input", { name: "username", autocomplete: "username", required: true, maxlength: 24 });
  const password = h("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const totp = h("input", {
    name: "totp",
    inputmode: "numeric",
    autocomplete: "one-time-code",
    pattern: "[0-9]{6}",
    maxlength: 6,
    placeholder: "6 digits",
  });
  const totpRow = h("label", { class: "field", hidden: true }, "One-time code", totp);
  const status = h("p", { class: "form-status", role: "status" }, opts.notice ?? "");
  const submit = h("button", { type: "submit", class: "primary" }, "Log in");

  const show = (text: string, kind: "error" | "info" = "error") => {
    status.textContent = text;
    status.dataset.kind = kind;
  };

  const busy = async (work: () => Promise<void>) => {
    for (const b of form.querySelectorAll("button")) b.disabled = true;
    try {
      await work();
    } catch (err) {
      show(describeAuthError(err, totpRow));
      if (err instanceof ApiError && (err.code === "totp_required" || err.code === "totp_invalid")) {
        totpRow.hidden = false;
        totp.value = "";
        totp.focus();
      }
    } finally {
      for (const b of form.querySelectorAll("button")) b.disabled = false;
    }
  };

  const form = h(
    "form",
    {
      class: "card login",
      onsubmit: (e: SubmitEvent) => {
        e.preventDefault();
        void busy(async () => {
          show("Logging in…", "info");
          await opts.session.login(
            username.value.trim(),
            password.value,
            totpRow.hidden ? undefined : totp.value,
          );
          opts.onLoggedIn();
        });
      },
    },
    h("h1", {}, opts.title),
    h("p", { class: "muted" }, opts.subtitle),
    h("label", { class: "field" }, "Username", username),
    h("label", { class: "field" }, "Password", password),
    totpRow,
    h(
      "div",
      { class: "row" },
      submit,
      opts.allowRegister &&
        h(
          "button",
          {
            type: "button",
            name: "register",
            onclick: () => {
              if (!form.reportValidity()) return;
              void busy(async () => {
                show("Creating your account…", "info");
                await opts.session.register(username.value.trim(), password.value);
                await opts.session.login(username.value.trim(), password.value);
                opts.onLoggedIn();
              });
            },
          },
          "Create account",
        ),
    ),
    status,
  );
  if (opts.notice) status.dataset.kind = "info";
  return form;
}

function describeAuthError(err: unknown, totpRow: HTMLElement): string {
  if (!(err instanceof ApiError)) return (err as Error).message;
  switch (err.code) {
    case "totp_required":
      return "This account is protected by a one-time code: enter the 6 digits from your authenticator app.";
    case "totp_invalid":
      return "That one-time code is not right (codes change every 30 seconds). Wrong codes count toward the lockout.";
    case "unauthorized":
      return totpRow.hidden ? "Wrong username or password." : err.message;
    case "account_locked":
      return `Locked after too many failed logins. ${err.message}`;
    case "account_banned":
      return err.message;
    case "username_taken":
      return "That username is taken: choose another, or log in if it is yours.";
    case "invalid_request":
      return `Not accepted: ${err.message}`;
    case "rate_limited":
      return "Too many attempts from here; wait a minute and try again.";
    default:
      return `${err.message} (${err.code})`;
  }
}
