import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ContentError, DistrictCatalog, type DistrictDef } from "../../src/mxo/content/districts.js";

const SHIPPED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../content");
const SHIPPED_IDS = ["richland", "westview", "international", "downtown"];

/** Deterministic PRNG (mulberry32) so the sampled points are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => {
    const v = values[i++ % values.length];
    assert.ok(v !== undefined);
    return v;
  };
}

function arrivalOf(d: DistrictDef): DistrictDef["hardlines"][number] {
  const arrivals = d.hardlines.filter((h) => h.arrival);
  assert.equal(arrivals.length, 1, `${d.id} has exactly one arrival hardline`);
  return arrivals[0]!;
}

function validDistrict(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "testville",
    name: "Testville",
    bounds: { minX: 0, minY: 0, maxX: 500, maxY: 500 },
    hardlines: [
      { id: "tv-a", name: "A", x: 250, y: 250, arrival: true },
      { id: "tv-b", name: "B", x: 10, y: 490 },
    ],
    ...over,
  };
}

describe("content: DistrictCatalog", () => {
  describe("shipped content", () => {
    let catalog: DistrictCatalog;
    before(() => {
      catalog = DistrictCatalog.load(SHIPPED_DIR);
    });

    it("loads the four districts", () => {
      assert.deepEqual([...catalog.ids()].sort(), [...SHIPPED_IDS].sort());
      for (const id of SHIPPED_IDS) assert.equal(catalog.get(id)?.id, id);
      assert.equal(catalog.get("zion"), undefined);
    });

    for (const id of SHIPPED_IDS) {
      it(`${id}: exactly one arrival hardline, every hardline inside bounds, sane defaults`, () => {
        const d = catalog.get(id);
        assert.ok(d);
        const { minX, minY, maxX, maxY } = d.bounds;
        assert.ok(maxX - minX >= 100 && maxY - minY >= 100);
        const hl = arrivalOf(d);
        assert.ok(hl.x >= minX && hl.x <= maxX && hl.y >= minY && hl.y <= maxY, `${hl.id} inside bounds`);
        for (const h of d.hardlines) {
          assert.ok(h.x >= minX && h.x <= maxX && h.y >= minY && h.y <= maxY, `${h.id} inside bounds`);
          assert.equal(typeof h.arrival, "boolean", "arrival defaults to a boolean");
          assert.equal(h.z, 0);
        }
        assert.equal(new Set(d.hardlines.map((h) => h.id)).size, d.hardlines.length, "hardline ids unique");
        assert.ok(d.moveSpeed > 0);
        assert.equal(d.arrivalRadius, 4, "arrivalRadius defaults to 4");
        assert.ok(d.name.length > 0);
      });
    }

    it("richland arrives at Mara Central", () => {
      const hl = arrivalOf(catalog.get("richland")!);
      assert.equal(hl.id, "rl-mara-central");
      assert.deepEqual([hl.x, hl.y], [1500, 1200]);
    });

    for (const id of SHIPPED_IDS) {
      it(`${id}: arrivalPoint lands within arrivalRadius of the arrival hardline, inside bounds`, () => {
        const d = catalog.get(id)!;
        const hl = arrivalOf(d);
        const random = seeded(id.length * 7919);
        for (let i = 0; i < 500; i++) {
          const p = catalog.arrivalPoint(id, random);
          const dist = Math.hypot(p.x - hl.x, p.y - hl.y);
          assert.ok(dist <= d.arrivalRadius + 1e-9, `point ${i} is ${dist} from ${hl.id}`);
          assert.ok(
            p.x >= d.bounds.minX && p.x <= d.bounds.maxX && p.y >= d.bounds.minY && p.y <= d.bounds.maxY,
          );
          assert.equal(p.z, hl.z);
        }
      });
    }

    it("arrivalPoint uses the random function: angle first, then radius", () => {
      const hl = arrivalOf(catalog.get("downtown")!);
      // angle 0, radius 0.5 × 4 = 2 → two units east
      const east = catalog.arrivalPoint("downtown", sequence(0, 0.5));
      assert.ok(Math.abs(east.x - (hl.x + 2)) < 1e-9 && Math.abs(east.y - hl.y) < 1e-9, JSON.stringify(east));
      // angle π/2, radius 1 × 4 → four units south (+y)
      const south = catalog.arrivalPoint("downtown", sequence(0.25, 1));
      assert.ok(
        Math.abs(south.x - hl.x) < 1e-9 && Math.abs(south.y - (hl.y + 4)) < 1e-9,
        JSON.stringify(south),
      );
      // radius 0 → exactly on the hardline
      assert.deepEqual(catalog.arrivalPoint("downtown", sequence(0.7, 0)), { x: hl.x, y: hl.y, z: hl.z });
    });

    it("arrivalPoint spreads newcomers out rather than stacking them", () => {
      const random = seeded(42);
      const points = new Set<string>();
      for (let i = 0; i < 50; i++) {
        const p = catalog.arrivalPoint("westview", random);
        points.add(`${p.x},${p.y}`);
      }
      assert.ok(points.size > 45, `only ${points.size} distinct points`);
    });

    it("arrivalPoint throws for an unknown district", () => {
      assert.throws(() => catalog.arrivalPoint("zion", () => 0.5), /unknown district zion/);
    });
  });

  describe("validation of content on disk", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "mxo-content-test-"));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    function write(content: unknown): string {
      const file = join(dir, "districts.json");
      writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
      return file;
    }

    /** Loads, expects a ContentError naming the file, and returns its message. */
    function loadError(): string {
      const file = join(dir, "districts.json");
      let caught: unknown;
      try {
        DistrictCatalog.load(dir);
      } catch (err) {
        caught = err;
      }
      assert.ok(caught instanceof ContentError, `expected ContentError, got ${String(caught)}`);
      assert.equal(caught.name, "ContentError");
      assert.ok(caught.message.startsWith(`Invalid content in ${file}:\n`), caught.message);
      return caught.message;
    }

    it("loads a minimal valid file and applies defaults", () => {
      write({ districts: [validDistrict()] });
      const catalog = DistrictCatalog.load(dir);
      const d = catalog.get("testville");
      assert.ok(d);
      assert.equal(d.description, "");
      assert.equal(d.moveSpeed, 6);
      assert.equal(d.pvp, false);
      assert.equal(d.arrivalRadius, 4);
      assert.equal(d.hardlines[1]?.arrival, false);
      assert.equal(d.hardlines[1]?.z, 0);
    });

    it("arrivalPoint clamps to bounds when the arrival hardline sits on the edge", () => {
      write({
        districts: [
          validDistrict({
            arrivalRadius: 50,
            hardlines: [{ id: "corner", name: "Corner", x: 0, y: 500, arrival: true }],
          }),
        ],
      });
      const catalog = DistrictCatalog.load(dir);
      const random = seeded(7);
      let clampedX = 0;
      let clampedY = 0;
      for (let i = 0; i < 400; i++) {
        const p = catalog.arrivalPoint("testville", random);
        assert.ok(p.x >= 0 && p.x <= 500 && p.y >= 0 && p.y <= 500, JSON.stringify(p));
        assert.ok(Math.hypot(p.x - 0, p.y - 500) <= 50 + 1e-9);
        if (p.x === 0) clampedX++;
        if (p.y === 500) clampedY++;
      }
      assert.ok(clampedX > 0 && clampedY > 0, "some samples fell outside and were clamped");
    });

    it("rejects a file that is not JSON, naming the file and the parse error", () => {
      write("{ districts: [");
      const msg = loadError();
      assert.match(msg, /\(root\): .*JSON/);
    });

    it("rejects a missing districts.json", () => {
      const msg = loadError();
      assert.match(msg, /\(root\): .*ENOENT/);
    });

    it("rejects a hardline outside the bounds with its path and id", () => {
      write({
        districts: [
          validDistrict(),
          validDistrict({
            id: "second",
            hardlines: [
              { id: "in", name: "In", x: 1, y: 1, arrival: true },
              { id: "out-east", name: "Out", x: 501, y: 10 },
            ],
          }),
        ],
      });
      const msg = loadError();
      assert.match(msg, / {2}- districts\.1\.hardlines\.1: hardline out-east is outside the bounds/);
    });

    it("rejects two arrival hardlines", () => {
      write({
        districts: [
          validDistrict({
            hardlines: [
              { id: "a", name: "A", x: 1, y: 1, arrival: true },
              { id: "b", name: "B", x: 2, y: 2, arrival: true },
            ],
          }),
        ],
      });
      assert.match(
        loadError(),
        / {2}- districts\.0\.hardlines: exactly one hardline must have arrival: true/,
      );
    });

    it("rejects a district with no arrival hardline", () => {
      write({ districts: [validDistrict({ hardlines: [{ id: "a", name: "A", x: 1, y: 1 }] })] });
      assert.match(loadError(), /districts\.0\.hardlines: exactly one hardline must have arrival: true/);
    });

    it("rejects a district without hardlines", () => {
      write({ districts: [validDistrict({ hardlines: [] })] });
      assert.match(loadError(), /districts\.0\.hardlines: a district needs at least one hardline/);
    });

    it("rejects bounds smaller than 100 units on a side", () => {
      write({ districts: [validDistrict({ bounds: { minX: 0, minY: 0, maxX: 99, maxY: 500 } })] });
      assert.match(loadError(), /districts\.0\.bounds: bounds must be at least 100 units on a side/);
    });

    it("rejects inverted bounds", () => {
      write({ districts: [validDistrict({ bounds: { minX: 500, minY: 0, maxX: 0, maxY: 500 } })] });
      assert.match(loadError(), /districts\.0\.bounds: bounds must be at least 100 units on a side/);
    });

    it("rejects a bad district id", () => {
      write({ districts: [validDistrict({ id: "Bad Id" })] });
      assert.match(loadError(), /districts\.0\.id: id must be lowercase letters, digits, _ or -/);
    });

    it("rejects a non-numeric coordinate, naming its full path", () => {
      write({
        districts: [validDistrict({ hardlines: [{ id: "a", name: "A", x: "250", y: 250, arrival: true }] })],
      });
      assert.match(loadError(), /districts\.0\.hardlines\.0\.x: /);
    });

    it("rejects an out-of-range moveSpeed and arrivalRadius", () => {
      write({ districts: [validDistrict({ moveSpeed: 0 })] });
      assert.match(loadError(), /districts\.0\.moveSpeed: /);
      write({ districts: [validDistrict({ arrivalRadius: 51 })] });
      assert.match(loadError(), /districts\.0\.arrivalRadius: /);
      write({ districts: [validDistrict({ arrivalRadius: -1 })] });
      assert.match(loadError(), /districts\.0\.arrivalRadius: /);
    });

    it("rejects an empty district list and a missing one", () => {
      write({ districts: [] });
      assert.match(loadError(), / {2}- districts: /);
      write({});
      assert.match(loadError(), / {2}- districts: /);
      write([]);
      loadError();
    });

    it("lists every problem, one per line", () => {
      write({
        districts: [
          validDistrict({
            hardlines: [
              { id: "a", name: "A", x: -5, y: 1, arrival: true },
              { id: "b", name: "B", x: 2, y: 9999, arrival: true },
            ],
          }),
        ],
      });
      const msg = loadError();
      const lines = msg.split("\n").slice(1);
      assert.equal(lines.length, 3, msg);
      assert.match(msg, /districts\.0\.hardlines: exactly one hardline/);
      assert.match(msg, /districts\.0\.hardlines\.0: hardline a is outside the bounds/);
      assert.match(msg, /districts\.0\.hardlines\.1: hardline b is outside the bounds/);
    });

    it("rejects duplicate district ids", () => {
      write({ districts: [validDistrict(), validDistrict()] });
      assert.throws(() => DistrictCatalog.load(dir), /duplicate district id "testville"/);
    });

    it("reports duplicate district ids as a ContentError naming file, path and id", () => {
      write({ districts: [validDistrict(), validDistrict({ name: "Other" })] });
      const msg = loadError();
      assert.match(msg, /districts\.1(\.id)?: .*testville/);
    });
  });
});
