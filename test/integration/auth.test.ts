import assert from "node:assert/strict";
import { ContractClient } from "../helpers/client.js";
import { http, joinDistrict, me, newPlayer, uniqueName, waitFor, type TestPlayer } from "../helpers/api.js";
import { walkAndStop } from "../helpers/movement.js";
import { queryDatabase } from "../helpers/postgres.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

describe("accounts, tokens and join refusals (postgres)", function () {
  this.timeout(60_000);
  let d: TestDeployment;
  let base: string;

  before(async () => {
    d = await deploy("postgres", { LOGIN_LOCK_SECONDS: "900" });
    base = d.server.http;
  });
  after(async () => d?.cleanup());

  describe("register", () => {
    it("refuses bad input with 400 and a reason naming the field", async () => {
      const cases = [
        { username: "ab", password: "long enough" },
        { username: "has space", password: "long enough" },
        { username: "x".repeat(25), password: "long enough" },
        { username: "valid_name", password: "short" },
        { username: "valid_name" },
        { password: "long enough" },
      ];
      for (const body of cases) {
        const res = await http(base, "POST", "/auth/register", { body });
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, "invalid_request");
        assert.match(res.body.error.message, /username|password/);
      }
      const notJson = await http(base, "POST", "/auth/register", { raw: "{not json" });
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.error.code, "invalid_json");
      const array = await http(base, "POST", "/auth/register", { body: [1, 2] });
      assert.equal(array.status, 400);
    });

    it("refuses a duplicate username with 409, case-insensitively", async () => {
      const username = uniqueName("dup");
      assert.equal(
        (await http(base, "POST", "/auth/register", { body: { username, password: "password1" } })).status,
        201,
      );
      const again = await http(base, "POST", "/auth/register", {
        body: { username: username.toUpperCase(), password: "password2" },
      });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, "username_taken");
    });

    it("stores a slow-KDF hash, never the password", async () => {
      const username = uniqueName("kdf");
      await http(base, "POST", "/auth/register", { body: { username, password: "secret-password" } });
      const [row] = await queryDatabase<{ password_hash: string }>(
        d.env.DATABASE_URL!,
        "SELECT password_hash FROM accounts WHERE username = $1",
        [username],
      );
      assert.match(row!.password_hash, /^\$argon2id\$/);
      assert.ok(!row!.password_hash.includes("secret-password"));
    });
  });

  describe("login and lockout", () => {
    it("answers 401 for a wrong password and an unknown user alike", async () => {
      const p = await newPlayer(base);
      const wrong = await http(base, "POST", "/auth/login", {
        body: { username: p.username, password: "nope-nope" },
      });
      const unknown = await http(base, "POST", "/auth/login", {
        body: { username: uniqueName("ghost"), password: "x" },
      });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.equal(wrong.body.error.message, unknown.body.error.message);
    });

    it("locks the account (423) after 5 failures in a row, even for the right password", async () => {
      const p = await newPlayer(base);
      for (let i = 1; i <= 5; i++) {
        const res = await http(base, "POST", "/auth/login", {
          body: { username: p.username, password: `wrong-${i}` },
        });
        assert.equal(res.status, 401, `attempt ${i}`);
      }
      const sixth = await http(base, "POST", "/auth/login", {
        body: { username: p.username, password: "wrong-6" },
      });
      assert.equal(sixth.status, 423);
      assert.equal(sixth.body.error.code, "account_locked");
      const right = await http(base, "POST", "/auth/login", {
        body: { username: p.username, password: p.password },
      });
      assert.equal(right.status, 423);
    });

    it("resets the failure count on success", async () => {
      const p = await newPlayer(base);
      for (let i = 0; i < 4; i++) {
        await http(base, "POST", "/auth/login", { body: { username: p.username, password: "wrong-pw" } });
      }
      assert.equal(
        (await http(base, "POST", "/auth/login", { body: { username: p.username, password: p.password } }))
          .status,
        200,
      );
      for (let i = 0; i < 4; i++) {
        const res = await http(base, "POST", "/auth/login", {
          body: { username: p.username, password: "wrong-pw" },
        });
        assert.equal(res.status, 401);
      }
    });

    it("refuses a banned account with 403 and its sessions stop working", async () => {
      const p = await newPlayer(base);
      await queryDatabase(
        d.env.DATABASE_URL!,
        "UPDATE accounts SET banned_until = now() + interval '1 hour', ban_reason = 'botting' WHERE id = $1",
        [p.accountId],
      );
      const login = await http(base, "POST", "/auth/login", {
        body: { username: p.username, password: p.password },
      });
      assert.equal(login.status, 403);
      assert.equal(login.body.error.code, "account_banned");
      assert.match(login.body.error.message, /botting/);
      assert.equal((await http(base, "GET", "/characters", { token: p.token })).status, 403);
    });
  });

  describe("refresh and logout", () => {
    it("rotates refresh tokens: each works once, and a replay ends the session", async () => {
      const p = await newPlayer(base);
      const first = await http(base, "POST", "/auth/refresh", { body: { refreshToken: p.refreshToken } });
      assert.equal(first.status, 200);
      assert.ok(first.body.token && first.body.refreshToken && first.body.expiresIn > 0);
      assert.notEqual(first.body.refreshToken, p.refreshToken);
      assert.equal((await http(base, "GET", "/characters", { token: first.body.token })).status, 200);

      const replay = await http(base, "POST", "/auth/refresh", { body: { refreshToken: p.refreshToken } });
      assert.equal(replay.status, 401);
      // Reuse means the token leaked: the whole session, including the newest pair, is revoked.
      assert.equal(
        (await http(base, "POST", "/auth/refresh", { body: { refreshToken: first.body.refreshToken } }))
          .status,
        401,
      );
      assert.equal((await http(base, "GET", "/characters", { token: first.body.token })).status, 401);
    });

    it("rejects malformed refresh tokens with 401", async () => {
      for (const refreshToken of [
        "x",
        "not-a-uuid.secretsecretsecretsecret",
        "00000000-0000-0000-0000-000000000000.aaaaaaaaaaaaaaaaaaaaaaaa",
      ]) {
        assert.equal((await http(base, "POST", "/auth/refresh", { body: { refreshToken } })).status, 401);
      }
    });

    it("logout revokes the token and its refresh token, and closes the live session with 4101", async () => {
      const p = await newPlayer(base);
      const { room } = await joinDistrict(d.server.ws, p);
      let closeCode: number | undefined;
      room.onLeave((code: number) => (closeCode = code));
      const out = await http(base, "POST", "/auth/logout", { token: p.token });
      assert.equal(out.status, 204);
      await waitFor(() => closeCode, { what: "room close" });
      assert.equal(closeCode, 4101);
      assert.equal((await http(base, "GET", "/characters", { token: p.token })).status, 401);
      assert.equal(
        (await http(base, "POST", "/auth/refresh", { body: { refreshToken: p.refreshToken } })).status,
        401,
      );
      // Other sessions of the same account keep working.
      const again = await http(base, "POST", "/auth/login", {
        body: { username: p.username, password: p.password },
      });
      assert.equal((await http(base, "GET", "/characters", { token: again.body.token })).status, 200);
    });

    it("rejects requests without or with a bad bearer token", async () => {
      assert.equal((await http(base, "GET", "/characters")).status, 401);
      assert.equal((await http(base, "GET", "/characters", { token: "garbage" })).status, 401);
      const p = await newPlayer(base);
      const tampered = p.token.slice(0, -3) + (p.token.endsWith("aaa") ? "bbb" : "aaa");
      assert.equal((await http(base, "GET", "/characters", { token: tampered })).status, 401);
    });
  });

  describe("characters", () => {
    it("creates with unique names and lists only the account's own", async () => {
      const a = await newPlayer(base);
      const b = await newPlayer(base, "machines");
      const listA = await http(base, "GET", "/characters", { token: a.token });
      assert.deepEqual(
        listA.body.map((c: { name: string }) => c.name),
        [a.characterName],
      );
      const listB = await http(base, "GET", "/characters", { token: b.token });
      assert.equal(listB.body[0].organization, "machines");
      assert.equal(listB.body[0].district, "richland");
      assert.equal(listB.body[0].level, 1);
      const dup = await http(base, "POST", "/characters", {
        token: b.token,
        body: { name: a.characterName.toLowerCase() },
      });
      assert.equal(dup.status, 409);
      assert.equal(dup.body.error.code, "name_taken");
      const bad = await http(base, "POST", "/characters", { token: b.token, body: { name: "1abc" } });
      assert.equal(bad.status, 400);
      const badOrg = await http(base, "POST", "/characters", {
        token: b.token,
        body: { name: uniqueName("C"), organization: "agents" },
      });
      assert.equal(badOrg.status, 400);
    });
  });

  describe("joining a district", () => {
    let p: TestPlayer;
    before(async () => {
      p = await newPlayer(base);
    });

    const expectRefusal = async (
      token: string | undefined,
      options: object,
      code: number,
      message: RegExp,
    ) => {
      const client = new ContractClient(d.server.ws);
      if (token !== undefined) client.auth.token = token;
      await assert.rejects(
        client.joinOrCreate("district", options),
        (err: { code: number; message: string }) => {
          assert.equal(err.code, code, err.message);
          assert.match(err.message, message);
          return true;
        },
      );
    };

    it("refuses without a token", async () => {
      await expectRefusal(undefined, { district: "richland", characterId: p.characterId }, 401, /token/i);
    });
    it("refuses a bad token", async () => {
      await expectRefusal(
        "not.a.jwt",
        { district: "richland", characterId: p.characterId },
        401,
        /invalid token/i,
      );
    });
    it("refuses someone else's character", async () => {
      const other = await newPlayer(base);
      await expectRefusal(
        p.token,
        { district: "richland", characterId: other.characterId },
        403,
        /character/i,
      );
    });
    it("refuses an unknown district without creating a room", async () => {
      await expectRefusal(
        p.token,
        { district: "zion_city", characterId: p.characterId },
        404,
        /unknown district/i,
      );
      const metrics = await http(base, "GET", "/metrics");
      assert.ok(!String(metrics.body).includes('district="zion_city"'));
    });
    it("refuses malformed join options", async () => {
      await expectRefusal(p.token, { district: "richland", characterId: "not-a-uuid" }, 400, /characterId/);
    });
    it("a second join of a character in play takes it over: one live copy, state carried", async () => {
      const first = await joinDistrict(d.server.ws, p);
      first.room.reconnection.enabled = false;
      let firstClosed: number | undefined;
      first.room.onLeave((code: number) => (firstClosed = code));
      await waitFor(() => me(first.room));
      const pos = await walkAndStop(first.room, 1, 0, 400, 0);
      const second = await joinDistrict(d.server.ws, p);
      try {
        await waitFor(() => firstClosed, { what: "first session closed" });
        assert.equal(firstClosed, 4111);
        const self = await waitFor(() => me(second.room));
        assert.ok(Math.abs(self.x - pos.x) < 1e-2, "the taker gets the state the first session saved");
        const copies = [...second.room.state.players.values()].filter(
          (pl: any) => pl.characterId === p.characterId,
        );
        assert.equal(copies.length, 1);
      } finally {
        await second.room.leave();
      }
    });
  });
});
