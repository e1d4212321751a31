import { ServerError } from "@colyseus/core";
import { context } from "@opentelemetry/api";
import type { Principal } from "../auth/AuthService.js";
import { travelTraceparent } from "../auth/tokens.js";
import { contextOf, currentTraceparent, tracingEnabled, withSpan } from "../tracing/tracing.js";
import { joinError } from "./ZoneMembers.js";
import type { ZoneAuth, ZoneServices } from "./ZoneServices.js";

/**
 * The checks every zone join passes at matchmaking: a valid token (or travel
 * ticket) of a live session, and a character the account owns. What it
 * returns rides along to `onJoin` as `client.auth`, with the join's trace:
 * the matchmaking request's, or the travel's its ticket carries.
 */
export async function authorizeZoneJoin(
  s: ZoneServices,
  token: string,
  characterId: string,
): Promise<ZoneAuth> {
  // The ticket is read before it is verified, only to pick the span's parent (as a traceparent header would be).
  const parent = (tracingEnabled() && contextOf(travelTraceparent(token))) || context.active();
  const attributes = { "mxo.character.id": characterId };
  return withSpan("zone.authorize", { parent, attributes }, async () => ({
    ...(await checkJoin(s, token, characterId)),
    traceparent: currentTraceparent(parent),
  }));
}

async function checkJoin(s: ZoneServices, token: string, characterId: string): Promise<ZoneAuth> {
  // The session check and the character are read at once (one round trip's wait on PostgreSQL);
  // a session refusal wins over anything the character read found.
  const [session, stored] = await Promise.allSettled([
    s.auth.authenticateJoin(token, characterId),
    s.characters.load(characterId),
  ]);
  if (session.status === "rejected") throw joinError(session.reason);
  if (stored.status === "rejected") throw joinError(stored.reason);
  const principal: Principal = session.value;
  const character = stored.value;
  if (!character || character.accountId !== principal.accountId) {
    throw new ServerError(403, "Character not found on this account");
  }
  return {
    accountId: principal.accountId,
    authSessionId: principal.sessionId,
    username: principal.username,
    roles: principal.roles,
    characterId,
    characterName: character.name,
    organization: character.organization,
    mutedUntil: principal.mutedUntil,
    muteReason: principal.muteReason,
  };
}
