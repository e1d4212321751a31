import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  ConfigError,
  loadConfig,
  resolvePublicAddress,
  type Config,
} from "../../src/framework/config/config.js";

const SECRET = "s".repeat(32);
const KEY = "k".repeat(32);

/** Always passes a JWT secret unless told otherwise, so no test writes into ./data. */
function load(extra: Record<string, string | undefined> = {}): Config {
  return loadConfig({ JWT_SECRET: SECRET, ...extra });
}

function assertConfigError(fn: () => unknown, variable: string, reason?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.name, "ConfigError");
    assert.equal(err.variable, variable);
    assert.ok(
      err.message.startsWith(`Invalid configuration: ${variable} `),
      `message should name ${variable}: ${err.message}`,
    );
    if (reason) assert.match(err.message, reason);
    return true;
  });
}

describe("config: loadConfig", () => {
  describe("defaults", () => {
    it("fills every variable with its documented default", () => {
      const c = load();
      assert.equal(c.nodeEnv, "development");
      assert.equal(c.port, 2567);
      assert.equal(c.host, "0.0.0.0");
      assert.equal(c.publicAddress, undefined);
      assert.equal(c.databaseUrl, undefined);
      assert.equal(c.redisUrl, undefined);
      assert.equal(c.dataDir, resolve("./data"));
      assert.equal(c.contentDir, resolve("./content"));
      assert.equal(c.jwtSecret, SECRET);
      assert.equal(c.accessTokenTtlSeconds, 900);
      assert.equal(c.refreshTokenTtlSeconds, 30 * 86_400);
      assert.equal(c.tickRate, 20);
      assert.equal(c.patchRate, 20);
      assert.equal(c.autosaveSeconds, 5);
      assert.equal(c.reconnectGraceSeconds, 20);
      assert.equal(c.maxClientsPerDistrict, 1000);
      assert.equal(c.joinAdmitPerTick, 4);
      assert.equal(c.joinQueueMax, 200);
      assert.equal(c.maxMessagesPerSecond, 30);
      assert.equal(c.loginMaxFailures, 5);
      assert.equal(c.loginLockSeconds, 900);
      assert.equal(c.httpRateLimitPerMinute, 300);
      assert.equal(c.authRateLimitPerMinute, 60);
      assert.equal(c.transport, "auto");
      assert.equal(c.logLevel, "info");
      assert.equal(c.shutdownTimeoutSeconds, 25);
      assert.equal(c.admin, undefined);
      assert.equal(c.trustProxy, false);
      assert.equal(c.totpEncryptionKey, undefined);
      assert.equal(c.staffMfaRequired, false);
    });

    it("parses explicit values into typed fields", () => {
      const c = load({
        NODE_ENV: "test",
        PORT: "8080",
        HOST: "127.0.0.1",
        PUBLIC_ADDRESS: "game.example.com:443",
        DATABASE_URL: "postgresql://u:p@db:5432/mxo",
        REDIS_URL: "rediss://cache:6380",
        DATA_DIR: "/var/lib/mxo",
        CONTENT_DIR: "relative/content",
        ACCESS_TOKEN_TTL_SECONDS: "60",
        REFRESH_TOKEN_TTL_SECONDS: "3600",
        TICK_RATE: "30",
        PATCH_RATE: "10",
        AUTOSAVE_SECONDS: "7",
        RECONNECT_GRACE_SECONDS: "0",
        MAX_CLIENTS_PER_DISTRICT: "5000",
        MAX_MESSAGES_PER_SECOND: "12",
        LOGIN_MAX_FAILURES: "3",
        LOGIN_LOCK_SECONDS: "120",
        HTTP_RATE_LIMIT_PER_MINUTE: "1000",
        AUTH_RATE_LIMIT_PER_MINUTE: "10",
        TRANSPORT: "ws",
        LOG_LEVEL: "debug",
        SHUTDOWN_TIMEOUT_SECONDS: "600",
        ADMIN_USERNAME: "root_admin",
        ADMIN_PASSWORD: "correct horse",
        TRUST_PROXY: "true",
        TOTP_ENCRYPTION_KEY: "t".repeat(40),
        STAFF_MFA_REQUIRED: "yes",
      });
      assert.equal(c.nodeEnv, "test");
      assert.equal(c.port, 8080);
      assert.equal(c.host, "127.0.0.1");
      assert.equal(c.publicAddress, "game.example.com:443");
      assert.equal(c.databaseUrl, "postgresql://u:p@db:5432/mxo");
      assert.equal(c.redisUrl, "rediss://cache:6380");
      assert.equal(c.dataDir, "/var/lib/mxo");
      assert.equal(c.contentDir, resolve("relative/content"));
      assert.equal(c.accessTokenTtlSeconds, 60);
      assert.equal(c.refreshTokenTtlSeconds, 3600);
      assert.equal(c.tickRate, 30);
      assert.equal(c.patchRate, 10);
      assert.equal(c.autosaveSeconds, 7);
      assert.equal(c.reconnectGraceSeconds, 0);
      assert.equal(c.maxClientsPerDistrict, 5000);
      assert.equal(c.maxMessagesPerSecond, 12);
      assert.equal(c.loginMaxFailures, 3);
      assert.equal(c.loginLockSeconds, 120);
      assert.equal(c.httpRateLimitPerMinute, 1000);
      assert.equal(c.authRateLimitPerMinute, 10);
      assert.equal(c.transport, "ws");
      assert.equal(c.logLevel, "debug");
      assert.equal(c.shutdownTimeoutSeconds, 600);
      assert.deepEqual(c.admin, { username: "root_admin", password: "correct horse" });
      assert.equal(c.trustProxy, true);
      assert.equal(c.totpEncryptionKey, "t".repeat(40));
      assert.equal(c.staffMfaRequired, true);
    });

    it("accepts postgres:// as well as postgresql://, and redis:// as well as rediss://", () => {
      assert.equal(
        load({ DATABASE_URL: "postgres://localhost/mxo" }).databaseUrl,
        "postgres://localhost/mxo",
      );
      assert.equal(load({ REDIS_URL: "redis://localhost:6379" }).redisUrl, "redis://localhost:6379");
    });

    for (const [value, expected] of [
      ["true", true],
      ["1", true],
      ["yes", true],
      ["false", false],
      ["0", false],
      ["no", false],
    ] as const) {
      it(`TRUST_PROXY=${value} is ${expected}`, () => {
        assert.equal(load({ TRUST_PROXY: value }).trustProxy, expected);
      });
    }

    it("ignores variables it does not know", () => {
      const c = load({ SOMETHING_ELSE: "x", PATH: "/bin" });
      assert.equal(c.port, 2567);
    });
  });

  describe("empty strings count as unset", () => {
    it("uses defaults for empty numeric, enum and boolean variables", () => {
      const c = load({
        PORT: "",
        TICK_RATE: "",
        NODE_ENV: "",
        TRANSPORT: "",
        TRUST_PROXY: "",
        LOG_LEVEL: "",
      });
      assert.equal(c.port, 2567);
      assert.equal(c.tickRate, 20);
      assert.equal(c.nodeEnv, "development");
      assert.equal(c.transport, "auto");
      assert.equal(c.trustProxy, false);
      assert.equal(c.logLevel, "info");
    });

    it("treats empty optional URLs as absent rather than invalid", () => {
      const c = load({ DATABASE_URL: "", REDIS_URL: "", PUBLIC_ADDRESS: "" });
      assert.equal(c.databaseUrl, undefined);
      assert.equal(c.redisUrl, undefined);
      assert.equal(c.publicAddress, undefined);
    });

    it("treats an empty ADMIN_PASSWORD as unset (so ADMIN_USERNAME alone fails)", () => {
      assertConfigError(() => load({ ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "" }), "ADMIN_PASSWORD");
      assert.equal(load({ ADMIN_USERNAME: "", ADMIN_PASSWORD: "" }).admin, undefined);
    });

    it("treats an empty JWT_SECRET as unset in production", () => {
      assertConfigError(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "" }), "JWT_SECRET");
    });
  });

  describe("interest update rates", () => {
    it("AOI_FAR_RATE_EVERY defaults to 4 and takes 1 (off), 2, 4 or 8", () => {
      assert.equal(load({}).aoi.farRateEvery, 4);
      assert.equal(load({ AOI_FAR_RATE_EVERY: "8" }).aoi.farRateEvery, 8);
      assert.equal(load({ AOI_FAR_RATE_EVERY: "1" }).aoi.farRateEvery, 1);
      assert.equal(load({ AOI_FULL_RATE_PERCENT: "25" }).aoi.fullRateFraction, 0.25);
    });

    it("AOI_FAR_RATE_EVERY=3 names the variable and the values it takes", () => {
      assertConfigError(
        () => load({ AOI_FAR_RATE_EVERY: "3" }),
        "AOI_FAR_RATE_EVERY",
        /must be 1 \(off\), 2, 4 or 8/,
      );
    });
  });

  describe("integer validation", () => {
    it("TICK_RATE=0 names TICK_RATE and the lower limit", () => {
      assertConfigError(() => load({ TICK_RATE: "0" }), "TICK_RATE", /must be ≥ 1 \(got "0"\)/);
    });

    it("TICK_RATE=abc names TICK_RATE and says it must be an integer", () => {
      assertConfigError(() => load({ TICK_RATE: "abc" }), "TICK_RATE", /must be an integer \(got "abc"\)/);
    });

    it("TICK_RATE=61 names TICK_RATE and the upper limit", () => {
      assertConfigError(() => load({ TICK_RATE: "61" }), "TICK_RATE", /must be ≤ 60 \(got "61"\)/);
    });

    it("TICK_RATE accepts both ends of its range", () => {
      assert.equal(load({ TICK_RATE: "1" }).tickRate, 1);
      assert.equal(load({ TICK_RATE: "60" }).tickRate, 60);
    });

    for (const bad of ["1.5", "1e3", " 20", "20 ", "0x14", "-1", "+5"]) {
      it(`TICK_RATE=${JSON.stringify(bad)} is rejected`, () => {
        assertConfigError(() => load({ TICK_RATE: bad }), "TICK_RATE");
      });
    }

    it("PORT=0 and PORT=65536 are rejected, 1 and 65535 accepted", () => {
      assertConfigError(() => load({ PORT: "0" }), "PORT", /must be ≥ 1/);
      assertConfigError(() => load({ PORT: "65536" }), "PORT", /must be ≤ 65535/);
      assertConfigError(() => load({ PORT: "http" }), "PORT", /must be an integer/);
      assert.equal(load({ PORT: "1" }).port, 1);
      assert.equal(load({ PORT: "65535" }).port, 65535);
    });

    const ranges: [string, number, number][] = [
      ["ACCESS_TOKEN_TTL_SECONDS", 30, 86_400],
      ["REFRESH_TOKEN_TTL_SECONDS", 60, 90 * 86_400],
      ["PATCH_RATE", 1, 60],
      ["AUTOSAVE_SECONDS", 1, 3600],
      ["RECONNECT_GRACE_SECONDS", 0, 300],
      ["MAX_CLIENTS_PER_DISTRICT", 1, 5000],
      ["JOIN_ADMIT_PER_TICK", 1, 1000],
      ["JOIN_QUEUE_MAX", 0, 100_000],
      ["MAX_MESSAGES_PER_SECOND", 1, 1000],
      ["LOGIN_MAX_FAILURES", 1, 100],
      ["LOGIN_LOCK_SECONDS", 1, 86_400],
      ["HTTP_RATE_LIMIT_PER_MINUTE", 1, 100_000],
      ["AUTH_RATE_LIMIT_PER_MINUTE", 1, 100_000],
      ["SHUTDOWN_TIMEOUT_SECONDS", 1, 600],
    ];
    for (const [variable, min, max] of ranges) {
      it(`${variable} is limited to ${min}..${max} and must be an integer`, () => {
        assertConfigError(
          () => load({ [variable]: String(min - 1) }),
          variable,
          new RegExp(`must be ≥ ${min}`),
        );
        assertConfigError(
          () => load({ [variable]: String(max + 1) }),
          variable,
          new RegExp(`must be ≤ ${max}`),
        );
        assertConfigError(() => load({ [variable]: "ten" }), variable, /must be an integer/);
        assert.doesNotThrow(() => load({ [variable]: String(min) }));
        assert.doesNotThrow(() => load({ [variable]: String(max) }));
      });
    }
  });

  describe("URL, enum and string validation", () => {
    for (const bad of ["mysql://u@db/mxo", "http://db/mxo", "not a url", "db:5432"]) {
      it(`DATABASE_URL=${JSON.stringify(bad)} names DATABASE_URL and the expected protocols`, () => {
        assertConfigError(
          () => load({ DATABASE_URL: bad }),
          "DATABASE_URL",
          /must be a URL starting with postgres:\/\/ or postgresql:\/\//,
        );
      });
    }

    for (const bad of ["http://cache:6379", "postgres://db/mxo", "localhost:6379x", "cache"]) {
      it(`REDIS_URL=${JSON.stringify(bad)} names REDIS_URL and the expected protocols`, () => {
        assertConfigError(
          () => load({ REDIS_URL: bad }),
          "REDIS_URL",
          /must be a URL starting with redis:\/\/ or rediss:\/\//,
        );
      });
    }

    it("rejects unknown NODE_ENV, TRANSPORT and LOG_LEVEL values, naming the variable", () => {
      assertConfigError(() => load({ NODE_ENV: "prod" }), "NODE_ENV", /\(got "prod"\)/);
      assertConfigError(() => load({ TRANSPORT: "tcp" }), "TRANSPORT", /\(got "tcp"\)/);
      assertConfigError(() => load({ LOG_LEVEL: "loud" }), "LOG_LEVEL", /\(got "loud"\)/);
    });

    it("rejects TRUST_PROXY values that are not booleans", () => {
      assertConfigError(() => load({ TRUST_PROXY: "maybe" }), "TRUST_PROXY", /must be true or false/);
      assertConfigError(() => load({ TRUST_PROXY: "TRUE" }), "TRUST_PROXY");
    });

    it("rejects a JWT_SECRET shorter than 32 characters and accepts exactly 32", () => {
      assertConfigError(() => load({ JWT_SECRET: "x".repeat(31) }), "JWT_SECRET", /at least 32 characters/);
      assert.equal(load({ JWT_SECRET: "y".repeat(32) }).jwtSecret, "y".repeat(32));
    });

    // The startup error lands in logs: a short JWT_SECRET or a mistyped DATABASE_URL (which
    // carries the database password) must not be printed verbatim.
    it("does not echo secret values into the error message", () => {
      const secret = "hunter2-but-too-short";
      assert.throws(
        () => load({ JWT_SECRET: secret }),
        (err: Error) => !err.message.includes(secret),
      );
      assert.throws(
        () => load({ DATABASE_URL: "postgress://mxo:db-password-123@db/mxo" }),
        (err: Error) => !err.message.includes("db-password-123"),
      );
    });

    it("reports the first invalid variable when several are invalid", () => {
      assert.throws(
        () => load({ PORT: "0", TICK_RATE: "0" }),
        (err: unknown) =>
          err instanceof ConfigError && (err.variable === "PORT" || err.variable === "TICK_RATE"),
      );
    });
  });

  describe("JWT secret", () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "mxo-config-test-"));
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("NODE_ENV=production without JWT_SECRET fails naming JWT_SECRET", () => {
      const dataDir = join(dir, "prod");
      assertConfigError(
        () => loadConfig({ NODE_ENV: "production", DATA_DIR: dataDir }),
        "JWT_SECRET",
        /required when NODE_ENV=production/,
      );
      assert.equal(existsSync(dataDir), false, "production must not generate a secret on disk");
    });

    it("NODE_ENV=production with JWT_SECRET uses it", () => {
      const c = loadConfig({
        NODE_ENV: "production",
        JWT_SECRET: SECRET,
        TOTP_ENCRYPTION_KEY: KEY,
        DATA_DIR: dir,
      });
      assert.equal(c.jwtSecret, SECRET);
      assert.equal(existsSync(join(dir, "jwt-secret")), false);
    });

    it("with DATABASE_URL and no JWT_SECRET leaves the secret to the shared database, writing no file", () => {
      const c = loadConfig({ DATA_DIR: dir, DATABASE_URL: "postgres://db/mxo" });
      assert.equal(c.jwtSecret, undefined);
      assert.equal(existsSync(join(dir, "jwt-secret")), false);
      assert.equal(
        loadConfig({ DATA_DIR: dir, DATABASE_URL: "postgres://db/mxo", JWT_SECRET: SECRET }).jwtSecret,
        SECRET,
      );
    });

    it("an explicit JWT_SECRET wins over a stored dev secret", () => {
      writeFileSync(join(dir, "jwt-secret"), "z".repeat(40) + "\n");
      assert.equal(loadConfig({ JWT_SECRET: SECRET, DATA_DIR: dir }).jwtSecret, SECRET);
    });

    it("in development generates a secret once into DATA_DIR (created if missing) and reuses it", () => {
      const dataDir = join(dir, "nested", "data");
      const first = loadConfig({ DATA_DIR: dataDir });
      assert.equal(first.dataDir, dataDir);
      const file = join(dataDir, "jwt-secret");
      assert.ok(existsSync(file), "secret file should be written");
      assert.ok(first.jwtSecret!.length >= 32, "generated secret is long enough for HS256");
      assert.equal(readFileSync(file, "utf8").trim(), first.jwtSecret);
      if (process.platform !== "win32") {
        assert.equal(statSync(file).mode & 0o077, 0, "secret file must not be readable by group/others");
      }

      const second = loadConfig({ DATA_DIR: dataDir });
      assert.equal(second.jwtSecret, first.jwtSecret);
      const third = loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir });
      assert.equal(third.jwtSecret, first.jwtSecret);
    });

    it("different DATA_DIRs get different generated secrets", () => {
      const a = loadConfig({ DATA_DIR: join(dir, "a") }).jwtSecret;
      const b = loadConfig({ DATA_DIR: join(dir, "b") }).jwtSecret;
      assert.notEqual(a, b);
    });

    it("reuses a stored secret of at least 32 characters, trimming whitespace", () => {
      const stored = "k".repeat(32);
      writeFileSync(join(dir, "jwt-secret"), `  ${stored}\n\n`);
      assert.equal(loadConfig({ DATA_DIR: dir }).jwtSecret, stored);
    });

    it("replaces a stored secret that is too short", () => {
      writeFileSync(join(dir, "jwt-secret"), "short\n");
      const c = loadConfig({ DATA_DIR: dir });
      assert.notEqual(c.jwtSecret, "short");
      assert.ok(c.jwtSecret!.length >= 32);
      assert.equal(readFileSync(join(dir, "jwt-secret"), "utf8").trim(), c.jwtSecret);
    });
  });

  describe("TOTP encryption key and staff MFA", () => {
    it("NODE_ENV=production without TOTP_ENCRYPTION_KEY fails naming it", () => {
      assertConfigError(
        () => loadConfig({ NODE_ENV: "production", JWT_SECRET: SECRET }),
        "TOTP_ENCRYPTION_KEY",
        /required when NODE_ENV=production/,
      );
    });

    it("rejects a TOTP_ENCRYPTION_KEY shorter than 32 characters without echoing it", () => {
      const short = "too-short-totp-key";
      assertConfigError(() => load({ TOTP_ENCRYPTION_KEY: short }), "TOTP_ENCRYPTION_KEY", /at least 32/);
      assert.throws(
        () => load({ TOTP_ENCRYPTION_KEY: short }),
        (err: Error) => !err.message.includes(short),
      );
    });

    it("in development without TOTP_ENCRYPTION_KEY leaves the key to the database", () => {
      assert.equal(load().totpEncryptionKey, undefined);
      assert.equal(load({ TOTP_ENCRYPTION_KEY: KEY }).totpEncryptionKey, KEY);
    });

    it("STAFF_MFA_REQUIRED defaults to on in production and off elsewhere, and can be set either way", () => {
      const prod = { NODE_ENV: "production", JWT_SECRET: SECRET, TOTP_ENCRYPTION_KEY: KEY };
      assert.equal(loadConfig(prod).staffMfaRequired, true);
      assert.equal(loadConfig({ ...prod, STAFF_MFA_REQUIRED: "false" }).staffMfaRequired, false);
      assert.equal(load().staffMfaRequired, false);
      assert.equal(load({ NODE_ENV: "test" }).staffMfaRequired, false);
      assert.equal(load({ STAFF_MFA_REQUIRED: "true" }).staffMfaRequired, true);
      assertConfigError(
        () => load({ STAFF_MFA_REQUIRED: "sometimes" }),
        "STAFF_MFA_REQUIRED",
        /true or false/,
      );
    });
  });

  describe("admin bootstrap account", () => {
    it("ADMIN_USERNAME without ADMIN_PASSWORD fails naming ADMIN_PASSWORD", () => {
      assertConfigError(
        () => load({ ADMIN_USERNAME: "admin" }),
        "ADMIN_PASSWORD",
        /together with ADMIN_USERNAME/,
      );
    });

    it("ADMIN_PASSWORD without ADMIN_USERNAME fails naming ADMIN_USERNAME", () => {
      assertConfigError(
        () => load({ ADMIN_PASSWORD: "long enough" }),
        "ADMIN_USERNAME",
        /together with ADMIN_PASSWORD/,
      );
    });

    it("ADMIN_PASSWORD must be at least 8 characters", () => {
      assertConfigError(
        () => load({ ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "1234567" }),
        "ADMIN_PASSWORD",
        /8/,
      );
      assert.deepEqual(load({ ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "12345678" }).admin, {
        username: "admin",
        password: "12345678",
      });
    });

    for (const bad of ["ab", "a".repeat(25), "bad name", "ümlaut", "dash-name"]) {
      it(`ADMIN_USERNAME=${JSON.stringify(bad)} is rejected`, () => {
        assertConfigError(() => load({ ADMIN_USERNAME: bad, ADMIN_PASSWORD: "password1" }), "ADMIN_USERNAME");
      });
    }

    it("accepts usernames of 3 and 24 characters", () => {
      assert.equal(load({ ADMIN_USERNAME: "abc", ADMIN_PASSWORD: "password1" }).admin?.username, "abc");
      const long = "A_1".repeat(8);
      assert.equal(load({ ADMIN_USERNAME: long, ADMIN_PASSWORD: "password1" }).admin?.username, long);
    });

    it("does not echo the admin password in its error", () => {
      assert.throws(
        () => load({ ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "secret7" }),
        (err: Error) => !err.message.includes("secret7"),
      );
    });
  });
});

