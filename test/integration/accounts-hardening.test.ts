import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { Secret, TOTP } from "otpauth";
import { http, joinDistrict, newPlayer, uniqueName, waitFor, type TestPlayer } from "../helpers/api.js";
import { startCluster, type TestCluster } from "../helpers/cluster.js";
import { queryDatabase } from "../helpers/postgres.js";
import { deploy, DB_MODES, type TestDeployment } from "../helpers/servers.js";
import { skipUnlessTransportServes } from "../helpers/nodeVersions.js";

const ADMIN = { username: "hardening_admin", password: "admin password 123" };
const WRONG = "not the password";

const codeAt = (secret: string, offsetSeconds = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: Date.now() + offsetSeconds * 1000,
  });

const login = (base: string, username: string, password: string, totp?: string) =>
  http(base, "POST", "/auth/login", { body: totp ? { username, password, totp } : { username, password } });

/** Counts answers by status: 401 and 200 were evaluated, 423 refused unevaluated. */
function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

/** Turns TOTP on for a player; returns the secret. */
async function enrolTotp(base: string, p: TestPlayer): Promise<string> {
  const enroll = await http(base, "POST", "/auth/totp/enroll", {
    token: p.token,
    body: { password: p.password },
  });
  assert.equal(enroll.status, 200, JSON.stringify(enroll.body));
  const verify = await http(base, "POST", "/auth/totp/verify", {
    token: p.token,
    body: { code: codeAt(enroll.body.secret) },
  });
  assert.equal(verify.status, 200, JSON.stringify(verify.body));
  return enroll.body.secret as string;
}

for (const mode of DB_MODES) {
  describe(`accounts: lockout counted atomically (${mode})`, function () {
    this.timeout(90_000);
    let d: TestDeployment;
    before(async () => (d = await deploy(mode)));
    after(async () => d?.cleanup());

    it("20 parallel wrong guesses: exactly 5 evaluated (401), 15 refused (423); then the right password gets 423", async () => {
      const p = await newPlayer(d.server.http);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => login(d.server.http, p.username, WRONG)),
      );
      assert.deepEqual(tally(answers.map((a) => a.status)), { 401: 5, 423: 15 });
      for (const a of answers)
        assert.ok(a.body.error.code === "unauthorized" || a.body.error.code === "account_locked");
      const right = await login(d.server.http, p.username, p.password);
      assert.equal(right.status, 423);
      assert.equal(right.body.error.code, "account_locked");
      assert.ok(Date.parse(right.body.error.details.lockedUntil) > Date.now() + 14 * 60_000);
    });

    it("the right password without its one-time code does not count as a failure", async () => {
      const p = await newPlayer(d.server.http);
      const secret = await enrolTotp(d.server.http, p);
      for (let i = 0; i < 4; i++) assert.equal((await login(d.server.http, p.username, WRONG)).status, 401);
      for (let i = 0; i < 3; i++) {
        const without = await login(d.server.http, p.username, p.password);
        assert.equal(without.status, 401);
        assert.equal(without.body.error.code, "totp_required");
      }
      assert.equal((await login(d.server.http, p.username, p.password, codeAt(secret, 30))).status, 200);
    });
  });
}

describe("accounts: the right password among guesses in flight (postgres)", function () {
  this.timeout(90_000);
  let d: TestDeployment;
  before(async () => (d = await deploy("postgres")));
  after(async () => d?.cleanup());

  it("29 wrong guesses in flight, then the right password: 423, and only 5 guesses were evaluated", async () => {
    const p = await newPlayer(d.server.http);
    const wrong = Array.from({ length: 29 }, () => login(d.server.http, p.username, WRONG));
    // Sent while the wrong guesses are still being checked (argon2 takes ~100 ms each).
    await waitFor(
      async () =>
        (
          await queryDatabase<{ n: number }>(
            d.env.DATABASE_URL!,
            "SELECT failed_login_count AS n FROM accounts WHERE id = $1",
            [p.accountId],
          )
        )[0]!.n >= 5,
      { timeoutMs: 20_000, intervalMs: 2, what: "5 failures counted" },
    );
    const right = await login(d.server.http, p.username, p.password);
    const answers = await Promise.all(wrong);
    assert.equal(right.status, 423, JSON.stringify(right.body));
    assert.deepEqual(tally(answers.map((a) => a.status)), { 401: 5, 423: 24 });
    const [row] = await queryDatabase<{ failed_login_count: number; locked: boolean }>(
      d.env.DATABASE_URL!,
      "SELECT failed_login_count, locked_until > now() AS locked FROM accounts WHERE id = $1",
      [p.accountId],
    );
    assert.deepEqual(row, { failed_login_count: 5, locked: true });
  });
});

