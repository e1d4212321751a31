import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ContentError } from "./ContentError.js";
import { District, checkDistrictList, type DistrictDef } from "./schema/district.js";

export { ContentError } from "./ContentError.js";
export type { DistrictDef } from "./schema/district.js";

const DistrictFileSchema = z.strictObject({
  districts: z
    .array(District)
    .min(1)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((d, i) => {
        if (seen.has(d.id))
          ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate district id "${d.id}"` });
        seen.add(d.id);
      });
      checkDistrictList(
        list.map((value, index) => ({ index, value })),
        (path, message) => ctx.addIssue({ code: "custom", path, message }),
      );
    }),
});

/** The districts a server knows: from `districts.json` alone, or from a validated content pack. */
export class DistrictCatalog {
  private readonly byId: Map<string, DistrictDef>;

  constructor(districts: readonly DistrictDef[]) {
    this.byId = new Map(districts.map((d) => [d.id, d]));
    if (this.byId.size !== districts.length) throw new Error("duplicate district ids in content");
  }

  static load(contentDir: string): DistrictCatalog {
    const file = join(contentDir, "districts.json");
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new ContentError(file, [{ path: [], message: (err as Error).message }]);
    }
    const parsed = DistrictFileSchema.safeParse(raw);
    if (!parsed.success) throw new ContentError(file, parsed.error.issues);
    return new DistrictCatalog(parsed.data.districts);
  }

  /** The districts of a pack that `validateContentPack`/`loadContentPack` accepted. */
  static fromPack(pack: { readonly districts: readonly DistrictDef[] }): DistrictCatalog {
    return new DistrictCatalog(pack.districts);
  }

  get(id: string): DistrictDef | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Where a newcomer or traveller appears: near the arrival hardline. */
  arrivalPoint(id: string, random: () => number = Math.random): { x: number; y: number; z: number } {
    const d = this.byId.get(id);
    if (!d) throw new Error(`unknown district ${id}`);
    const hl = d.hardlines.find((h) => h.arrival)!;
    const angle = random() * Math.PI * 2;
    const r = random() * d.arrivalRadius;
    return {
      x: clamp(hl.x + Math.cos(angle) * r, d.bounds.minX, d.bounds.maxX),
      y: clamp(hl.y + Math.sin(angle) * r, d.bounds.minY, d.bounds.maxY),
      z: hl.z,
    };
  }
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}
