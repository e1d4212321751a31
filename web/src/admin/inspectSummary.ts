/**
 * The lines the inspector puts first for an MxO character: attributes and the
 * points left to spend, equipment by slot, the derived combat figures, and
 * the team. `inspect` is the
 * game's report (fields arrive as the game grows), so each line appears only
 * when its field is present, and unexpected shapes are shown as they come
 * rather than dropped. Pure: web/test checks it.
 */

export interface SummaryLine {
  /** Stable key for tests and styling: "attributes", "points", "equipment", "derived", "team". */
  key: string;
  label: string;
  value: string;
}

const STAT_ORDER = ["focus", "perception", "reason", "belief", "vitality"];
/** Names a game may give the unspent attribute points. */
const POINT_FIELDS = ["unspentPoints", "attributePoints", "points"];
const SLOT_ORDER = ["weapon", "head", "eyewear", "jacket", "shirt", "gloves", "pants", "shoes"];

export function inspectSummary(data: unknown): SummaryLine[] {
  if (!data || typeof data !== "object") return [];
  const d = data as Record<string, unknown>;
  const lines: SummaryLine[] = [];

  const stats = record(d.stats);
  if (stats) {
    const keys = [
      ...STAT_ORDER.filter((k) => k in stats),
      ...Object.keys(stats).filter((k) => !STAT_ORDER.includes(k)),
    ];
    lines.push({
      key: "attributes",
      label: "Attributes",
      value: keys.map((k) => `${k} ${String(stats[k])}`).join(" · "),
    });
  }
  const pointsField = POINT_FIELDS.find((f) => typeof d[f] === "number");
  if (pointsField) lines.push({ key: "points", label: "Unspent points", value: String(d[pointsField]) });

  if ("equipment" in d)
    lines.push({ key: "equipment", label: "Equipment", value: equipmentText(d.equipment) });
  const derived = record(d.derived);
  if (derived) lines.push({ key: "derived", label: "Derived", value: derivedText(derived) });
  if ("team" in d) lines.push({ key: "team", label: "Team", value: teamText(d.team) });
  return lines;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** An item as the report may give it: an id, or an object with a name and/or id. */
function itemText(v: unknown): string {
  if (typeof v === "string") return v;
  const r = record(v);
  if (!r) return JSON.stringify(v);
  const name = typeof r.name === "string" ? r.name : undefined;
  const id = typeof r.itemId === "string" ? r.itemId : typeof r.id === "string" ? r.id : undefined;
  return name && id && name !== id ? `${name} (${id})` : (name ?? id ?? JSON.stringify(v));
}

function equipmentText(v: unknown): string {
  let pairs: [string, unknown][];
  if (Array.isArray(v)) {
    pairs = v.map((e) => [String(record(e)?.slot ?? "?"), e]);
  } else {
    const r = record(v);
    if (!r) return v === null || v === undefined ? "nothing equipped" : JSON.stringify(v);
    pairs = Object.entries(r);
  }
  pairs = pairs.filter(([, item]) => item !== null && item !== undefined && item !== "");
  if (pairs.length === 0) return "nothing equipped";
  const rank = (slot: string) => (SLOT_ORDER.includes(slot) ? SLOT_ORDER.indexOf(slot) : SLOT_ORDER.length);
  pairs.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  return pairs.map(([slot, item]) => `${slot}: ${itemText(item)}`).join(" · ");
}

function teamText(v: unknown): string {
  if (v === null || v === undefined) return "not in a team";
  const r = record(v);
  if (!r) return JSON.stringify(v);
  const leader = typeof r.leader === "string" ? r.leader : undefined;
  const members = Array.isArray(r.members)
    ? r.members.map((m) => (typeof m === "string" ? m : String(record(m)?.name ?? JSON.stringify(m))))
    : [];
  if (members.length === 0) return leader ? `led by ${leader}` : JSON.stringify(v);
  const names = members.map((m) => (m === leader ? `${m} ★` : m));
  return `${names.join(", ")} (${members.length})`;
}

/** The sheet's derived figures in one line: "HP 250 · IS 110 · accuracy 73% · damage ×1.06 · defence 104". */
function derivedText(d: Record<string, unknown>): string {
  const num = (k: string) => (typeof d[k] === "number" ? (d[k] as number) : undefined);
  const parts: string[] = [];
  const hp = num("maxHp");
  const is = num("maxIs");
  const accuracy = num("accuracy");
  const damage = num("damage");
  const defence = num("defence");
  if (hp !== undefined) parts.push(`HP ${hp}`);
  if (is !== undefined) parts.push(`IS ${is}`);
  if (accuracy !== undefined) parts.push(`accuracy ${Math.round(accuracy * 100)}%`);
  if (damage !== undefined) parts.push(`damage ×${damage.toFixed(2)}`);
  if (defence !== undefined) parts.push(`defence ${Math.round(defence)}`);
  return parts.length > 0 ? parts.join(" · ") : JSON.stringify(d);
}