describe("accounts: two processes on one PostgreSQL, no JWT_SECRET", function () {
  this.timeout(120_000);
  let c: TestCluster;
  before(async () => (c = await startCluster(2, { JWT_SECRET: "" })));
  after(async () => c?.cleanup());

  it("a token issued by one process is accepted by the other", async () => {
    const [a, b] = c.servers;
    const p = await newPlayer(a!.http);
    const listed = await http(b!.http, "GET", "/characters", { token: p.token });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.equal(listed.body[0].id, p.characterId);
    const fromB = await login(b!.http, p.username, p.password);
    assert.equal((await http(a!.http, "GET", "/characters", { token: fromB.body.token })).status, 200);
    const { room } = await joinDistrict(b!.ws, p);
    await room.leave();
  });

  it("20 wrong guesses spread over both processes: exactly 5 evaluated", async () => {
    const p = await newPlayer(c.servers[0]!.http);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(c.servers[i % 2]!.http, p.username, WRONG)),
    );
    assert.deepEqual(tally(answers.map((a) => a.status)), { 401: 5, 423: 15 });
  });

  it("one TOTP code logs in once, even sent to both processes at the same time", async () => {
    const p = await newPlayer(c.servers[0]!.http);
    const secret = await enrolTotp(c.servers[0]!.http, p);
    const code = codeAt(secret, 30);
    const answers = await Promise.all(c.servers.map((s) => login(s.http, p.username, p.password, code)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 401]);
    assert.equal(answers.find((a) => a.status === 401)!.body.error.code, "totp_invalid");
  });
});

describe("accounts: TOTP (postgres)", function () {
  this.timeout(90_000);
  let d: TestDeployment;
  let base: string;
  before(async () => {
    d = await deploy("postgres");
    base = d.server.http;
  });
  after(async () => d?.cleanup());

  it("enrolment needs the password; wrong passwords count toward the lockout (a stolen token alone cannot enrol)", async () => {
    const p = await newPlayer(base);
    assert.equal((await http(base, "POST", "/auth/totp/enroll", { token: p.token })).status, 400);
    const none = await http(base, "POST", "/auth/totp/enroll", { token: p.token, body: {} });
    assert.equal(none.status, 400);
    assert.match(none.body.error.message, /^password: /);
    for (let i = 0; i < 5; i++) {
      const wrong = await http(base, "POST", "/auth/totp/enroll", {
        token: p.token,
        body: { password: WRONG },
      });
      assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
    }
    const locked = await http(base, "POST", "/auth/totp/enroll", {
      token: p.token,
      body: { password: p.password },
    });
    assert.equal(locked.status, 423);
    const [row] = await queryDatabase<{ totp_secret: string | null }>(
      d.env.DATABASE_URL!,
      "SELECT totp_secret FROM accounts WHERE id = $1",
      [p.accountId],
    );
    assert.equal(row!.totp_secret, null, "no secret was set");
  });

  it("a code works once: not the one that turned TOTP on, not twice, not an older one", async () => {
    const p = await newPlayer(base);
    const enroll = await http(base, "POST", "/auth/totp/enroll", {
      token: p.token,
      body: { password: p.password },
    });
    const first = codeAt(enroll.body.secret);
    assert.equal(
      (await http(base, "POST", "/auth/totp/verify", { token: p.token, body: { code: first } })).status,
      200,
    );
    const replayed = await login(base, p.username, p.password, first);
    assert.equal(replayed.status, 401, "the enrolment code must not log in");
    assert.equal(replayed.body.error.code, "totp_invalid");
    const next = codeAt(enroll.body.secret, 30);
    assert.equal((await login(base, p.username, p.password, next)).status, 200);
    assert.equal((await login(base, p.username, p.password, next)).status, 401, "a code logs in once");
    assert.equal((await login(base, p.username, p.password, first)).status, 401, "an older code is refused");
  });

  it("stores secrets encrypted (AES-256-GCM), never in plain text", async () => {
    const p = await newPlayer(base);
    const enroll = await http(base, "POST", "/auth/totp/enroll", {
      token: p.token,
      body: { password: p.password },
    });
    const [row] = await queryDatabase<{ totp_secret: string }>(
      d.env.DATABASE_URL!,
      "SELECT totp_secret FROM accounts WHERE id = $1",
      [p.accountId],
    );
    assert.match(row!.totp_secret, /^v1:[A-Za-z0-9_-]+$/);
    assert.ok(!row!.totp_secret.includes(enroll.body.secret));
    const decoded = Buffer.from(row!.totp_secret.slice(3), "base64url").toString("latin1");
    assert.ok(!decoded.includes(enroll.body.secret), "the ciphertext does not carry the secret");
  });

  it("a secret stored in plain text by an older version still works, and is encrypted at the next start", async () => {
    const p = await newPlayer(base);
    const secret = new Secret({ size: 20 }).base32;
    await queryDatabase(
      d.env.DATABASE_URL!,
      "UPDATE accounts SET totp_secret = $2, totp_enabled_at = now() WHERE id = $1",
      [p.accountId, secret],
    );
    assert.equal((await login(base, p.username, p.password, codeAt(secret))).status, 200);
    await d.restart();
    base = d.server.http;
    const [row] = await queryDatabase<{ totp_secret: string }>(
      d.env.DATABASE_URL!,
      "SELECT totp_secret FROM accounts WHERE id = $1",
      [p.accountId],
    );
    assert.match(row!.totp_secret, /^v1:/);
    assert.equal((await login(base, p.username, p.password, codeAt(secret, 30))).status, 200);
  });
});

