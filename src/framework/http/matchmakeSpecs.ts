import type { matchMaker } from "@colyseus/core";
import { z } from "zod";
import type { ApiRouter, RouteSpec } from "./api.js";
import { ErrorBody } from "./openapi/jsonSchema.js";

/** The rooms this process matchmakes, with the options each is joined with (`Game.joinOptions`). */
export interface Matchmaking {
  rooms: string[];
  joinOptions?: Record<string, z.ZodType> | undefined;
}

/**
 * What every matchmaking call answers (Colyseus's `ISeatReservation`, plus
 * what the transport adds): the SDK opens
 * `ws://<publicAddress or this host>/<processId>/<roomId>?sessionId=…` with it.
 */
export const SeatReservation = z.object({
  name: z.string().meta({ description: "The room's name" }),
  sessionId: z.string().meta({ description: "This seat: the session id the room will know the client by" }),
  roomId: z.string(),
  processId: z.string().optional().meta({ description: "The process that holds the room" }),
  publicAddress: z
    .string()
    .optional()
    .meta({ description: "Where that process is reached (host[:port][/path]), when not this host" }),
  reconnectionToken: z.string().optional(),
  devMode: z.boolean().optional(),
  protocol: z.string().optional().meta({ description: "Set by transports other than WebSocket" }),
  fingerprint: z.array(z.number()).optional(),
});

// Colyseus's own type and this schema must agree both ways: an upgrade that
// changes the reservation fails to compile here rather than drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agrees: Same<
  Omit<z.infer<typeof SeatReservation>, "protocol" | "fingerprint">,
  matchMaker.ISeatReservation
> = true;
void agrees;

/**
 * Colyseus's matchmaking error body: the HTTP status is the error's code
 * (a room's own 400/401/403/404, or Colyseus's 520 no such room name or
 * method, 522 no such room id, 524 reconnection expired); a body that is not
 * JSON answers 400 `{error: "malformed request body"}`, without a code.
 */
const MatchmakeError = z.object({
  code: z.number().int().optional(),
  error: z.string(),
});

const ReconnectBody = z.object({
  reconnectionToken: z
    .string()
    .meta({ description: 'The token part of the SDK\'s `room.reconnectionToken` ("roomId:token")' }),
});

/** Any room's options, for a room whose game gave no schema. */
const AnyOptions = z.record(z.string(), z.unknown()).meta({ description: "The room's join options" });

const PARAMS = {
  roomId: "The room instance's id (a reservation's or a listing's roomId)",
};

const JOIN_ERRORS: Record<number, string> = {
  400: "Invalid join options, or a body that is not JSON",
  401: "No, invalid or revoked token",
  403: "The character is not this account's, or the account is banned",
  404: "Refused by the room's own check (e.g. an unknown district)",
  503: "This process is shutting down, or a backing service is down",
  520: "No such room name",
};

const COMMON: Omit<RouteSpec, "method" | "path" | "summary" | "tag"> = {
  response: SeatReservation,
  errorBody: MatchmakeError,
  // Served by Colyseus's router, before Express and its rate limits.
  rateLimited: false,
  otherAnswers: {
    415: {
      description: "The body is not JSON (content-type: application/json)",
      schema: ErrorBody,
    },
  },
};

/**
 * Documents Colyseus's `POST /matchmake/:method/:roomName` (served by its own
 * router, before Express): per room, `joinOrCreate`, `create` and `join`
 * with the room's options; `joinById` and `reconnect` by room id. The token
 * goes in `Authorization: Bearer` (the SDK's `client.auth.token`).
 */
export function describeMatchmaking(api: ApiRouter, mm: Matchmaking): void {
  const described = (spec: Omit<RouteSpec, "tag">) =>
    api.describe({ ...COMMON, auth: true, errors: JOIN_ERRORS, ...spec, tag: "matchmaking" });
  for (const room of mm.rooms) {
    const body = mm.joinOptions?.[room] ?? AnyOptions;
    described({
      method: "post",
      path: `/matchmake/joinOrCreate/${room}`,
      summary: `Join a ${room} room whose options match, or create one: a seat reservation`,
      body,
    });
    described({
      method: "post",
      path: `/matchmake/create/${room}`,
      summary: `Create a ${room} room: a seat reservation in it`,
      body,
    });
    described({
      method: "post",
      path: `/matchmake/join/${room}`,
      summary: `Join an existing ${room} room whose options match (520 when there is none)`,
      body,
    });
  }
  const schemas = Object.values(mm.joinOptions ?? {});
  described({
    method: "post",
    path: "/matchmake/joinById/:roomId",
    summary: "Join one room instance by its id, with that room's options: a seat reservation",
    params: PARAMS,
    // The room's own options; with one kind of room, its schema.
    body: schemas.length === 1 && mm.rooms.length === 1 ? schemas[0] : AnyOptions,
    errors: { ...JOIN_ERRORS, 522: "No such room id, or the room is locked" },
  });
  described({
    method: "post",
    path: "/matchmake/reconnect/:roomId",
    summary:
      "Take back a dropped seat within the room's reconnection grace (no token: the reconnection token is the proof)",
    auth: false,
    params: PARAMS,
    body: ReconnectBody,
    errors: {
      400: "A body that is not JSON",
      503: "This process is shutting down",
      522: "No such room id (disposed)",
      523: "No reconnectionToken",
      524: "Reconnection token invalid or expired",
    },
  });
}
