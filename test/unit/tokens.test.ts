import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import {
  TokenSigner,
  hashSecret,
  newRefreshSecret,
  secretMatches,
  splitRefreshToken,
  type AccessClaims,
} from "../../src/framework/auth/tokens.js";
import { AppError } from "../../src/framework/util/errors.js";

const SECRET = "a-test-secret-that-is-at-least-32-chars-long";
const OTHER_SECRET = "another-secret-that-is-at-least-32-chars-long";
const CLAIMS: AccessClaims = {
  sub: "0b4f5c1e-7a47-4c1e-9d0f-3f1c2a9e8b77",
  sid: "5d2c9f0e-1111-4a2b-8c3d-9e8f7a6b5c4d",
  ver: 3,
  roles: ["player", "gm"],
};

/** Asserts `fn` throws a 401 AppError with exactly this message. */
function assertUnauthorized(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.status, 401);
    assert.equal(err.code, "unauthorized");
    assert.equal(err.message, message);
    return true;
  });
}

/** Signs with jsonwebtoken directly, with the issuer/audience TokenSigner expects unless overridden. */
function rawSign(
  payload: Record<string, unknown>,
  options: jwt.SignOptions = {},
  secret: string = SECRET,
): string {
  return jwt.sign(payload, secret, { algorithm: "HS256", issuer: "mxo-server", audience: "mxo", ...options });
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

describe("auth: TokenSigner", () => {
  const signer = new TokenSigner(SECRET, 900);

  it("round-trips the claims", () => {
    const token = signer.signAccess(CLAIMS);
    assert.deepEqual(signer.verifyAccess(token), CLAIMS);
  });

  it("round-trips an empty role list", () => {
    const claims = { ...CLAIMS, roles: [] };
    assert.deepEqual(signer.verifyAccess(signer.signAccess(claims)), claims);
  });

  it("verifies with another signer sharing the secret (another process)", () => {
    const token = signer.signAccess(CLAIMS);
    assert.deepEqual(new TokenSigner(SECRET, 60).verifyAccess(token), CLAIMS);
  });

  it("issues HS256 tokens with issuer, audience, subject and an expiry of accessTtlSeconds", () => {
    const before = nowSeconds();
    const token = new TokenSigner(SECRET, 123).signAccess(CLAIMS);
    const after = nowSeconds();
    const decoded = jwt.decode(token, { complete: true });
    assert.ok(decoded && typeof decoded.payload === "object");
    assert.equal(decoded.header.alg, "HS256");
    const p = decoded.payload;
    assert.equal(p.iss, "mxo-server");
    assert.equal(p.aud, "mxo");
    assert.equal(p.sub, CLAIMS.sub);
    assert.equal(p.sid, CLAIMS.sid);
    assert.equal(p.ver, CLAIMS.ver);
    assert.deepEqual(p.roles, CLAIMS.roles);
    assert.ok(typeof p.iat === "number" && typeof p.exp === "number");
    assert.equal(p.exp - p.iat, 123);
    assert.ok(p.iat >= before && p.iat <= after);
  });

  it("exposes accessTtlSeconds", () => {
    assert.equal(new TokenSigner(SECRET, 77).accessTtlSeconds, 77);
  });

  it("rejects a token signed with a different secret", () => {
    const token = new TokenSigner(OTHER_SECRET, 900).signAccess(CLAIMS);
    assertUnauthorized(() => signer.verifyAccess(token), "Invalid token");
  });

  it("rejects a token whose payload was tampered with", () => {
    const token = signer.signAccess(CLAIMS);
    const [header, payload, signature] = token.split(".");
    assert.ok(header && payload && signature);
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    claims.roles = ["player", "gm", "admin"];
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    assertUnauthorized(() => signer.verifyAccess(forged), "Invalid token");
  });

  it("rejects a token whose signature was tampered with", () => {
    const token = signer.signAccess(CLAIMS);
    const [header, payload, signature] = token.split(".");
    assert.ok(header && payload && signature);
    const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
    assertUnauthorized(() => signer.verifyAccess(`${header}.${payload}.${flipped}`), "Invalid token");
    assertUnauthorized(() => signer.verifyAccess(`${header}.${payload}.`), "Invalid token");
  });

  it("rejects an unsigned (alg: none) token", () => {
    const unsigned = jwt.sign({ sid: CLAIMS.sid, ver: 1, roles: ["admin"] }, "", {
      algorithm: "none",
      subject: CLAIMS.sub,
      issuer: "mxo-server",
      audience: "mxo",
    });
    assertUnauthorized(() => signer.verifyAccess(unsigned), "Invalid token");
  });

  it("rejects a token signed with another HMAC algorithm", () => {
    const token = rawSign(
      { sid: CLAIMS.sid, ver: 1, roles: [] },
      { algorithm: "HS512", subject: CLAIMS.sub },
    );
    assertUnauthorized(() => signer.verifyAccess(token), "Invalid token");
  });

  it("rejects an expired token with 'Token expired'", () => {
    const past = nowSeconds() - 60;
    const token = rawSign(
      { sid: CLAIMS.sid, ver: 1, roles: [], iat: past - 900, exp: past },
      { subject: CLAIMS.sub },
    );
    assertUnauthorized(() => signer.verifyAccess(token), "Token expired");
  });

  it("rejects a token that expired one second ago (no clock tolerance)", () => {
    const exp = nowSeconds() - 1;
    const token = rawSign(
      { sid: CLAIMS.sid, ver: 1, roles: [], iat: exp - 10, exp },
      { subject: CLAIMS.sub },
    );
    assertUnauthorized(() => signer.verifyAccess(token), "Token expired");
  });

  it("reports a bad signature as 'Invalid token' even when the token is also expired", () => {
    const past = nowSeconds() - 60;
    const token = rawSign(
      { sid: CLAIMS.sid, ver: 1, roles: [], iat: past - 900, exp: past },
      { subject: CLAIMS.sub },
      OTHER_SECRET,
    );
    assertUnauthorized(() => signer.verifyAccess(token), "Invalid token");
  });

  it("rejects a token that is not valid yet", () => {
    const token = rawSign({ sid: CLAIMS.sid, ver: 1, roles: [] }, { subject: CLAIMS.sub, notBefore: 3600 });
    assertUnauthorized(() => signer.verifyAccess(token), "Invalid token");
  });

  it("rejects a wrong issuer or audience", () => {
    const wrongIss = rawSign({ sid: CLAIMS.sid, ver: 1, roles: [] }, { subject: CLAIMS.sub, issuer: "evil" });
    const wrongAud = rawSign(
      { sid: CLAIMS.sid, ver: 1, roles: [] },
      { subject: CLAIMS.sub, audience: "other" },
    );
    const noIss = jwt.sign({ sid: CLAIMS.sid, ver: 1, roles: [] }, SECRET, {
      subject: CLAIMS.sub,
      audience: "mxo",
    });
    assertUnauthorized(() => signer.verifyAccess(wrongIss), "Invalid token");
    assertUnauthorized(() => signer.verifyAccess(wrongAud), "Invalid token");
    assertUnauthorized(() => signer.verifyAccess(noIss), "Invalid token");
  });

  const badShapes: [string, Record<string, unknown>, jwt.SignOptions][] = [
    ["no subject", { sid: "s", ver: 1, roles: [] }, {}],
    ["no sid", { ver: 1, roles: [] }, { subject: "u" }],
    ["a numeric sid", { sid: 5, ver: 1, roles: [] }, { subject: "u" }],
    ["no ver", { sid: "s", roles: [] }, { subject: "u" }],
    ["a string ver", { sid: "s", ver: "1", roles: [] }, { subject: "u" }],
    ["no roles", { sid: "s", ver: 1 }, { subject: "u" }],
    ["string roles", { sid: "s", ver: 1, roles: "admin" }, { subject: "u" }],
  ];
  for (const [what, payload, options] of badShapes) {
    it(`rejects a correctly signed token with ${what}`, () => {
      assertUnauthorized(() => signer.verifyAccess(rawSign(payload, options)), "Invalid token");
    });
  }

  it("normalises role entries to strings", () => {
    const token = rawSign({ sid: "s", ver: 0, roles: ["gm", 7] }, { subject: "u" });
    assert.deepEqual(signer.verifyAccess(token).roles, ["gm", "7"]);
  });

  for (const garbage of ["", "abc", "a.b.c", "Bearer x.y.z", "....."]) {
    it(`rejects garbage ${JSON.stringify(garbage)}`, () => {
      assertUnauthorized(() => signer.verifyAccess(garbage), "Invalid token");
    });
  }
});

describe("auth: refresh tokens", () => {
  const sessionId = "0b4f5c1e-7a47-4c1e-9d0f-3f1c2a9e8b77";

  it("newRefreshSecret returns distinct URL-safe secrets long enough for splitRefreshToken", () => {
    const a = newRefreshSecret();
    const b = newRefreshSecret();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(splitRefreshToken(`${sessionId}.${a}`), { sessionId, secret: a });
  });

  it("splitRefreshToken splits a well-formed token at the first dot", () => {
    const id = randomUUID();
    assert.deepEqual(splitRefreshToken(`${id}.${"s".repeat(20)}`), { sessionId: id, secret: "s".repeat(20) });
    assert.deepEqual(splitRefreshToken(`${sessionId}.abc.defghijklmnopqrstuvwxyz`), {
      sessionId,
      secret: "abc.defghijklmnopqrstuvwxyz",
    });
  });

  const malformed: [string, string][] = [
    ["an empty string", ""],
    ["no dot", sessionId + "x".repeat(30)],
    ["a leading dot", "." + "x".repeat(30)],
    ["an empty secret", `${sessionId}.`],
    ["a short secret", `${sessionId}.${"x".repeat(19)}`],
    ["a non-UUID session id", `not-a-session.${"x".repeat(30)}`],
    ["a 35-char session id", `${sessionId.slice(1)}.${"x".repeat(30)}`],
    ["a 37-char session id", `${sessionId}0.${"x".repeat(30)}`],
    ["an upper-case non-hex session id", `${sessionId.replace(/[0-9]/g, "G")}.${"x".repeat(30)}`],
    ["a session id with a path", `../../${sessionId.slice(6)}.${"x".repeat(30)}`],
    ["an access token", new TokenSigner(SECRET, 900).signAccess(CLAIMS)],
  ];
  for (const [what, token] of malformed) {
    it(`splitRefreshToken rejects ${what}`, () => {
      assert.equal(splitRefreshToken(token), undefined);
    });
  }

  it("hashSecret is hex sha256 of the secret", () => {
    const secret = "some-refresh-secret";
    assert.equal(hashSecret(secret), createHash("sha256").update(secret).digest("hex"));
    assert.equal(
      hashSecret(""),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "sha256 of the empty string",
    );
    assert.match(hashSecret(secret), /^[0-9a-f]{64}$/);
    assert.notEqual(hashSecret("a"), hashSecret("b"));
  });

  it("secretMatches accepts the right secret and rejects others", () => {
    const secret = newRefreshSecret();
    const stored = hashSecret(secret);
    assert.equal(secretMatches(secret, stored), true);
    assert.equal(secretMatches(secret + "x", stored), false);
    assert.equal(secretMatches(secret.slice(1), stored), false);
    assert.equal(secretMatches(newRefreshSecret(), stored), false);
    assert.equal(secretMatches("", stored), false);
  });

  it("secretMatches does not accept the stored hash itself as the secret", () => {
    const stored = hashSecret("real-secret-value-0123456789");
    assert.equal(secretMatches(stored, stored), false);
  });

  it("secretMatches returns false (does not throw) for malformed stored hashes", () => {
    const secret = "real-secret-value-0123456789";
    const stored = hashSecret(secret);
    for (const bad of ["", "zz", stored.slice(0, 62), stored + "00", "not hex at all"]) {
      assert.equal(secretMatches(secret, bad), false, `stored=${JSON.stringify(bad)}`);
    }
  });

  it("secretMatches accepts an upper-case stored hash of the same secret", () => {
    const secret = "real-secret-value-0123456789";
    assert.equal(secretMatches(secret, hashSecret(secret).toUpperCase()), true);
  });
});