describe("accounts: staff need a second factor (STAFF_MFA_REQUIRED, postgres)", function () {
  this.timeout(90_000);
  let d: TestDeployment;
  let base: string;
  before(async () => {
    d = await deploy("postgres", {
      STAFF_MFA_REQUIRED: "true",
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    });
    base = d.server.http;
  });
  after(async () => d?.cleanup());

  it("an admin without TOTP logs in, but its token reaches only enrolment until TOTP is on", async () => {
    const first = await login(base, ADMIN.username, ADMIN.password);
    assert.equal(first.status, 200);
    const token = first.body.token as string;
    for (const [method, path] of [
      ["GET", "/api/v1/admin/districts"],
      ["GET", "/api/v1/admin/audit-logs"],
      ["GET", "/characters"],
    ] as const) {
      const refused = await http(base, method, path, { token });
      assert.equal(refused.status, 403, `${path}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.error.code, "mfa_required");
      assert.match(refused.body.error.message, /totp\/enroll/);
    }
    const gm = await http(base, "POST", "/api/v1/admin/commands", {
      token,
      body: { command: "announce", args: ["hello"] },
    });
    assert.equal(gm.status, 403);

    const enroll = await http(base, "POST", "/auth/totp/enroll", {
      token,
      body: { password: ADMIN.password },
    });
    assert.equal(enroll.status, 200, JSON.stringify(enroll.body));
    const verify = await http(base, "POST", "/auth/totp/verify", {
      token,
      body: { code: codeAt(enroll.body.secret) },
    });
    assert.equal(verify.status, 200);
    assert.equal((await http(base, "GET", "/api/v1/admin/districts", { token })).status, 200);

    const without = await login(base, ADMIN.username, ADMIN.password);
    assert.equal(without.body.error.code, "totp_required");
    const withCode = await login(base, ADMIN.username, ADMIN.password, codeAt(enroll.body.secret, 30));
    assert.equal(withCode.status, 200);
    assert.equal(
      (await http(base, "GET", "/api/v1/admin/districts", { token: withCode.body.token })).status,
      200,
    );
  });

  it("a player promoted to moderator cannot join or act until it enrols; plain players are not affected", async () => {
    const player = await newPlayer(base);
    const mod = await newPlayer(base);
    await queryDatabase(d.env.DATABASE_URL!, "UPDATE accounts SET roles = '{moderator}' WHERE id = $1", [
      mod.accountId,
    ]);
    const refused = await http(base, "GET", "/characters", { token: mod.token });
    assert.equal(refused.body.error.code, "mfa_required");
    await assert.rejects(joinDistrict(d.server.ws, mod), /two-factor/);
    assert.equal((await http(base, "GET", "/characters", { token: player.token })).status, 200);
    const { room } = await joinDistrict(d.server.ws, player);
    await room.leave();
  });

  it("a player promoted while in play cannot run gm commands until it enrols, and the refusal is audited", async () => {
    const p = await newPlayer(base);
    const { room } = await joinDistrict(d.server.ws, p);
    try {
      await queryDatabase(d.env.DATABASE_URL!, "UPDATE accounts SET roles = '{gm_tier3}' WHERE id = $1", [
        p.accountId,
      ]);
      const result = await new Promise<any>((resolve) => {
        room.onMessage("gm:result", resolve);
        room.send("gm", { command: "announce", args: ["hello"] });
      });
      assert.equal(result.ok, false);
      assert.equal(result.code, "mfa_required");
      const [row] = await queryDatabase<{ result: string }>(
        d.env.DATABASE_URL!,
        "SELECT result FROM audit_log WHERE actor_id = $1 AND action = 'command.announce'",
        [p.accountId],
      );
      assert.equal(row?.result, "refused");
    } finally {
      await room.leave();
    }
  });

  it("a permission granted to a player account makes it staff too", async () => {
    const p = await newPlayer(base);
    await queryDatabase(
      d.env.DATABASE_URL!,
      "INSERT INTO account_permission_overrides (account_id, permission, effect) VALUES ($1, 'gm.command.kick', 'grant')",
      [p.accountId],
    );
    assert.equal(
      (await http(base, "GET", "/characters", { token: p.token })).body.error.code,
      "mfa_required",
    );
  });
});

/** Writes a huge POST over a raw socket until the server answers; reports what it took. */
async function hugePost(
  port: number,
  path: string,
  opts: { chunked: boolean; total: number },
): Promise<{ status: number; body: any; sentBeforeAnswer: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let sent = 0;
    let answered = false;
    let sentBeforeAnswer = 0;
    let response = Buffer.alloc(0);
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer after sending ${sent} bytes`));
    }, 110_000);
    const finish = () => {
      clearTimeout(timer);
      const text = response.toString("utf8");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const body = text.slice(text.indexOf("\r\n\r\n") + 4);
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        // left as text for the assertion message
      }
      resolve({ status, body: parsed, sentBeforeAnswer });
    };
    socket.on("data", (d) => {
      if (!answered) {
        answered = true;
        sentBeforeAnswer = sent;
      }
      response = Buffer.concat([response, d]);
      const text = response.toString("utf8");
      const headEnd = text.indexOf("\r\n\r\n");
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? NaN);
      if (headEnd >= 0 && response.length >= headEnd + 4 + length) {
        finish();
        socket.destroy();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () =>
      response.length > 0 ? finish() : reject(new Error(`closed after ${sent} bytes`)),
    );
    socket.on("connect", async () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          (opts.chunked ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${opts.total}\r\n`) +
          "\r\n",
      );
      while (sent < opts.total && !answered && !socket.destroyed) {
        const frame = opts.chunked
          ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
          : chunk;
        sent += chunk.length;
        if (!socket.write(frame)) {
          await new Promise<void>((r) => {
            const done = () => {
              socket.off("drain", done);
              socket.off("close", done);
              r();
            };
            socket.on("drain", done);
            socket.on("close", done);
          });
        }
      }
      if (!answered && !socket.destroyed && opts.chunked) socket.write("0\r\n\r\n");
    });
  });
}

/** Peak resident memory of a process so far (Linux). */
function peakRssBytes(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return kb * 1024;
}

const HUGE = 200 * 1024 * 1024;

for (const transport of ["uws", "ws"] as const) {
  describe(`HTTP bodies are limited while they stream (${transport} transport)`, function () {
    this.timeout(240_000);
    let d: TestDeployment;
    before(function () {
      skipUnlessTransportServes(this, transport);
    });
    before(async () => (d = await deploy("postgres", { TRANSPORT: transport })));
    after(async () => d?.cleanup());

    for (const path of ["/auth/register", "/matchmake/joinOrCreate/district"]) {
      for (const chunked of [false, true]) {
        it(`200 MB to ${path} (${chunked ? "chunked" : "Content-Length"}): a JSON 413 before the body is read, memory bounded`, async () => {
          const before = peakRssBytes(d.server.proc.pid!);
          const res = await hugePost(d.server.port, path, { chunked, total: HUGE });
          const grown = peakRssBytes(d.server.proc.pid!) - before;
          assert.ok(grown < 64 * 1024 * 1024, `peak RSS grew by ${Math.round(grown / 1048576)} MB`);
          assert.equal(res.status, 413, JSON.stringify(res.body));
          assert.equal(res.body.error.code, "payload_too_large");
          assert.ok(res.sentBeforeAnswer < HUGE, "answered before the whole body was sent");
          assert.equal((await http(d.server.http, "GET", "/health")).status, 200);
        });
      }
    }

    it("bodies within the limits still arrive whole (a 1 MB body to the content-pack route passes the transport)", async () => {
      const p = await newPlayer(d.server.http);
      assert.ok(p.token);
      const pack = await http(d.server.http, "POST", "/api/v1/admin/content/revisions", {
        raw: JSON.stringify({ pack: { filler: "x".repeat(1024 * 1024) } }),
      });
      assert.equal(pack.status, 401, "refused for the missing token, not for its size");
      const over = await http(d.server.http, "POST", "/auth/login", {
        raw: JSON.stringify({ username: "x", password: "y".repeat(20_000) }),
      });
      assert.equal(over.status, 413);
      assert.equal(over.body.error.code, "payload_too_large");
    });
  });
}

describe("HTTP: text PostgreSQL cannot store, and ids that are not UUIDs (postgres)", function () {
  this.timeout(60_000);
  let d: TestDeployment;
  let base: string;
  let admin: string;
  before(async () => {
    d = await deploy("postgres", { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    base = d.server.http;
    admin = (await login(base, ADMIN.username, ADMIN.password)).body.token;
  });
  after(async () => d?.cleanup());

  const nul = "a\u0000b";

  it("NUL in any auth field is a 400 naming the field, never a 500", async () => {
    const p = await newPlayer(base);
    const cases: [string, unknown][] = [
      ["/auth/login", { username: `${p.username}${nul}`, password: p.password }],
      ["/auth/register", { username: `x${nul}`, password: "long enough" }],
      ["/auth/register", { username: uniqueName("n"), password: `long enough${nul}` }],
      ["/auth/login", { username: p.username, password: nul }],
      ["/auth/login", { username: p.username, password: p.password, totp: `12345${nul}` }],
      ["/auth/refresh", { refreshToken: `${p.refreshToken}${nul}` }],
    ];
    for (const [path, body] of cases) {
      const res = await http(base, "POST", path, { body });
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, "invalid_request");
      assert.match(res.body.error.message, /NUL/);
    }
    const totp = await http(base, "POST", "/auth/totp/verify", { token: p.token, body: { code: nul } });
    assert.equal(totp.status, 400);
    assert.equal((await login(base, p.username, p.password)).status, 200, "nothing counted as a failure");
  });

  it("a lone surrogate or a NUL in a key is refused the same way", async () => {
    const surrogate = await http(base, "POST", "/auth/login", {
      raw: '{"username":"\\ud800x","password":"p"}',
    });
    assert.equal(surrogate.status, 400);
    assert.match(surrogate.body.error.message, /^username: /);
    const key = await http(base, "POST", "/auth/login", {
      raw: '{"username":"a","password":"b","k\\u0000":1}',
    });
    assert.equal(key.status, 400);
  });

  it("admin routes too: a NUL in a body, a query or a path is a 400", async () => {
    const command = await http(base, "POST", "/api/v1/admin/commands", {
      token: admin,
      body: { command: "announce", args: [nul] },
    });
    assert.equal(command.status, 400, JSON.stringify(command.body));
    const escalation = await http(base, "POST", "/api/v1/admin/escalations", {
      token: admin,
      body: { reason: nul },
    });
    assert.equal(escalation.status, 400);
    const query = await http(base, "GET", "/api/v1/admin/audit-logs?actor=a%00b", { token: admin });
    assert.equal(query.status, 400, JSON.stringify(query.body));
    assert.equal(query.body.error.code, "invalid_request");
    const path = await http(base, "GET", "/api/v1/admin/analytics/players/a%00b", { token: admin });
    assert.equal(path.status, 400, JSON.stringify(path.body));
  });

  it("an id of 36 dashes (or any non-UUID) is a 400, not a uuid cast error", async () => {
    const dashes = "-".repeat(36);
    for (const [method, path, body] of [
      ["PUT", `/api/v1/admin/accounts/${dashes}/roles`, { roles: ["player"] }],
      ["POST", `/api/v1/admin/accounts/${dashes}/ban`, { reason: "x" }],
      ["POST", `/api/v1/admin/gm-actions/${dashes}/reverse`, undefined],
      ["GET", `/api/v1/admin/gm-actions/${"a".repeat(36)}`, undefined],
    ] as const) {
      const res = await http(base, method, path, { token: admin, ...(body ? { body } : {}) });
      assert.equal(res.status, 400, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, "invalid_request");
    }
    const refresh = await http(base, "POST", "/auth/refresh", {
      body: { refreshToken: `${dashes}.${"s".repeat(43)}` },
    });
    assert.equal(refresh.status, 401, JSON.stringify(refresh.body));
  });
});
