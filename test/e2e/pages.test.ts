import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { Secret, TOTP } from "otpauth";
import type { Browser, Page } from "playwright-core";
import { ensureWebBuild } from "../../web/scripts/ensureWebBuild.js";
import { http, joinDistrict, sleep, uniqueName, waitFor, type TestPlayer } from "../helpers/api.js";
import { ADMIN, processIdOf, startCluster, type TestCluster } from "../helpers/cluster.js";
import type { ServerHandle } from "../helpers/serverProcess.js";
import { launchBrowser, openPage, screenshot, type WatchedPage } from "./support/browser.js";

/**
 * The pages in a real browser (Debian's chromium through playwright-core)
 * against a two-process cluster (PostgreSQL, Redis): a player plays through a
 * drain of the process hosting its room; a GM kicks a player from the
 * console and finds it in the audit log; a support account logs in with a
 * one-time code and gets no GM command console.
 */
describe("web pages in a browser", function () {
  this.timeout(240_000);
  let cluster: TestCluster;
  let browser: Browser;
  let adminToken: string;
  const pages: WatchedPage[] = [];

  before(async () => {
    assert.notEqual(ensureWebBuild(), "unavailable", "vite must be installed to build the pages");
    [cluster, browser] = await Promise.all([
      startCluster(2, { AUTOSAVE_SECONDS: "1", RECONNECT_GRACE_SECONDS: "20" }),
      launchBrowser(),
    ]);
    adminToken = (await http(cluster.servers[0]!.http, "POST", "/auth/login", { body: ADMIN })).body.token;
  });

  after(async () => {
    await browser?.close();
    await cluster?.cleanup();
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

  async function hostOf(roomId: string): Promise<string> {
    const rooms = (
      await http(cluster.servers[0]!.http, "GET", "/api/v1/admin/districts", { token: adminToken })
    ).body as { roomId: string; processId: string }[];
    return rooms.find((r) => r.roomId === roomId)?.processId ?? "";
  }

  /** The process a character plays on, from the admin player listing (all processes). */
  async function hostOfCharacter(server: ServerHandle, name: string): Promise<string | undefined> {
    const players = (await http(server.http, "GET", "/api/v1/admin/players", { token: adminToken })).body as {
      name: string;
      processId: string;
    }[];
    return players.find((p) => p.name === name)?.processId;
  }

  /** Registers through the page, creates a character and enters the game with it. */
  async function enterAsNewPlayer(p: Page, origin: ServerHandle, characterName: string): Promise<void> {
    await p.goto(`${origin.http}/play`);
    await p.fill("input[name=username]", uniqueName("web"));
    await p.fill("input[name=password]", "follow the white rabbit");
    await p.click("button[name=register]");
    await p.fill("input[name=characterName]", characterName);
    await p.selectOption("select[name=organization]", "zion");
    await p.click(".create-character button[type=submit]");
    await p.click(`button[data-character="${characterName}"]`);
    await p.waitForSelector("#connection-status[data-state=online]", { timeout: 20_000 });
  }

  /** A second player, driven by the SDK from the test. */
  interface Bot {
    player: TestPlayer;
    room: Room<any>;
    closes: number[];
    chat: { from: string; text: string }[];
  }

  /**
   * A player with a readable character name (the README's screenshots show
   * them); the cluster's database is new for this file, so the names are free.
   */
  async function playerNamed(server: ServerHandle, characterName: string): Promise<TestPlayer> {
    const username = uniqueName("bot");
    const password = "there is no spoon";
    const reg = await http(server.http, "POST", "/auth/register", { body: { username, password } });
    const login = await http(server.http, "POST", "/auth/login", { body: { username, password } });
    const ch = await http(server.http, "POST", "/characters", {
      token: login.body.token,
      body: { name: characterName },
    });
    assert.equal(ch.status, 201, JSON.stringify(ch.body));
    return {
      username,
      password,
      accountId: reg.body.accountId,
      token: login.body.token,
      refreshToken: login.body.refreshToken,
      characterId: ch.body.id,
      characterName,
    };
  }

  async function botIn(server: ServerHandle, p: TestPlayer, district = "richland"): Promise<Bot> {
    const { room } = await joinDistrict(server.ws, p, district);
    const bot: Bot = { player: p, room, closes: [], chat: [] };
    room.reconnection.enabled = false;
    room.onLeave((code: number) => bot.closes.push(code));
    room.onMessage("chat", (line: { from: string; text: string }) => bot.chat.push(line));
    room.onMessage("*", () => undefined);
    await waitFor(() => room.state?.players?.get(room.sessionId), { what: "bot in state" });
    return bot;
  }

  const seenBy = (bot: Bot, name: string) => {
    let found: { x: number; y: number } | undefined;
    bot.room.state.players.forEach((p: { name: string; x: number; y: number }) => {
      if (p.name === name) found = { x: p.x, y: p.y };
    });
    return found;
  };

  /** Processes taking players (not drained, not dead). */
  async function liveServers(): Promise<ServerHandle[]> {
    const live: ServerHandle[] = [];
    for (const s of cluster.servers) {
      if (s.proc.exitCode !== null || s.proc.signalCode !== null) continue;
      if ((await http(s.http, "GET", "/ready")).status === 200) live.push(s);
    }
    return live;
  }

  const hudPosition = async (p: Page) => {
    const [x, y] = ((await p.textContent("#hud-position")) ?? "").split(",").map(Number);
    return { x: x!, y: y! };
  };

  describe("the game client (/play)", () => {
    it("registers, creates a character, moves, sees and chats with another player, plays on through a drain, travels", async () => {
      // The bot's room decides which process is drained; the browser is served by the other one.
      const first = await botIn(cluster.servers[0]!, await playerNamed(cluster.servers[0]!, "Trinity"));
      const hostId = await hostOf(first.room.roomId);
      const victim = cluster.servers.find((s) => processIdOf(s) === hostId)!;
      const survivor = cluster.servers.find((s) => s !== victim)!;
      assert.ok(victim && survivor, `room ${first.room.roomId} on ${hostId}`);
      let bot = first;
      const botName = bot.player.characterName;

      const p = await page();
      const characterName = "Neo";
      await enterAsNewPlayer(p, survivor, characterName);
      // Both landed in the bot's room, on the process about to be drained.
      await waitFor(() => seenBy(bot, characterName), { what: "the bot sees the browser's character" });

      // Moves east for a second: the page predicts it, the server agrees.
      const start = await waitFor(async () => {
        const at = await hudPosition(p);
        return Number.isFinite(at.x) && at;
      });
      const serverStart = seenBy(bot, characterName)!;
      await p.keyboard.down("d");
      await sleep(1000);
      await p.keyboard.up("d");
      await sleep(600);
      const moved = await hudPosition(p);
      assert.ok(moved.x > start.x + 3, `predicted x ${start.x} → ${moved.x}`);
      await waitFor(() => (seenBy(bot, characterName)?.x ?? 0) > serverStart.x + 3, {
        what: "the server moved the character east",
      });
      const serverMoved = seenBy(bot, characterName)!;
      assert.ok(Math.abs(serverMoved.x - moved.x) < 1, `page ${moved.x} vs server ${serverMoved.x}`);

      // Sees the bot.
      await p.locator(".nearby li[data-kind=player]", { hasText: botName }).waitFor({ timeout: 10_000 });

      // Chats both ways.
      await p.fill("input[name=chat]", "hello from the browser");
      await p.press("input[name=chat]", "Enter");
      await waitFor(
        () => bot.chat.find((l) => l.from === characterName && l.text === "hello from the browser"),
        {
          what: "the bot hears the browser",
        },
      );
      bot.room.send("chat", { channel: "district", text: "hi from the bot" });
      await p.locator(".chat-lines li", { hasText: "hi from the bot" }).waitFor({ timeout: 10_000 });
      await screenshot(p, "play-before-drain");

      // The process hosting the room drains: the page joins again by itself, elsewhere.
      const drain = await http(victim.http, "POST", "/api/v1/admin/drain", { token: adminToken });
      assert.equal(drain.status, 200, JSON.stringify(drain.body));
      await waitFor(() => bot.closes.includes(4120), { what: "the bot closed with 4120" });
      await p.locator(".log-lines li", { hasText: "server is restarting" }).waitFor({ timeout: 10_000 });
      await p.waitForSelector("#connection-status[data-state=online]", { timeout: 30_000 });
      const after = await hudPosition(p);
      assert.ok(
        Math.abs(after.x - moved.x) < 1 && Math.abs(after.y - moved.y) < 1,
        "same place after the drain",
      );

      bot = await botIn(survivor, bot.player);
      const newHost = await hostOf(bot.room.roomId);
      assert.equal(newHost, processIdOf(survivor), "the district now runs on the process left");
      await waitFor(() => seenBy(bot, characterName), { what: "the bot and the page share the new room" });
      await p.locator(".nearby li[data-kind=player]", { hasText: botName }).waitFor({ timeout: 10_000 });
      await p.fill("input[name=chat]", "still here");
      await p.press("input[name=chat]", "Enter");
      await waitFor(() => bot.chat.find((l) => l.from === characterName && l.text === "still here"), {
        what: "chat after the drain",
      });
      await screenshot(p, "play");

      // Travel: the server hands over a seat in the other district; the page takes it.
      await p.selectOption("select[name=district]", "westview");
      await p.click(".travel button[type=submit]");
      await waitFor(async () => (await p.textContent("#hud-district")) === "Westview", {
        timeoutMs: 15_000,
        what: "arrival in Westview",
      });
      await p.waitForSelector("#connection-status[data-state=online]");
      await waitFor(() => !seenBy(bot, characterName), { what: "the character left Richland" });
      await bot.room.leave();
    });

    it("joins again by itself when the process hosting its room dies (kill -9)", async () => {
      const origin = (await liveServers())[0]!;
      // A room held on the origin, then a new process: the next new room opens on the emptier one.
      const anchor = await botIn(origin, await playerNamed(origin, "Dozer"), "international");
      const doomed = await cluster.start();
      try {
        const p = await page();
        await enterAsNewPlayer(p, origin, "Cypher");
        assert.equal(
          await hostOfCharacter(origin, "Cypher"),
          processIdOf(doomed),
          "Cypher plays on the new process",
        );
        const before = await hudPosition(p);
        // Past the SDK's 5 s minimum uptime, a drop is first resumed (to a process that is gone).
        await sleep(5500);

        await doomed.stop("SIGKILL");
        await p.locator(".log-lines li", { hasText: "Connection lost" }).waitFor({ timeout: 10_000 });
        // The SDK's resume attempts cannot reach a dead process; the page then joins afresh, elsewhere.
        await p.locator(".log-lines li", { hasText: "joining again" }).waitFor({ timeout: 30_000 });
        await p.waitForSelector("#connection-status[data-state=online]", { timeout: 60_000 });
        await waitFor(async () => (await hostOfCharacter(origin, "Cypher")) === processIdOf(origin), {
          timeoutMs: 10_000,
          what: "Cypher back in play on the live process",
        });
        const after = await hudPosition(p);
        assert.ok(Math.hypot(after.x - before.x, after.y - before.y) < 1, "same place after the crash");
        await screenshot(p, "play-after-crash");
      } finally {
        await anchor.room.leave();
      }
    });
  });

  describe("the admin console (/admin)", () => {
    let server: ServerHandle;
    let bot: Bot;

    before(async () => {
      // The process that was neither drained nor killed keeps serving.
      server = (await liveServers())[0]!;
      bot = await botIn(server, await playerNamed(server, "Morpheus"));
    });

    after(async () => {
      if (bot.room.connection.isOpen) await bot.room.leave();
    });

    it("a GM logs in, kicks a player from the GM console and finds the kick in the audit log", async () => {
      const p = await page();
      await p.goto(`${server.http}/admin`);
      await p.fill("input[name=username]", ADMIN.username);
      await p.fill("input[name=password]", ADMIN.password);
      await p.click("form.login button[type=submit]");
      const name = bot.player.characterName;
      await p.locator(`.players-table tr[data-player="${name}"]`).waitFor({ timeout: 15_000 });
      await screenshot(p, "admin-live");
      // The charts fill from the room listing and this process's /metrics.
      await p.click("nav.tabs a[data-view=metrics]");
      await p
        .locator('.legend li[data-series="richland"]', { hasText: "players" })
        .waitFor({ timeout: 15_000 });
      await p.locator('.legend li[data-series="richland"]', { hasText: "ms" }).waitFor({ timeout: 15_000 });
      await screenshot(p, "admin-metrics");
      await p.click("nav.tabs a[data-view=live]");

      await p.locator(`.players-table tr[data-player="${name}"] button`, { hasText: "Command…" }).click();
      await p.selectOption("select[name=command]", "kick");
      assert.equal(await p.inputValue("input[name=args]"), `${name} `);
      await p.fill("input[name=args]", `${name} "testing the console"`);
      await p.click(".command-form button[type=submit]");
      const result = p.locator(".command-results > li").first();
      await result.waitFor();
      assert.equal(await result.getAttribute("data-ok"), "true", (await result.textContent()) ?? "");
      await waitFor(() => bot.closes.includes(4110), { what: "the player closed with 4110 (kicked)" });
      await screenshot(p, "admin-console");

      await p.click("nav.tabs a[data-view=audit]");
      await p.fill("input[name=action]", "command.kick");
      await p.click(".audit-filters button[type=submit]");
      const row = p.locator(`tr.audit-row[data-target="${name}"]`);
      await row.waitFor({ timeout: 10_000 });
      assert.equal(await row.getAttribute("data-action"), "command.kick");
      assert.equal(await row.getAttribute("data-result"), "ok");
      await p.click("button[name=verify]");
      await p.locator(".verdict[data-kind=ok]").waitFor({ timeout: 10_000 });
      assert.match((await p.textContent(".verdict")) ?? "", /chain intact/);
      await row.click(); // the record's arguments open under it
      await screenshot(p, "admin-audit");
    });

    it("a support account logs in with its one-time code and gets no GM command console", async () => {
      const username = uniqueName("support");
      const password = "support password 123";
      const reg = await http(server.http, "POST", "/auth/register", { body: { username, password } });
      const roles = await http(server.http, "PUT", `/api/v1/admin/accounts/${reg.body.accountId}/roles`, {
        token: adminToken,
        body: { roles: ["support"] },
      });
      assert.equal(roles.status, 200, JSON.stringify(roles.body));
      const token = (await http(server.http, "POST", "/auth/login", { body: { username, password } })).body
        .token;
      const enroll = await http(server.http, "POST", "/auth/totp/enroll", { token, body: { password } });
      const totp = new TOTP({ secret: Secret.fromBase32(enroll.body.secret), digits: 6, period: 30 });
      assert.equal(
        (await http(server.http, "POST", "/auth/totp/verify", { token, body: { code: totp.generate() } }))
          .status,
        200,
      );

      const p = await page();
      await p.goto(`${server.http}/admin`);
      await p.fill("input[name=username]", username);
      await p.fill("input[name=password]", password);
      assert.equal(await p.isVisible("input[name=totp]"), false, "no code field before the server asks");
      await p.click("form.login button[type=submit]");
      await p.locator("input[name=totp]").waitFor({ state: "visible" });
      assert.match((await p.textContent(".form-status")) ?? "", /one-time code/);
      // Codes are single-use and verify used this step's: the next step's is still in the window.
      await p.fill("input[name=totp]", totp.generate({ timestamp: Date.now() + 30_000 }));
      await p.click("form.login button[type=submit]");
      await p.waitForSelector("nav.tabs");

      assert.equal(await p.textContent("#roles"), "support");
      const tabs = await p
        .locator("nav.tabs a")
        .evaluateAll((links) => links.map((a) => a.getAttribute("data-view")));
      assert.deepEqual(
        tabs,
        ["live", "metrics", "inspector"],
        "support sees the live lists, metrics and the inspector",
      );
      assert.equal(await p.locator("select[name=command]").count(), 0, "no GM command console");
      // What support may do works: the inspector runs `inspect`.
      await p.click("nav.tabs a[data-view=inspector]");
      await p.fill("input[name=inspectTarget]", bot.player.characterName);
      await p.click(".inspector form button[type=submit]");
      await p.locator(".inspect-summary", { hasText: bot.player.characterName }).waitFor({ timeout: 10_000 });
      await screenshot(p, "admin-support");
    });
  });
});
