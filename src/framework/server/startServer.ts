import { defineServer, matchMaker, type Presence, type Server } from "@colyseus/core";
import type { Application } from "express";
import type { GameModule } from "../game/GameModule.js";
import { provideZoneServices } from "../zone/ZoneServices.js";
import { contentCommands } from "../commands/content.js";
import { AuthService } from "../auth/AuthService.js";
import { TokenSigner } from "../auth/tokens.js";
import { resolveSecrets } from "../auth/SharedSecrets.js";
import type { CharacterLease } from "../cluster/CharacterLease.js";
import { CharacterCustody } from "../cluster/CharacterCustody.js";
import type { RedisLink } from "../cluster/RedisLink.js";
import { ClusterBus } from "../cluster/ClusterBus.js";
import { spreadRoomsAcrossProcesses } from "../cluster/roomPlacement.js";
import { ChatHistory } from "../social/ChatHistory.js";
import { LedgerService } from "../economy/LedgerService.js";
import { AuditLog } from "../audit/AuditLog.js";
import { AnalyticsQueries } from "../analytics/AnalyticsQueries.js";
import { GameEvents } from "../analytics/GameEvents.js";
import { Escalations } from "../auth/Escalations.js";
import { PermissionService } from "../auth/PermissionService.js";
import { SecretBox } from "../auth/SecretBox.js";
import { Totp } from "../auth/Totp.js";
import { FRAMEWORK_COMMANDS } from "../commands/index.js";
import { staffCommands } from "../commands/staffCommands.js";
import { CommandRegistry } from "../commands/CommandRegistry.js";
import { GmWorld } from "../gm/GmWorld.js";
import { Sanctions } from "../gm/Sanctions.js";
import { PACKAGE_VERSION } from "../util/version.js";
import { LocalCharacterLease } from "../cluster/LocalCharacterLease.js";
import { RedisCharacterLease } from "../cluster/RedisCharacterLease.js";
import { resolvePublicAddress, type Config } from "../config/config.js";
import type { DrainReport } from "../http/adminRoutes.js";
import { registerRoutes } from "../http/routes.js";
import { Metrics } from "../metrics/metrics.js";
import { CharacterService } from "../persistence/CharacterService.js";
import { CharacterStore } from "../persistence/CharacterStore.js";
import { openDatabase, type Database } from "../persistence/database.js";
import { typeormStores } from "../persistence/typeorm/typeormStores.js";
import { CloseCodes } from "../contract/closeCodes.js";
import type { Logger } from "../util/logger.js";
import { ensureAdmin } from "./adminBootstrap.js";
import { LocalRooms } from "./LocalRooms.js";
import { createPresence, PresenceProbe } from "./presence.js";
import { createTransport } from "./transport.js";
import { guardMatchmakeRoutes } from "../net/guardMatchmakeRoutes.js";
import { instrumentation } from "../tracing/tracing.js";

/** A crashed process frees its characters within this many seconds. */
const LEASE_TTL_SECONDS = 30;
/** Lines kept per speaker for a GM's `inspect`. */
const SPEAKER_HISTORY_LINES = 20;
/** How often each process looks for dead peers to sweep their rooms out of matchmaking. */
const SWEEP_INTERVAL_MS = 3000;

export interface RunningServer {
  config: Config;
  db: Database;
  metrics: Metrics;
  transport: "uws" | "ws";
  /** The Express app with every route registered (for tools: the API document's completeness check). */
  express: Application;
  /** Stops taking players, saves everyone, closes clients with 4120; the process stays up. */
  drain(reason: string): Promise<DrainReport>;
  /** Drains, then releases the port, presence, leases and the database. */
  stop(reason: string): Promise<void>;
}

type Phase = "starting" | "ready" | "draining" | "drained" | "stopped";

/**
 * Starts one process of a game: the database (PostgreSQL, or the embedded
 * one), presence and matchmaking (Redis, or in process), accounts, custody of
 * characters, the command registry and its audit, the HTTP surface, then the
 * game's rooms and commands (`game.start`). Stops with drain, saves first.
 */
