import { ServerError } from "@colyseus/core";
import type { Character } from "../../../entities/Character.js";
import { CloseCodes } from "../contract/closeCodes.js";
import { meterClient, type Traffic } from "../metrics/meterClient.js";
import { withSpan } from "../tracing/tracing.js";
import { clientGone, joinAdmission } from "./JoinAdmission.js";
import { joinError, zoneLease, type ZoneMember, type ZoneMembers } from "./ZoneMembers.js";
import type { ZoneClient, ZoneServices } from "./ZoneServices.js";

/** What seating needs of its zone room: ids, members, services, and the game's enter/exit hooks. */
export interface SeatingRoom<M extends ZoneMember> {
  readonly roomId: string;
  readonly zoneId: string;
  readonly members: ZoneMembers<M>;
  readonly services: ZoneServices;
  readonly traffic: Traffic;
  enter(client: ZoneClient, character: Character): M;
  joined(client: ZoneClient, member: M): void;
  exit(sessionId: string): void;
}

/**
 * Admission (`JoinAdmission`), custody of the joining client's character
 * (lease, then the database claim and load), then into the world; a failure after the claim gives the
 * character back, so a refused join never leaves it held.
 */
export async function seatMember<M extends ZoneMember>(
  room: SeatingRoom<M>,
  client: ZoneClient,
): Promise<void> {
  const auth = client.auth;
  if (!auth) throw new ServerError(401, "Not authenticated");
  const { characterId, characterName: name, accountId, organization } = auth;
  const entry = zoneLease(room, client.sessionId, { characterId, name, accountId, organization });
  const evict = () => void room.members.evict(characterId, CloseCodes.TAKEN_OVER);
  let character: Character;
  try {
    // Admitted before any of the join's heavy work: a burst of joins waits here, not in the world's ticks.
    await withSpan("zone.admission", {}, () =>
      joinAdmission(room.services).admit(name, () => clientGone(client)),
    );
    // Lease and claim before the load: it reads what the last holder stored before letting go.
    character = await room.services.custody.take(entry, evict);
  } catch (err) {
    throw joinError(err);
  }
  try {
    if (character.accountId !== accountId) throw new ServerError(403, "Character not found on this account");
    const member = room.enter(client, character);
    room.members.add(client.sessionId, member);
    meterClient(client, room.traffic);
    room.joined(client, member);
    room.services.log.info({ room: room.roomId, zone: room.zoneId, character: name }, "player joined");
  } catch (err) {
    room.members.remove(client.sessionId);
    room.exit(client.sessionId);
    await room.services.custody.abandon(entry);
    throw err;
  }
}
