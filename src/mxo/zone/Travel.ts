import { matchMaker } from "@colyseus/core";
import type { LeaseEntry } from "../../framework/cluster/CharacterLease.js";
import type { Point3 } from "../../framework/gm/GmOp.js";
import type { CharacterSnapshot } from "../../framework/persistence/CharacterStore.js";
import { AppError } from "../../framework/util/errors.js";
import { CloseCodes } from "../../framework/contract/closeCodes.js";
import { isServiceFault } from "../../framework/util/faults.js";
import { withSpan } from "../../framework/tracing/tracing.js";
import type { DistrictContext } from "./DistrictContext.js";
import type { DistrictClient } from "./DistrictServices.js";

/** What travel needs from the room that owns the sessions. */
export interface TravelHooks {
  snapshot(sessionId: string): CharacterSnapshot | undefined;
  leaseEntry(sessionId: string): LeaseEntry | undefined;
  /** Takes the player out of this room (simulation, state, views). */
  removePlayer(sessionId: string): void;
  /** Closes a client on purpose (no reconnection grace). */
  close(client: DistrictClient, code: number, reason: string): void;
}

/**
 * Moving a character to another district: reserve a seat there (on whichever
 * process hosts it), store the character at its arrival point and let go of
 * it in one statement, then take it out of this room and hand the client the
 * reservation. On failure the character stays where it was.
 */
export class Travel {
  private readonly traveling = new Set<string>();
  /** Sessions whose character travelled on: a client that reconnects here is sent on after it. */
  private readonly handedOff = new Map<string, { district: string; characterId: string }>();

  constructor(
    private readonly ctx: DistrictContext,
    private readonly hooks: TravelHooks,
  ) {}

  isTraveling(sessionId: string): boolean {
    return this.traveling.has(sessionId);
  }

  /** The session ended: nothing more to follow for it. */
  forget(sessionId: string): void {
    this.traveling.delete(sessionId);
    this.handedOff.delete(sessionId);
  }

  /**
   * A trace of its own: the ticket carries it, so the seat reservation, and
   * the arrival on whichever process hosts the target, continue it.
   */
  sendTo(client: DistrictClient, district: string, at?: Point3): Promise<void> {
    const attributes = {
      "mxo.zone": this.ctx.def.id,
      "mxo.travel.to": district,
      "mxo.character.id": client.auth?.characterId ?? "",
    };
    return withSpan("travel", { attributes }, () => this.move(client, district, at));
  }

  private async move(client: DistrictClient, district: string, at?: Point3): Promise<void> {
    const { ctx, hooks } = this;
    const s = ctx.services;
    const player = ctx.members.get(client.sessionId);
    const entry = hooks.leaseEntry(client.sessionId);
    if (!player || !entry) throw new AppError("not_here", 409, "Not in this district");
    if (this.traveling.has(client.sessionId)) throw new AppError("traveling", 409, "Already traveling");
    this.traveling.add(client.sessionId);
    ctx.sim.setInput(client.sessionId, {
      seq: ctx.sim.player(client.sessionId)?.ack ?? 0,
      moveX: 0,
      moveY: 0,
    });
    const here = hooks.snapshot(client.sessionId)!;
    const arrival = at ?? s.districts.arrivalPoint(district);
    const started = Date.now();
    try {
      const reservation = await this.reserve(client, district, player.characterId);
      // Stored at the target and let go in one statement; only then does this
      // copy go away, before the client can arrive there: never two copies,
      // and on failure the character simply stays here.
      await s.custody.handOff(entry, { ...here, district, ...arrival });
      hooks.removePlayer(client.sessionId);
      this.handedOff.set(client.sessionId, { district, characterId: player.characterId });
      client.send("travel", { district, reservation });
      s.log.info(
        { character: player.name, from: ctx.def.id, to: district, ms: Date.now() - started },
        "travel",
      );
    } catch (err) {
      this.traveling.delete(client.sessionId);
      if (ctx.members.has(client.sessionId)) {
        if (isServiceFault(err)) {
          ctx.error(client, "unavailable", "Travel is unavailable right now; try again shortly");
        } else {
          ctx.error(client, "travel_failed", `Could not travel to ${district}: ${(err as Error).message}`);
        }
      }
      s.log.warn({ err, character: player.name, to: district }, "travel failed");
      throw err;
    }
  }

  /**
   * A client came back to a session whose character is no longer here (it
   * travelled while the client was away, so the `travel` answer was lost):
   * send it on with a fresh reservation, or tell it to join again.
   */
  async follow(client: DistrictClient): Promise<void> {
    const gone = this.handedOff.get(client.sessionId);
    try {
      if (!gone) throw new Error("nothing to follow");
      const reservation = await this.reserve(client, gone.district, gone.characterId);
      client.send("travel", { district: gone.district, reservation });
    } catch {
      this.hooks.close(client, CloseCodes.DRAINING, "join again to continue");
    }
  }

  private reserve(client: DistrictClient, district: string, characterId: string) {
    const auth = client.auth;
    if (!auth) throw new AppError("unauthorized", 401, "Not authenticated");
    const ticket = this.ctx.services.auth.issueTravelTicket(auth.accountId, auth.authSessionId, characterId);
    return matchMaker.joinOrCreate(
      "district",
      { district, characterId },
      { token: ticket, headers: new Headers(), ip: "" },
    );
  }
}
