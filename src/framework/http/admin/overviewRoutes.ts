import { matchMaker } from "@colyseus/core";
import { z } from "zod";
import type { PlayerListing } from "../../zone/ZoneMembers.js";
import {
  DistrictDayBody,
  DistrictRoomBody,
  OnlinePlayerBody,
  PlayerAnalyticsBody,
  StandingBody,
} from "../responseSchemas.js";
import { type AdminKit, parseId, parseQuery } from "./AdminKit.js";

/** How long a listing waits for a room on another process before leaving it out. */
const REMOTE_TIMEOUT_MS = 2000;

const DaysQuery = z.object({ days: z.coerce.number().int().min(1).max(90).default(7) });

/** Read-only views: who you are, rooms and players on every process, analytics. */
export function registerOverviewRoutes(kit: AdminKit): void {
  const { deps, add } = kit;

  add(
    {
      method: "get",
      path: "/me",
      summary: "Your roles, rank, escalation and permissions as the server sees them now",
      response: StandingBody,
    },
    async (_req, { principal }) => {
      const standing = await deps.permissions.standing(principal.accountId);
      return {
        accountId: standing.accountId,
        username: standing.username,
        roles: standing.roles,
        rank: standing.rank,
        escalation: standing.escalation,
        permissions: standing.permissions,
      };
    },
  );

  add(
    {
      method: "get",
      path: "/districts",
      summary: "Every district room on every process",
      permission: "gm.view.districts",
      response: z.array(DistrictRoomBody),
    },
    async () => {
      const rooms = await matchMaker.query({ name: "district" });
      return rooms
        .map((r) => {
          const meta = (r.metadata ?? {}) as { district?: string; contentRevision?: number | null };
          return {
            roomId: r.roomId,
            district: String(meta.district ?? ""),
            clients: r.clients,
            maxClients: r.maxClients,
            processId: r.processId,
            contentRevision: meta.contentRevision ?? null,
          };
        })
        .sort((a, b) => a.district.localeCompare(b.district) || a.roomId.localeCompare(b.roomId));
    },
  );

  add(
    {
      method: "get",
      path: "/players",
      summary: "Every online character on every process",
      permission: "gm.view.players",
      response: z.array(OnlinePlayerBody),
    },
    async () => {
      const rooms = await matchMaker.query({ name: "district" });
      // Each room answers for itself through presence IPC, wherever it runs; a
      // room on a process that does not answer in time is left out, not fatal.
      const lists = await Promise.all(
        rooms.map((r) =>
          matchMaker
            .remoteRoomCall(r.roomId, "listPlayers" as never, [], REMOTE_TIMEOUT_MS)
            .then((list) => (list as PlayerListing[]) ?? [])
            .catch((err) => {
              deps.log.warn(
                { err: (err as Error).message, roomId: r.roomId },
                "room did not answer the player listing",
              );
              return [] as PlayerListing[];
            }),
        ),
      );
      return lists.flat().map((p) => ({
        characterId: p.characterId,
        name: p.name,
        district: p.district,
        organization: p.organization,
        roomId: p.roomId,
        processId: p.processId,
      }));
    },
  );

  add(
    {
      method: "get",
      path: "/analytics/players/:id",
      summary: "A character's analytics summary: logins, level-ups, missions, items, currency, deaths, PvP",
      permission: "analytics.view",
      response: PlayerAnalyticsBody,
      errors: { 404: "No such character" },
    },
    async (req) => deps.analytics.player(parseId(req.params.id)),
  );
  add(
    {
      method: "get",
      path: "/analytics/districts",
      summary: "Per-district daily aggregates of game events (?days=, default 7, at most 90)",
      permission: "analytics.view",
      query: DaysQuery,
      response: z.array(DistrictDayBody),
    },
    async (req) => deps.analytics.districts(parseQuery(req, DaysQuery).days),
  );
}
