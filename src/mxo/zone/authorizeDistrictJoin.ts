import { ServerError } from "@colyseus/core";
import { authorizeZoneJoin } from "../../framework/zone/authorizeZoneJoin.js";
import { JoinOptions } from "../contract/clientMessages.js";
import { districtServices, type DistrictAuth } from "./DistrictServices.js";

/**
 * A district join, at matchmaking (before a room is created or a seat
 * reserved): the options name a known district, then the framework checks
 * the token (or travel ticket) and that the account owns the character.
 */
export async function authorizeDistrictJoin(token: string, options: unknown): Promise<DistrictAuth> {
  const s = districtServices();
  // Without Redis no seat can be reserved anywhere: say so before touching anything.
  await s.redis?.whenUp("Matchmaking (Redis)");
  const parsed = JoinOptions.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ServerError(400, `Invalid join options: ${issues}`);
  }
  const { district, characterId } = parsed.data;
  if (!s.districts.get(district)) {
    throw new ServerError(404, `Unknown district "${district}"; known: ${s.districts.ids().join(", ")}`);
  }
  return authorizeZoneJoin(s, token, characterId);
}
