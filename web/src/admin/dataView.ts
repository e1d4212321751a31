import { h } from "../shared/dom.js";

/**
 * Renders any JSON value readably: objects as key/value tables, arrays of
 * objects as tables with a column per key, scalars as text. Used for command
 * results whose shape belongs to the command (e.g. `inspect`).
 */
export function dataView(value: unknown, depth = 0): Node {
  if (value === null || value === undefined) return h("span", { class: "muted" }, "—");
  if (typeof value === "number" && !Number.isInteger(value)) {
    // Positions and the like carry float noise (1499.0189547239445): two decimals say enough.
    return h("span", { title: String(value) }, value.toFixed(2));
  }
  if (typeof value !== "object") return document.createTextNode(String(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return h("span", { class: "muted" }, "none");
    if (value.every((v) => v && typeof v === "object" && !Array.isArray(v))) {
      const keys = [...new Set(value.flatMap((v) => Object.keys(v as object)))];
      return h(
        "table",
        { class: "data-table" },
        h("thead", {}, h("tr", {}, ...keys.map((k) => h("th", {}, k)))),
        h(
          "tbody",
          {},
          ...value.map((row) =>
            h(
              "tr",
              {},
              ...keys.map((k) => h("td", {}, dataView((row as Record<string, unknown>)[k], depth + 1))),
            ),
          ),
        ),
      );
    }
    return document.createTextNode(
      value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", "),
    );
  }
  if (depth > 2) return h("code", {}, JSON.stringify(value));
  return h(
    "table",
    { class: "data-table kv" },
    h(
      "tbody",
      {},
      ...Object.entries(value as Record<string, unknown>).map(([k, v]) =>
        h("tr", {}, h("th", {}, k), h("td", {}, dataView(v, depth + 1))),
      ),
    ),
  );
}

/** Raw JSON behind a disclosure, for copying into a ticket. */
export function rawJson(value: unknown, label = "JSON"): HTMLElement {
  return h(
    "details",
    { class: "raw" },
    h("summary", {}, label),
    h("pre", {}, JSON.stringify(value, null, 2)),
  );
}
