import { ServerError } from "@colyseus/core";
import type { Principal } from "../auth/AuthService.js";
import { joinError } from "./ZoneMembers.js";
import type { ZoneAuth, ZoneServices } from "./ZoneServices.js";

/**
 * The checks every zone join passes at matchmaking: a valid token (or travel
 * ticket) of a live session, and a character the account owns. What it
 * returns rides along to `onJoin` as `client.auth`.
 */
export async function authorizeZoneJoin(
  s: ZoneServices,
  token: string,
  characterId: string,
): Promise<ZoneAuth> {
  let principal: Principal;
  let character;
  try {
    principal = await s.auth.authenticateJoin(token, characterId);
    character = await s.characters.load(characterId);
  } catch (err) {
    throw joinError(err);
  }
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
