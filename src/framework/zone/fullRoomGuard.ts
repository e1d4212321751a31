import { matchMaker, type Room } from "@colyseus/core";
import type { Logger } from "../util/logger.js";

/** Colyseus's seat reservation, reached by the matchmaker through `remoteRoomCall(roomId, "_reserveSeat")`. */
type ReserveSeat = (...args: unknown[]) => Promise<boolean>;

/**
 * Keeps a full room out of matchmaking. Colyseus locks a room's listing when
 * a reservation fills it and unlocks it when a client leaves, but a room can
 * end up full of clients and reserved seats while its listing says open (we
 * saw it under joins and leaves at once across processes, in the cluster
 * seat-cap test). The matchmaker then keeps choosing that room, and every
 * join sent there is refused "already full" until someone leaves. So a seat
 * refused for fullness while the listing says open marks the listing locked;
 * Colyseus writes `locked` from the room's own state again at its next count
 * change (a leave, an expired reservation), which is when a seat frees up.
 */
export function guardFullListing(room: Room, log: Logger): void {
  const self = room as unknown as { _reserveSeat: ReserveSeat; _listing: { locked: boolean } };
  const reserve = self._reserveSeat.bind(room) as ReserveSeat;
  self._reserveSeat = async (...args: unknown[]) => {
    const reserved = await reserve(...args);
    if (!reserved && !self._listing.locked && room.hasReachedMaxClients()) {
      log.warn(
        { room: room.roomId, clients: room.clients.length, maxClients: room.maxClients },
        "a full room was listed as open: locked its listing",
      );
      await matchMaker.driver.update(self._listing as never, { $set: { locked: true } });
    }
    return reserved;
  };
}