describe("config: resolvePublicAddress", () => {
  it("returns PUBLIC_ADDRESS when set, even with Redis", () => {
    assert.equal(
      resolvePublicAddress(load({ PUBLIC_ADDRESS: "mxo.example.com:2567", REDIS_URL: "redis://r:6379" })),
      "mxo.example.com:2567",
    );
    assert.equal(resolvePublicAddress(load({ PUBLIC_ADDRESS: "1.2.3.4:99" })), "1.2.3.4:99");
  });

  it("is undefined for a single process (no Redis, no PUBLIC_ADDRESS)", () => {
    assert.equal(resolvePublicAddress(load()), undefined);
    assert.equal(resolvePublicAddress(load({ HOST: "10.0.0.5", PORT: "3000" })), undefined);
  });

  it("with Redis uses HOST:PORT when HOST is a concrete address", () => {
    assert.equal(
      resolvePublicAddress(load({ REDIS_URL: "redis://r:6379", HOST: "10.0.0.5", PORT: "3000" })),
      "10.0.0.5:3000",
    );
  });

  it("with Redis replaces the wildcard hosts 0.0.0.0 and :: by the machine hostname", () => {
    assert.equal(
      resolvePublicAddress(load({ REDIS_URL: "redis://r:6379", PORT: "4000" })),
      `${hostname()}:4000`,
    );
    assert.equal(
      resolvePublicAddress(load({ REDIS_URL: "redis://r:6379", HOST: "::", PORT: "4001" })),
      `${hostname()}:4001`,
    );
  });
});
