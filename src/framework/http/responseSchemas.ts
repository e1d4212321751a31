import { z } from "zod";

/*
 * The bodies the framework's routes answer with. Each route names its schema
 * (RouteSpec.response); its handler's return type is checked against it and
 * the OpenAPI document is generated from it, so neither can say something the
 * other does not. Dates are Date here and ISO 8601 strings on the wire.
 */

const Id = z.uuid();
const Roles = z.array(z.string()).meta({ description: "Role names (super_admin, gm_tier2, player…)" });

export const HealthBody = z.object({ status: z.literal("ok") });

export const ReadyBody = z.object({
  status: z.enum(["ok", "unavailable"]),
  checks: z
    .record(z.string(), z.string())
    .meta({ description: 'Each check ("accepting", "database", "presence") → "ok" or what failed' }),
});

export const OpenApiBody = z
  .record(z.string(), z.unknown())
  .meta({ description: "An OpenAPI 3.1 document (this one)" });

export const RegisteredBody = z.object({ accountId: Id });

export const TokenPairBody = z.object({
  token: z
    .string()
    .meta({ description: "Access token (JWT): `Authorization: Bearer …`, the SDK's client.auth.token" }),
  refreshToken: z.string().meta({ description: "Works once, at POST /auth/refresh" }),
  expiresIn: z.number().int().meta({ description: "Seconds the access token lives" }),
  roles: Roles,
});

export const TotpEnrollmentBody = z.object({
  secret: z.string().meta({ description: "Base32 secret for an authenticator app" }),
  otpauthUrl: z.string().meta({ description: "otpauth:// URL (a QR code of it)" }),
});

export const TotpEnabledBody = z.object({ enabled: z.literal(true) });

export const CharacterSummaryBody = z.object({
  id: Id,
  name: z.string(),
  district: z.string(),
  organization: z.string(),
  level: z.number().int(),
});

const PermissionSetBody = z.object({
  grants: z.array(z.string()).readonly(),
  denies: z.array(z.string()).readonly().meta({ description: "Per-account denies win over any grant" }),
});

export const StandingBody = z.object({
  accountId: Id,
  username: z.string(),
  roles: Roles,
  rank: z.number().int().meta({ description: "Position of the highest role in the rank order" }),
  escalation: z.object({ id: Id, role: z.string(), expiresAt: z.date() }).nullable(),
  permissions: PermissionSetBody,
});

export const DistrictRoomBody = z.object({
  roomId: z.string(),
  district: z.string(),
  clients: z.number().int(),
  maxClients: z.number().int(),
  processId: z.string(),
  contentRevision: z.number().int().nullable(),
});

export const OnlinePlayerBody = z.object({
  characterId: Id,
  name: z.string(),
  district: z.string(),
  organization: z.string(),
  roomId: z.string(),
  processId: z.string(),
});

export const PlayerAnalyticsBody = z.object({
  characterId: Id,
  name: z.string(),
  account: z.string(),
  logins: z.number().int(),
  levelUps: z.number().int(),
  missionsCompleted: z.number().int(),
  itemsAcquired: z.number().int(),
  currencyEarned: z.number(),
  deaths: z.number().int(),
  trades: z.number().int().meta({ description: "Player trades that went through" }),
  pvp: z.object({ wins: z.number().int(), losses: z.number().int() }),
  firstEvent: z.string().nullable(),
  lastEvent: z.string().nullable(),
});

export const DistrictDayBody = z.object({
  district: z.string(),
  day: z.string(),
  players: z.number().int().meta({ description: "Characters with at least one event that day" }),
  events: z.record(z.string(), z.number()),
  currencyEarned: z.number(),
  itemsAcquired: z.number().int(),
});

export const CommandInfoBody = z.object({
  name: z.string(),
  permission: z.string().nullable(),
  usage: z.string(),
  help: z.string(),
  reversible: z.boolean(),
  replayable: z.boolean(),
});