export async function startServer(config: Config, log: Logger, game: GameModule): Promise<RunningServer> {
  const started = Date.now();
  let phase: Phase = "starting";
  const metrics = new Metrics();
  // First: a TRANSPORT=uws that cannot serve here is refused (exit 2) before
  // anything opens, instead of after the embedded database's long first start.
  const { transport, kind } = await createTransport(config, log);
  const db = await openDatabase(config, log);

  let server: Server | undefined;
  let presence: Presence | undefined;
  let lease: CharacterLease | undefined;
  let redis: RedisLink | undefined;
  let custody: CharacterCustody | undefined;
  try {
    const stores = typeormStores(db.dataSource);
    const admin = config.admin;
    if (admin) await db.exclusively("admin account", () => ensureAdmin(stores.accounts, admin, log));

    const created = await createPresence(config, log);
    presence = created.presence;
    redis = created.redis;
    const bus = new ClusterBus(presence);
    const presenceProbe = new PresenceProbe(presence);
    await presenceProbe.start();
    lease = redis
      ? new RedisCharacterLease(redis.client, LEASE_TTL_SECONDS)
      : new LocalCharacterLease(LEASE_TTL_SECONDS);
    const rooms = new LocalRooms();
    const rateLimitRedis = redis?.client;
    const events = new GameEvents(stores.gameEvents, metrics, log);
    const secrets = await resolveSecrets(config, stores.secrets);
    const signer = new TokenSigner(secrets.jwtSecret, config.accessTokenTtlSeconds);
    const totp = new Totp(stores, new SecretBox(secrets.totpEncryptionKey, "totp"));
    const sealed = await totp.sealPlainSecrets();
    if (sealed > 0) log.info({ accounts: sealed }, "encrypted TOTP secrets stored in plain text");
    const auth = new AuthService(
      stores,
      signer,
      totp,
      {
        loginMaxFailures: config.loginMaxFailures,
        loginLockSeconds: config.loginLockSeconds,
        refreshTtlSeconds: config.refreshTokenTtlSeconds,
        staffMfaRequired: config.staffMfaRequired,
      },
      {
        // Through the bus, so the close happens on whichever process holds the session.
        sessionsRevoked: (accountId, sessionId) => bus.publish("mxo:revocations", { accountId, sessionId }),
        loggedIn: (accountId) => events.record({ kind: "login", accountId }),
      },
    );
    const store = new CharacterStore(db.dataSource, metrics, log, LEASE_TTL_SECONDS);
    const liveCustody = new CharacterCustody(lease, store, bus, presence, log);
    custody = liveCustody;
    const chatBySpeaker = new ChatHistory(presence, SPEAKER_HISTORY_LINES);
    const ledger = new LedgerService(stores.ledger);
    metrics.readCirculationFrom(() => ledger.circulation());
    const kit = { config, log, metrics, stores, presence, bus, rooms, events, ledger, chatBySpeaker };
    const played = await game.start(kit);
    const deployer = played.content;
    const permissions = new PermissionService(stores.permissions);
    const audit = new AuditLog(stores.audit);
    const sanctions = new Sanctions(stores, bus);
    const world = new GmWorld(
      stores.characterRecords,
      lease,
      ledger,
      bus,
      played.zones,
      sanctions,
      chatBySpeaker,
    );
    const commands = new CommandRegistry({
      gmActions: stores.gmActions,
      approvals: stores.approvals,
      world,
      permissions,
      audit,
      metrics,
      log,
      policy: { bulkGiveThreshold: config.gm.bulkGiveThreshold },
      clusterUp: redis ? () => redis!.up : undefined,
    }).register(...FRAMEWORK_COMMANDS, ...(played.commands ?? []));
    provideZoneServices({
      ...played.services,
      permissions,
      events,
      config,
      auth,
      characters: store,
      metrics,
      log,
      lease,
      rooms,
      bus,
      commands,
      custody: liveCustody,
      redis,
    });
    await bus.subscribeAll({
      "mxo:revocations": (e) => {
        const closed = rooms.closeAccountSessions(
          e.accountId,
          e.sessionId,
          e.code ?? CloseCodes.SESSION_REVOKED,
        );
        if (closed > 0) log.info({ account: e.accountId, closed }, "closed revoked sessions");
      },
      "mxo:takeover": (e) => {
        void rooms.evictCharacter(e.characterId, CloseCodes.TAKEN_OVER).then((found) => {
          if (found)
            log.info({ character: e.characterId, by: e.by }, "character taken over by another session");
        });
      },
      "mxo:chat": (e) => {
        rooms.deliverChat(e.line, {
          district: e.district,
          organization: e.organization,
          toCharacterId: e.toCharacterId,
        });
      },
      "mxo:announce": (e) => rooms.announce(e.text, e.at),
      "mxo:mutes": (e) => rooms.applyMute(e.accountId, e.until, e.reason),
      "mxo:content": (e) => void deployer?.onDeployed(e.revision),
    });

    let draining: Promise<DrainReport> | undefined;
    const drain = (reason: string): Promise<DrainReport> => {
      draining ??= (async () => {
        phase = "draining";
        const t0 = Date.now();
        log.info({ reason }, "draining: no new players; saving and moving everyone");
        // Rooms lock, close their clients with 4120 after awaiting each save
        // (onLeave), dispose, and leave the shared matchmaking listing.
        await matchMaker.gracefullyShutdown().catch((err) => {
          if (err !== "already_shutting_down") throw err;
        });
        // Characters whose last save is still retrying (a database outage) stay held until it lands.
        await liveCustody.drain();
        await store.drain();
        await events.drain();
        // Refusals still being counted (coalesced per actor) are written before the process goes.
        await audit.drain();
        phase = "drained";
        const report: DrainReport = {
          status: "drained",
          processId: matchMaker.processId,
          ms: Date.now() - t0,
        };
        log.info(report, "drained");
        return report;
      })();
      return draining;
    };
    const escalations = new Escalations(stores.escalations, config.gm.escalationSeconds);
    commands.register(...staffCommands({ permissions, escalations, drain, log }));
    if (deployer) commands.register(...contentCommands(deployer));

    let expressApp: Application | undefined;
    server = defineServer({
      transport,
      presence: created.presence,
      driver: created.driver,
      selectProcessIdToCreateRoom: spreadRoomsAcrossProcesses(created.presence),
      publicAddress: resolvePublicAddress(config),
      greet: false,
      // We own SIGTERM/SIGINT (see index.ts) so saves are awaited before exit.
      gracefullyShutdown: false,
      rooms: played.rooms,
      express: (app) => {
        expressApp = app;
        registerRoutes(app, {
          auth,
          characters: new CharacterService(stores.characterRoster, played.characters),
          metrics,
          log,
          isAccepting: () => phase === "ready",
          readiness: [
            { name: "database", check: () => db.ping() },
            { name: "presence", check: () => presenceProbe.check() },
          ],
          rateLimits: {
            perMinute: config.httpRateLimitPerMinute,
            authPerMinute: config.authRateLimitPerMinute,
            adminPerMinute: config.adminRateLimitPerMinute,
          },
          trustProxy: config.trustProxy,
          rateLimitRedis,
          worldInfo: played.worldInfo,
          matchmaking: { rooms: Object.keys(played.rooms), joinOptions: played.joinOptions },
          checkResponses: config.nodeEnv !== "production",
          version: PACKAGE_VERSION,
          admin: {
            commands,
            permissions,
            audit,
            escalations,
            content: deployer,
            analytics: new AnalyticsQueries(stores.gameEvents),
          },
        });
      },
    });
    await server.listen(config.port, config.host);
    guardMatchmakeRoutes(server.router);
    instrumentation()?.router(server.router!);
    phase = "ready";

    // Colyseus only checks for dead peers at boot and when a seat reservation
    // times out; sweeping regularly takes a crashed process's rooms out of
    // matchmaking within seconds (its Redis subscription dies with it).
    const sweeper = config.redisUrl
      ? setInterval(() => void matchMaker.healthCheckAllProcesses().catch(() => {}), SWEEP_INTERVAL_MS)
      : undefined;
    sweeper?.unref();

    log.info(
      {
        port: config.port,
        transport: kind,
        db: db.kind,
        redis: Boolean(config.redisUrl),
        processId: matchMaker.processId,
        publicAddress: resolvePublicAddress(config) ?? null,
        game: game.name,
        ms: Date.now() - started,
      },
      "mxo-server listening",
    );

    const running = server;
    const liveLease = lease;
    let stopping: Promise<void> | undefined;
    return {
      config,
      db,
      metrics,
      transport: kind,
      express: expressApp!,
      drain,
      stop(reason: string) {
        stopping ??= (async () => {
          const t0 = Date.now();
          await drain(reason);
          if (sweeper) clearInterval(sweeper);
          await bus.close();
          await presenceProbe.close();
          running.transport.shutdown();
          liveCustody.close();
          await liveLease.close();
          created.presence.shutdown();
          await created.driver.shutdown();
          await redis?.close();
          await db.close();
          phase = "stopped";
          log.info({ ms: Date.now() - t0 }, "shutdown complete");
        })();
        return stopping;
      },
    };
  } catch (err) {
    await server?.gracefullyShutdown(false).catch(() => {});
    custody?.close();
    await lease?.close().catch(() => {});
    await redis?.close();
    await db.close().catch(() => {});
    throw err;
  }
}
