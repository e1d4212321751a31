import assert from "node:assert/strict";
import { formatIssue } from "../../../src/mxo/content/ContentError.js";
import { validateContentPack } from "../../../src/mxo/content/validateContentPack.js";
import { minimalPack } from "./fixtures.js";

function issues(pack: unknown): string[] {
  const r = validateContentPack(pack);
  return r.ok ? [] : r.errors.map(formatIssue);
}

function withVendor(vendor: Record<string, unknown>, items: unknown[] = []): any {
  const pack = minimalPack();
  pack.items.push(...items);
  pack.districts[0].vendors = [vendor];
  return pack;
}

const CODE = {
  id: "code-stance",
  name: "Stance Code",
  kind: "code",
  value: 300,
  tradeable: false,
  teaches: "stance",
};

describe("content: vendors and ability code", () => {
  it("accepts a vendor selling a weapon and ability code, with defaults", () => {
    const r = validateContentPack(
      withVendor(
        {
          id: "tv-v-broker",
          name: "Broker",
          x: 497,
          y: 500,
          sells: [{ itemId: "pipe", price: 12 }, { itemId: "code-stance" }],
        },
        [CODE],
      ),
    );
    assert.ok(r.ok, r.ok ? "" : r.errors.map(formatIssue).join("\n"));
    const v = r.pack.district("testville")!.vendors[0]!;
    assert.equal(v.z, 0);
    assert.equal(r.pack.item("code-stance")!.teaches, "stance");
    assert.deepEqual(r.pack.district("otherton")!.vendors, []);
  });

  it("refuses a vendor outside the bounds and a ware listed twice", () => {
    const found = issues(
      withVendor({
        id: "tv-v-x",
        name: "X",
        x: 5000,
        y: 500,
        sells: [{ itemId: "pipe" }, { itemId: "pipe" }],
      }),
    );
    for (const re of [/outside the bounds/, /lists "pipe" twice/]) {
      assert.ok(
        found.some((m) => re.test(m)),
        `${re} in\n${found.join("\n")}`,
      );
    }
  });

  it("refuses a ware that is no item, and a mission item", () => {
    const found = issues(
      withVendor({
        id: "tv-v-x",
        name: "X",
        x: 500,
        y: 500,
        sells: [{ itemId: "nothing" }, { itemId: "disk" }],
      }),
    );
    for (const re of [/"nothing" does not exist/, /mission item "disk" cannot be sold/]) {
      assert.ok(
        found.some((m) => re.test(m)),
        `${re} in\n${found.join("\n")}`,
      );
    }
  });

  it("refuses a vendor id used in two districts, code teaching no ability, and teaches on anything but code", () => {
    const pack = withVendor({ id: "v-twice", name: "A", x: 500, y: 500, sells: [{ itemId: "pipe" }] }, [
      { ...CODE, teaches: "nothing" },
      { id: "rock", name: "Rock", kind: "mission", value: 0, teaches: "strike" },
      { id: "blank", name: "Blank", kind: "code", value: 1 },
    ]);
    pack.districts[1].vendors = [{ id: "v-twice", name: "B", x: 250, y: 250, sells: [{ itemId: "pipe" }] }];
    const found = issues(pack);
    for (const re of [
      /vendor id "v-twice" is already used/,
      /ability "nothing" does not exist/,
      /only code teaches/,
      /ability code needs teaches/,
    ]) {
      assert.ok(
        found.some((m) => re.test(m)),
        `${re} in\n${found.join("\n")}`,
      );
    }
  });
});
