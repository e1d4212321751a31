import { createHash, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { unauthorized } from "../util/errors.js";

export interface AccessClaims {
  /** account id */
  sub: string;
  /** session id: logout revokes it on every process (checked against the database) */
  sid: string;
  /** account token version: bumping it revokes every session of the account */
  ver: number;
  roles: string[];
}

const ISSUER = "mxo-server";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUDIENCE = "mxo";
const TRAVEL_AUDIENCE = "mxo-travel";

/** A server-issued pass to join one district with one character: district travel. */
export interface TravelClaims {
  sub: string;
  sid: string;
  characterId: string;
  /** The travel's trace (W3C traceparent): the arrival continues it, on whichever process. */
  traceparent?: string | undefined;
}

export class TokenSigner {
  /**
   * The secret as a KeyObject, made once: given a string, jsonwebtoken first
   * tries it as a public key (an exception) and then builds a secret key, on
   * every sign and verify — which is every join and every API call.
   */
  private readonly key: KeyObject;

  constructor(
    secret: string,
    readonly accessTtlSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, "utf8"));
  }

  signAccess(claims: AccessClaims): string {
    return jwt.sign({ sid: claims.sid, ver: claims.ver, roles: claims.roles }, this.key, {
      algorithm: "HS256",
      subject: claims.sub,
      expiresIn: this.accessTtlSeconds,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
  }

  /** Short-lived (seconds): it only has to survive the hop to the target room. */
  signTravel(claims: TravelClaims, ttlSeconds = 30): string {
    const trace = claims.traceparent ? { tp: claims.traceparent } : {};
    return jwt.sign({ sid: claims.sid, characterId: claims.characterId, ...trace }, this.key, {
      algorithm: "HS256",
      subject: claims.sub,
      expiresIn: ttlSeconds,
      issuer: ISSUER,
      audience: TRAVEL_AUDIENCE,
    });
  }

  /** Undefined when the token is not a travel ticket at all; throws when it is one but invalid. */
  verifyTravel(token: string): TravelClaims | undefined {
    const decoded = jwt.decode(token);
    if (!decoded || typeof decoded !== "object" || decoded.aud !== TRAVEL_AUDIENCE) return undefined;
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, this.key, {
        algorithms: ["HS256"],
        issuer: ISSUER,
        audience: TRAVEL_AUDIENCE,
      });
    } catch {
      throw unauthorized("Invalid or expired travel ticket");
    }
    if (
      typeof payload !== "object" ||
      typeof payload.sub !== "string" ||
      typeof payload.sid !== "string" ||
      typeof payload.characterId !== "string"
    ) {
      throw unauthorized("Invalid travel ticket");
    }
    const traceparent = typeof payload.tp === "string" ? payload.tp : undefined;
    return { sub: payload.sub, sid: payload.sid, characterId: payload.characterId, traceparent };
  }

  /** Signature, expiry and shape only; revocation is the AuthService's job. */
  verifyAccess(token: string): AccessClaims {
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, this.key, { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE });
    } catch (err) {
      throw unauthorized(err instanceof jwt.TokenExpiredError ? "Token expired" : "Invalid token");
    }
    if (
      typeof payload !== "object" ||
      typeof payload.sub !== "string" ||
      typeof payload.sid !== "string" ||
      typeof payload.ver !== "number" ||
      !Array.isArray(payload.roles)
    ) {
      throw unauthorized("Invalid token");
    }
    return { sub: payload.sub, sid: payload.sid, ver: payload.ver, roles: payload.roles.map(String) };
  }
}

/**
 * The trace a travel ticket carries, read without verifying the ticket: it
 * only picks the parent of the join's spans, as a `traceparent` header
 * would; the ticket itself is verified by the join that redeems it.
 */
export function travelTraceparent(token: string): string | undefined {
  const decoded = jwt.decode(token);
  if (!decoded || typeof decoded !== "object" || decoded.aud !== TRAVEL_AUDIENCE) return undefined;
  return typeof decoded.tp === "string" ? decoded.tp : undefined;
}

/** Refresh tokens are `<sessionId>.<secret>`; only sha256(secret) is stored. */
export function newRefreshSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function splitRefreshToken(token: string): { sessionId: string; secret: string } | undefined {
  const dot = token.indexOf(".");
  if (dot <= 0) return undefined;
  const sessionId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  // A real UUID: anything else would fail the uuid cast in the session lookup (a 500).
  if (!UUID.test(sessionId) || secret.length < 20) return undefined;
  return { sessionId, secret };
}
