import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { ensureWebBuild } from "../../web/scripts/ensureWebBuild.js";
import { http, uniqueName } from "../helpers/api.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import { launchBrowser, openPage, screenshot, type WatchedPage } from "./support/browser.js";

const ADMIN = { username: "e2e_admin", password: "admin password 123" };

/**
 * Issue 15's browser test: two players, each in a real page (Debian's
 * chromium), on one server with the embedded database. A GM gives them
 * items and one a level; that one spends the point from the character sheet
 * and equips a weapon from the inventory panel (the equipment view follows), then the two trade through the trade window (items and
 * Information both ways, both confirm) and each inventory shows the swap;
 * they team up from the team panel and talk on the team channel; the admin
 * inspector then shows the equipment and the team.
 */
describe("web client: equipping and trading in a browser", function () {
  this.timeout(240_000);
  let deployment: TestDeployment;
  let browser: Browser;
  let adminToken: string;
  const pages: WatchedPage[] = [];

  before(async () => {
    assert.notEqual(ensureWebBuild(), "unavailable", "vite must be installed to build the pages");
    [deployment, browser] = await Promise.all([
      deploy("embedded", { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password }),
      launchBrowser(),
    ]);
    const login = await http(deployment.server.http, "POST", "/auth/login", { body: ADMIN });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    adminToken = login.body.token;
  });

  after(async () => {
    for (const p of pages.splice(0)) await p.close();
    await browser?.close();
    await deployment?.cleanup();
  });

  afterEach(async () => {
    for (const p of pages.splice(0)) {
      const url = p.page.url();
      await p.close();
      assert.deepEqual(p.errors, [], `uncaught errors in ${url}`);
    }
  });

  async function page(): Promise<Page> {
    const watched = await openPage(browser);
    pages.push(watched);
    return watched.page;
  }

  /** Registers through the page, creates a character and enters the game with it. */
  async function enterAsNewPlayer(p: Page, characterName: string): Promise<void> {
    await p.goto(`${deployment.server.http}/play`);
    await p.fill("input[name=username]", uniqueName("web"));
    await p.fill("input[name=password]", "follow the white rabbit");
    await p.click("button[name=register]");
    await p.fill("input[name=characterName]", characterName);
    await p.selectOption("select[name=organization]", "zion");
    await p.click(".create-character button[type=submit]");
    await p.click(`button[data-character="${characterName}"]`);
    await p.waitForSelector("#connection-status[data-state=online]", { timeout: 20_000 });
  }

  async function gm(command: string, args: string[]): Promise<void> {
    const res = await http(deployment.server.http, "POST", "/api/v1/admin/commands", {
      token: adminToken,
      body: { command, args },
    });
    assert.equal(res.status, 200, `${command} ${args.join(" ")}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.ok, true, JSON.stringify(res.body));
  }

  const item = (p: Page, itemId: string) => p.locator(`.inventory li[data-item="${itemId}"]`);

  it("spends a point, equips a weapon from the inventory, completes a trade between two pages, teams up", async () => {
    const neo = await page();
    const trinity = await page();
    await enterAsNewPlayer(neo, "Neo");
    await enterAsNewPlayer(trinity, "Trinity");

    await gm("give", ["Neo", "w-9mm-pistol", "1"]);
    await gm("give", ["Neo", "c-mirrored-shades", "1"]);
    await gm("give", ["Neo", "currency", "100"]);
    await gm("give", ["Trinity", "cons-health-pack", "2"]);

    // A level gained gives a point: the sheet offers it, a + spends it on Focus.
    await gm("setstat", ["Neo", "level", "2"]);
    await neo.locator('.character-sheet .points[data-points="1"]').waitFor({ timeout: 10_000 });
    assert.equal(await neo.textContent(".character-sheet .points"), "1 point to spend");
    await neo.click('.stats-table button[name=allocate][data-stat="focus"]');
    // Nothing left to spend: the (now empty) points mark is still in the page.
    await neo
      .locator('.character-sheet .points[data-points="0"]')
      .waitFor({ state: "attached", timeout: 10_000 });
    assert.equal(await neo.textContent('.stats-table tr[data-stat="focus"] .stat-value'), "6");
    assert.equal(await neo.locator(".stats-table button[name=allocate]").count(), 0, "no points left");

    // Equip: the row gets its marker, the weapon slot shows the pistol, the button becomes Unequip.
    await item(neo, "w-9mm-pistol").locator("button[name=equip]").click({ timeout: 15_000 });
    await neo
      .locator('.inventory li[data-item="w-9mm-pistol"][data-equipped="true"]')
      .waitFor({ timeout: 10_000 });
    assert.equal(await neo.textContent('.equipment dd[data-slot="weapon"]'), "9mm Pistol");
    assert.equal(await item(neo, "w-9mm-pistol").locator("button[name=unequip]").count(), 1);
    await screenshot(neo, "play-equipped");

    // Trade: Neo opens a window with Trinity (they both stand at the arrival hardline).
    await neo.fill("input[name=tradeWith]", "Trinity");
    await neo.click("button[name=openTrade]");
    await neo.locator(".trade-window:not([hidden])").waitFor({ timeout: 10_000 });
    await trinity.locator(".trade-window:not([hidden])").waitFor({ timeout: 10_000 });
    assert.equal(await neo.locator('input[name="offer-w-9mm-pistol"]').count(), 0, "equipped: not offered");

    await neo.fill('input[name="offer-c-mirrored-shades"]', "1");
    await neo.fill("input[name=offerInformation]", "40");
    await neo.click("button[name=setOffer]");
    await trinity
      .locator('.trade-side[data-side="theirs"] .offer', { hasText: "Mirrored Shades and 40 information" })
      .waitFor({ timeout: 10_000 });

    await trinity.fill('input[name="offer-cons-health-pack"]', "2");
    await trinity.click("button[name=setOffer]");
    await neo
      .locator('.trade-side[data-side="theirs"] .offer', { hasText: "2× Health Pack" })
      .waitFor({ timeout: 10_000 });

    await neo.click("button[name=confirmTrade]");
    await trinity
      .locator('.trade-side[data-side="theirs"][data-confirmed="true"]')
      .waitFor({ timeout: 10_000 });
    await screenshot(trinity, "play-trade");
    await trinity.click("button[name=confirmTrade]");

    await neo
      .locator(".log-lines li", { hasText: "Trade with Trinity complete" })
      .waitFor({ timeout: 15_000 });
    await trinity
      .locator(".log-lines li", { hasText: "Trade with Neo complete" })
      .waitFor({ timeout: 15_000 });
    assert.equal(await neo.isVisible(".trade-window"), false, "the window closed");

    // What changed hands shows in both inventories (the ledger's reading after the swap).
    await item(neo, "cons-health-pack").waitFor({ timeout: 10_000 });
    await item(trinity, "c-mirrored-shades").waitFor({ timeout: 10_000 });
    await item(neo, "c-mirrored-shades").waitFor({ state: "detached", timeout: 10_000 });
    await item(trinity, "cons-health-pack").waitFor({ state: "detached", timeout: 10_000 });
    assert.match((await item(neo, "cons-health-pack").textContent()) ?? "", /Health Pack\s*×2/);
    assert.equal(await neo.textContent("#information"), "60 information");
    assert.equal(await trinity.textContent("#information"), "40 information");
    assert.equal(
      await neo.locator('.inventory li[data-item="w-9mm-pistol"][data-equipped="true"]').count(),
      1,
      "the pistol stayed equipped",
    );
    await screenshot(neo, "play-after-trade");

    // A team from the team panel, and a line in the team channel.
    await neo.fill("input[name=inviteName]", "Trinity");
    await neo.click(".team button[name=invite]");
    await trinity.locator(".team-invite", { hasText: "Neo invites you" }).waitFor({ timeout: 10_000 });
    await trinity.click(".team button[name=acceptInvite]");
    for (const p of [neo, trinity]) {
      await p.locator('.team-members li[data-member="Trinity"]').waitFor({ timeout: 10_000 });
      assert.equal(
        await p.locator('.team-members li[data-leader="true"]').getAttribute("data-member"),
        "Neo",
      );
    }
    assert.equal(
      await neo.locator(".team-members button[name=kick]").count(),
      1,
      "the leader may kick Trinity",
    );
    assert.equal(await trinity.locator(".team-members button[name=kick]").count(), 0);
    await trinity.fill("input[name=chat]", "/t with you");
    await trinity.press("input[name=chat]", "Enter");
    await neo
      .locator('.chat-lines li[data-channel="team"]', { hasText: "with you" })
      .waitFor({ timeout: 10_000 });

    // The admin console's inspector puts equipment, unspent points and the derived figures first.
    const admin = await page();
    await admin.goto(`${deployment.server.http}/admin`);
    await admin.fill("input[name=username]", ADMIN.username);
    await admin.fill("input[name=password]", ADMIN.password);
    await admin.click("form.login button[type=submit]");
    await admin.click("nav.tabs a[data-view=inspector]");
    await admin.fill("input[name=inspectTarget]", "Neo");
    await admin.click(".inspector form button[type=submit]");
    const line = (key: string) => admin.locator(`.inspect-highlights tr[data-line="${key}"] td`);
    await line("equipment").waitFor({ timeout: 10_000 });
    assert.equal(await line("equipment").textContent(), "weapon: w-9mm-pistol");
    assert.equal(await line("points").textContent(), "0");
    assert.match((await line("attributes").textContent()) ?? "", /^focus 6 · perception 5/);
    assert.equal(await line("team").textContent(), "Neo ★, Trinity (2)");
    await screenshot(admin, "admin-inspector-gear");
  });
});