/** What a command came to (the in-game `gm:result` too); see src/framework/contract/commands.ts. */
export const CommandOutcomeBody = z.object({
  ok: z.boolean(),
  message: z.string(),
  actionId: Id.meta({ description: "The audit record of this attempt (GET /api/v1/admin/gm-actions/:id)" }),
  status: z.enum(["done", "refused", "failed", "queued"]),
  code: z.string().optional(),
  httpStatus: z.number().int(),
  data: z
    .unknown()
    .optional()
    .meta({ description: "What the command reports (a position, an inspected character…)" }),
  details: z.unknown().optional(),
  approvalId: Id.optional().meta({ description: "Set when the command waits for a second GM" }),
});

/** The 202 of a route whose command waits for a second GM (two-person rule). */
export const QUEUED = {
  202: { description: "Queued for a second GM's approval", schema: CommandOutcomeBody },
};

const StoredInverseBody = z.object({
  command: z.string(),
  args: z.array(z.string()),
  input: z.unknown().optional(),
});

export const GmActionBody = z.object({
  id: Id,
  command: z.string(),
  args: z.array(z.string()),
  actor: z.string(),
  target: z.string().nullable(),
  inverse: StoredInverseBody.nullable(),
  replayable: z.boolean(),
  createdAt: z.date(),
  reversedAt: z.date().nullable(),
  reversedBy: z.string().nullable(),
});

export const ApprovalBody = z.object({
  id: Id,
  command: z.string(),
  args: z.array(z.string()),
  requestedBy: z.string(),
  reason: z.string(),
  status: z.string(),
  createdAt: z.date(),
  decidedAt: z.date().nullable(),
  actionId: z.string().nullable(),
});

export const ApprovalDecisionBody = z.union([
  CommandOutcomeBody,
  z.object({ status: z.literal("rejected") }),
]);

const AuditRecordBody = z.object({
  id: z.string(),
  seq: z.number().int(),
  at: z.date(),
  actorId: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  args: z.unknown(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
  result: z.enum(["ok", "refused", "failed", "queued"]),
  message: z.string(),
  via: z.enum(["http", "game", "system"]),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});

export const AuditPageBody = z.object({
  records: z.array(AuditRecordBody),
  next: z.number().int().nullable().meta({ description: "`before=` for the next page; null at the end" }),
});

export const ChainVerificationBody = z.union([
  z.object({ ok: z.literal(true), records: z.number().int() }),
  z.object({
    ok: z.literal(false),
    records: z.number().int(),
    brokenAt: z.object({ seq: z.number().int(), id: z.string(), reason: z.string() }),
  }),
]);

export const RolesChangedBody = z.object({ accountId: Id, username: z.string(), roles: Roles });

export const OverridesChangedBody = z.object({
  accountId: Id,
  grant: z.array(z.string()),
  deny: z.array(z.string()),
});

export const EscalationBody = z.object({
  id: Id,
  accountId: Id,
  username: z.string(),
  role: z.string(),
  reason: z.string(),
  status: z.enum(["pending", "active", "rejected"]),
  startedAt: z.date().meta({ description: "When it was asked for (pending) or approved (active)" }),
  expiresAt: z.date().nullable(),
  approvedBy: z.string().nullable(),
});

export const ContentOverviewBody = z.object({
  running: z.object({ processId: z.string(), revision: z.number().int().nullable() }),
  revisions: z.array(
    z.object({
      revision: z.number().int(),
      sha256: z.string(),
      note: z.string(),
      createdBy: z.string(),
      createdAt: z.date(),
      deployedAt: z.date().nullable(),
      active: z.boolean(),
    }),
  ),
});

export const ContentRevisionBody = z.object({
  revision: z.number().int(),
  pack: z.unknown().meta({ description: "The stored content pack (the game's format)" }),
});

export const ContentStoredBody = z.object({ revision: z.number().int(), sha256: z.string() });

export const DeploymentChangeBody = z.object({
  revision: z.number().int(),
  previous: z.number().int().nullable(),
});

export const DrainReportBody = z.object({
  status: z.literal("drained"),
  processId: z.string(),
  ms: z.number(),
});
