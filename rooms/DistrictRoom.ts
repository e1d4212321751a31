import {
  CloseCode,
  matchMaker,
  Room,
  ServerError,
  type Client,
  type Deferred,
  type Rewind,
} from "@colyseus/core";
import type { CharacterStats } from "../src/mxo/rules/characterRules.js";
import { StateView } from "@colyseus/schema";
import { DistrictState } from "../schema/DistrictState.js";
import { MoveInput } from "../schema/MoveInput.js";
import { NpcState } from "../schema/NpcState.js";
import { PlayerState } from "../schema/PlayerState.js";
import { InterestManager } from "../src/aoi/InterestManager.js";
import { setViewRates, type ViewRates } from "../src/aoi/viewEncoding.js";
import type { AuthService, Principal } from "../src/auth/AuthService.js";
import type { PermissionService } from "../src/auth/PermissionService.js";
import type { GameEventKind, GameEvents } from "../src/analytics/GameEvents.js";
import type { CharacterLease, LeaseEntry } from "../src/cluster/CharacterLease.js";
import type { CharacterCustody } from "../src/cluster/CharacterCustody.js";
import type { RedisLink } from "../src/cluster/RedisLink.js";
import { isServiceFault, serviceUnavailable } from "../src/util/faults.js";
import type { ChatLine, ClusterBus, ClusterEvents } from "../src/cluster/ClusterBus.js";
import type { CommandRegistry } from "../src/commands/CommandRegistry.js";
import type { Config } from "../src/config/config.js";
import type { ContentPack } from "../src/content/ContentPack.js";
import type { DistrictCatalog, DistrictDef } from "../src/content/districts.js";
import type { LedgerService } from "../src/economy/LedgerService.js";
import type { ContentDeployer } from "../src/content/ContentDeployer.js";
import { CURRENCY } from "../src/economy/ledgerOps.js";
import { InsufficientQuantityError } from "../src/economy/errors.js";
import { DistrictSimulation } from "../src/mxo/rules/simulation/DistrictSimulation.js";
import type { GameEvent, NpcView, PlayerView } from "../src/mxo/rules/simulation/GameEvent.js";
import { MessageGate } from "../src/messaging/MessageGate.js";
import { InputFrameGuard } from "../src/net/InputFrameGuard.js";
import { isProtocolAbuseClose } from "../src/net/protocolCloses.js";
import { CommandRequest, GmMetricsMessage } from "../src/framework/contract/commands.js";
import { CloseCodes } from "../src/framework/contract/closeCodes.js";
import { SAY_RADIUS } from "../src/mxo/contract/chat.js";
import {
  ChatHistoryRequest,
  ChatMessage,
  JoinOptions,
  TravelMessage,
  AbilityMessage,
  InterlockMessage,
  MissionMessage,
  LoadoutMessage,
  InteractMessage,
} from "../src/mxo/contract/clientMessages.js";
import { toMissionDef } from "../src/mxo/rules/missions/fromContent.js";
import {
  abandonMission,
  acceptMission,
  applyEvent,
  completeIfDone,
  createMissionState,
} from "../src/mxo/rules/missions/missionRules.js";
import {
  applyReputationRewards,
  STARTING_REPUTATION,
  type Reputation,
} from "../src/mxo/rules/missions/reputation.js";
import type { MissionCompletion, MissionEvent, MissionState } from "../src/mxo/rules/missions/types.js";
import { meterClient, type Traffic } from "../src/metrics/meterClient.js";
import type { Metrics } from "../src/metrics/metrics.js";
import type { CharacterSnapshot, CharacterStore } from "../src/persistence/CharacterStore.js";
import type { ChatFilter, LocalRoom, LocalRooms } from "../src/server/LocalRooms.js";
import { ChatHistory } from "../src/social/ChatHistory.js";
import { AppError } from "../src/util/errors.js";
import { humanDuration } from "../src/commands/args.js";
import { knows } from "../src/mxo/rules/loadout.js";
import type { GmOp, GmOpResults, Point3 } from "../src/gm/GmOp.js";
import type { Logger } from "../src/util/logger.js";

export interface DistrictServices {
  config: Config;
  auth: AuthService;
  characters: CharacterStore;
  districts: DistrictCatalog;
  metrics: Metrics;
  log: Logger;
  lease: CharacterLease;
  rooms: LocalRooms;
  bus: ClusterBus;
  commands: CommandRegistry;
  permissions: PermissionService;
  events: GameEvents;
  chatHistory: ChatHistory;
  /** Recent lines per speaker (for `inspect`). */
  chatBySpeaker: ChatHistory;
  /** The content every room runs now, and deploys of new revisions. */
  deployer: ContentDeployer;
  ledger: LedgerService;
  /** Takes, keeps and gives up characters (leases and database claims). */
  custody: CharacterCustody;
  /** Set with REDIS_URL: whether cross-process features can run right now. */
  redis?: RedisLink | undefined;
}

/**
 * What `onAuth` hands to `onJoin` through `client.auth` (JSON: it may cross
 * processes). Not named `sessionId`: Colyseus would adopt that as the client's
 * room session id, and two joins of one login would collide.
 */
export interface DistrictAuth {
  accountId: string;
  authSessionId: string;
  username: string;
  roles: string[];
  characterId: string;
  /** The character's name and organization as onAuth found them: enough to take its lease before loading it. */
  characterName: string;
  organization: string;
  /** Chat is refused until then (epoch ms); kept current by `applyMute`. */
  mutedUntil: number | null;
  muteReason: string | null;
}

/** Listing entry for admin views (returned through `remoteRoomCall`, so plain JSON). */
export interface PlayerListing {
  characterId: string;
  name: string;
  organization: string;
  district: string;
  roomId: string;
  processId: string;
}

/** Lag compensation window: a shot is judged at most this far in the past. */
const REWIND_MAX_MS = 300;

/** How often subscribed GMs get `gm:metrics`. */
const GM_METRICS_INTERVAL_MS = 1000;

let services: DistrictServices | undefined;

/** What a client is told when a backing service (database, Redis) fails under its join. */
const UNAVAILABLE = "The game service is unavailable right now; try again shortly";

/** Rooms are constructed by the matchmaker, so their dependencies are provided once at boot. */
export function provideDistrictServices(s: DistrictServices): void {
  services = s;
}

function svc(): DistrictServices {
  if (!services) throw new Error("DistrictRoom used before provideDistrictServices()");
  return services;
}

type DistrictClient = Client<{ auth: DistrictAuth }>;

/**
 * A district: thin glue between clients and src/sim. It authenticates joins,
 * queues inputs, runs the fixed step, copies the result into the schema, and
 * hands snapshots to the write-behind store. Game rules do not live here.
 */
export class DistrictRoom
  extends Room<{ state: DistrictState; client: DistrictClient; input: MoveInput }>
  implements LocalRoom
{
  override inputs = this.defineInput(MoveInput, { seqField: "seq", bufferMaxSize: 64 });
  override state = new DistrictState();

  private def!: DistrictDef;
  /** The content pack this room runs; a deploy swaps it at a tick boundary. */
  private content!: ContentPack;
  private contentRevision: number | null = null;
  private pendingContent: { revision: number; pack: ContentPack } | undefined;
  /** The district's game rules (movement, NPCs, combat): pure and seeded, driven once per tick. */
  private sim!: DistrictSimulation;
  private interest!: InterestManager;
  /** Each client view's update rates by distance (kept in step with its reach after every interest update). */
  private readonly viewRates = new Map<string, ViewRates>();
  /** Recent positions of everyone, so a ranged shot is judged where the shooter saw its target. */
  private rewind!: Rewind;
  private traffic!: Traffic;
  private gate!: MessageGate;
  /** Who plays here: what persistence needs that the simulation does not model. */
  private sessions = new Map<
    string,
    {
      characterId: string;
      name: string;
      organization: string;
      accountId: string;
      stats: CharacterStats;
      missions: MissionState;
      reputation: Reputation;
      /** A GM hidden from every other player (`invisible on`). */
      invisible: boolean;
      /** Missions whose items are being handed in (a ledger call is under way). */
      turningIn: Set<string>;
    }
  >();
  /** Sessions the server is closing on purpose: no reconnection grace for them. */
  private closing = new Set<string>();
  /** Dropped sessions waiting for their client, so a takeover can end the wait. */
  private awaitingReconnect = new Map<string, Deferred<DistrictClient>>();
  private traveling = new Set<string>();
  /** Sessions whose character travelled on: a client that reconnects here is sent on after it. */
  private handedOff = new Map<string, { district: string; characterId: string }>();
  /** Fighters of each running interlock (`a` pulled `b` in), for routing its round events. */
  private duels = new Map<string, { a: string; b: string; tick: number }>();
  /** Tick an NPC first took damage in its current life, for the free-fight duration metric. */
  private firstHit = new Map<string, number>();
  /** GMs who asked for the live metrics stream (`gm:metrics {on:true}`). */
  private metricsWatchers = new Set<string>();
  /** Tick times since the last metrics message. */
  private tickWindow = { count: 0, total: 0, max: 0 };
  private disposing = false;

  /** Runs at matchmaking, before a room is created or a seat reserved. */
  static override async onAuth(token: string, options: unknown): Promise<DistrictAuth> {
    const s = svc();
    // Without Redis no seat can be reserved anywhere: say so before touching anything.
    await s.redis?.whenUp("Matchmaking (Redis)");
    const parsed = JoinOptions.safeParse(options);
    if (!parsed.success) {
      throw new ServerError(
        400,
        `Invalid join options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    const { district, characterId } = parsed.data;
    if (!s.districts.get(district)) {
      throw new ServerError(404, `Unknown district "${district}"; known: ${s.districts.ids().join(", ")}`);
    }
    let principal: Principal;
    let character;
    try {
      principal = await s.auth.authenticateJoin(token, characterId);
      character = await s.characters.load(characterId);
    } catch (err) {
      if (err instanceof AppError) throw new ServerError(err.status, err.message);
      if (isServiceFault(err)) throw new ServerError(503, UNAVAILABLE);
      throw err;
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

  override onCreate(options: JoinOptions): void {
    const s = svc();
    const def = s.districts.get(options.district);
    if (!def) throw new ServerError(404, `Unknown district "${options.district}"`);
    this.def = def;
    // The seed is logged so any fight in this room can be replayed from its log.
    const seed = (Math.random() * 0x7fffffff) | 0;
    this.content = s.deployer.pack;
    this.contentRevision = s.deployer.revision;
    this.sim = new DistrictSimulation(def, this.content, { tickRate: s.config.tickRate, seed });
    s.log.info({ room: this.roomId, district: def.id, seed }, "district simulation seeded");
    this.interest = new InterestManager(s.config.aoi);
    this.rewind = this.allowRewindState({ maxRewindMs: REWIND_MAX_MS });
    this.rewind.attachAll(this.state.players, { fields: ["x", "y"] });
    this.rewind.attachAll(this.state.npcs, { fields: ["x", "y"] });
    const sent = s.metrics.bytesSent.labels({ district: def.id });
    const patch = s.metrics.patchBytes.labels({ district: def.id });
    this.traffic = { sent: (n) => sent.inc(n), patch: (n) => patch.inc(n) };
    this.gate = new MessageGate(s.metrics, s.config.maxMessagesPerSecond);
    // Frames are checked before Colyseus decodes them; abuse ends the session at once.
    InputFrameGuard.install(this, {
      input: MoveInput,
      metrics: s.metrics,
      log: s.log,
      maxStrikes: s.config.maxMessagesPerSecond * 3,
      onAbuse: (client, reason) => {
        this.closing.add(client.sessionId);
        client.leave(CloseCodes.KICKED, reason);
      },
    });
    this.state.district = def.id;
    this.maxClients = s.config.maxClientsPerDistrict;
    this.patchRate = 1000 / s.config.patchRate;
    // Colyseus's own cap counts inputs too and closes with 4002: keep it as a
    // backstop far above what an honest client sends (inputs at the tick rate
    // plus messages), so our gate's throttle-then-disconnect acts first.
    this.maxMessagesPerSecond = (s.config.tickRate + s.config.maxMessagesPerSecond) * 4;
    this.metadata = { district: def.id, contentRevision: this.contentRevision };
    s.metrics.rooms.inc({ district: def.id });
    s.rooms.add(this);

    const tickBudget = 1 / s.config.tickRate;
    this.setFixedTimestep(() => {
      const started = process.hrtime.bigint();
      for (const sessionId of this.sessions.keys()) {
        // One input per tick: the server applies buffered inputs in order and
        // keeps the last intent when the buffer is empty.
        const input = this.inputs.get(sessionId).next();
        if (input && !this.traveling.has(sessionId)) {
          this.sim.setInput(sessionId, { seq: input.seq, moveX: input.moveX, moveY: input.moveY });
        }
      }
      this.dispatch(this.sim.step());
      if (this.pendingContent) this.switchContent(this.pendingContent);
      this.publish();
      this.updateInterest();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.tickWindow.count++;
      this.tickWindow.total += seconds;
      this.tickWindow.max = Math.max(this.tickWindow.max, seconds);
      s.metrics.tickDuration.observe({ district: def.id }, seconds);
      if (seconds > tickBudget) s.metrics.tickOverruns.inc({ district: def.id });
    }, s.config.tickRate);

    this.clock.setInterval(() => this.autosave(), s.config.autosaveSeconds * 1000);

    this.onMessage("chat", (client, payload) => this.handleChat(client, payload));
    this.onMessage("chat:history", (client, payload) => void this.handleChatHistory(client, payload));
    this.onMessage("travel", (client, payload) => void this.handleTravel(client, payload));
    this.onMessage("ability", (client, payload) => this.handleAbility(client, payload));
    this.onMessage("interlock", (client, payload) => this.handleInterlock(client, payload));
    this.onMessage("mission", (client, payload) => this.handleMission(client, payload));
    this.onMessage("loadout", (client, payload) => this.handleLoadout(client, payload));
    this.onMessage("interact", (client, payload) => this.handleInteract(client, payload));
    this.onMessage("gm", (client, payload) => void this.handleGm(client, payload));
    this.onMessage("gm:metrics", (client, payload) => void this.handleGmMetrics(client, payload));
    this.clock.setInterval(() => this.sendGmMetrics(), GM_METRICS_INTERVAL_MS);
    this.onMessage("*", (client, type) => {
      if (this.admit(client, String(type))) this.gate.unknown(client, type);
    });
  }

  override async onJoin(client: DistrictClient): Promise<void> {
    const s = svc();
    const auth = client.auth;
    if (!auth) throw new ServerError(401, "Not authenticated");
    // onAuth checked that the account owns the character; the lease comes
    // first and the load after it, so the state read is the one the last
    // holder (on any process) saved before letting go.
    const entry: LeaseEntry = {
      characterId: auth.characterId,
      name: auth.characterName,
      accountId: auth.accountId,
      organization: auth.organization,
      district: this.def.id,
      roomId: this.roomId,
      processId: matchMaker.processId,
      sessionId: client.sessionId,
    };
    let character;
    try {
      character = await s.custody.take(
        entry,
        () => void this.evictCharacter(entry.characterId, CloseCodes.TAKEN_OVER),
      );
    } catch (err) {
      if (err instanceof AppError) throw new ServerError(err.status, err.message);
      if (isServiceFault(err)) throw new ServerError(503, UNAVAILABLE);
      throw err;
    }
    try {
      if (character.accountId !== auth.accountId) {
        throw new ServerError(403, "Character not found on this account");
      }
      // A character saved in another district arrives at this one's hardline.
      const at =
        character.district === this.def.id
          ? { x: character.x, y: character.y, z: character.z }
          : s.districts.arrivalPoint(this.def.id);
      this.sim.addPlayer({
        sessionId: client.sessionId,
        characterId: character.id,
        name: character.name,
        organization: character.organization,
        x: at.x,
        y: at.y,
        z: at.z,
        heading: character.heading,
        hp: character.hp,
        maxHp: character.maxHp,
        level: character.level,
        stats: character.stats,
        experience: character.experience,
        loadout: character.loadout,
      });
      this.sessions.set(client.sessionId, {
        characterId: character.id,
        name: character.name,
        organization: character.organization,
        accountId: character.accountId,
        stats: character.stats,
        missions: character.missions ?? createMissionState(),
        reputation: character.reputation ?? { ...STARTING_REPUTATION },
        invisible: false,
        turningIn: new Set(),
      });
      const player = this.sim.player(client.sessionId)!;
      const view = new PlayerState();
      view.characterId = player.characterId;
      view.name = player.name;
      view.organization = player.organization;
      this.state.players.set(client.sessionId, view);
      this.copyPlayer(player, view);
      meterClient(client, this.traffic);
      // Others come into this client's view through the interest manager; itself, always.
      client.view = new StateView();
      client.view.add(view);
      this.interest.move(client.sessionId, player.x, player.y);
      this.interest.observe(client.sessionId);
      this.applyInterest(client, this.interest.update(client.sessionId));
      this.attachViewRates(client, view);
      s.metrics.playersOnline.inc({ district: this.def.id, organization: player.organization });
      client.send("loadout", this.loadoutMessage(client.sessionId));
      // What a client shows in its mission log after a reload or a move to another process.
      client.send("mission", {
        kind: "state",
        active: this.sessions.get(client.sessionId)!.missions.active,
        completed: this.sessions.get(client.sessionId)!.missions.completed,
      });
      // An escort under way picks up again where its player is.
      this.startEscorts(client.sessionId);
      s.log.info({ room: this.roomId, district: this.def.id, character: player.name }, "player joined");
    } catch (err) {
      this.removePlayer(client.sessionId);
      await s.custody.abandon(entry);
      throw err;
    }
  }

  override onDrop(client: DistrictClient, code?: number): void {
    // Colyseus closes a client with 4002 when its frame cannot be decoded (or it
    // blew through the backstop rate): count it like any other malformed input.
    if (code === CloseCode.WITH_ERROR) svc().metrics.messages.inc({ type: "protocol", result: "malformed" });
    // A failed onJoin also lands here: nothing to hold for that client.
    if (!this.sessions.has(client.sessionId)) return;
    // A disconnected body stops where it is instead of walking on its last intent.
    this.sim.setInput(client.sessionId, {
      seq: this.sim.player(client.sessionId)?.ack ?? 0,
      moveX: 0,
      moveY: 0,
    });
    this.saveLater(client.sessionId);
    const grace = svc().config.reconnectGraceSeconds;
    const abuse = this.closing.has(client.sessionId) || isProtocolAbuseClose(code);
    if (grace > 0 && !this.disposing && !abuse) {
      const wait = this.allowReconnection(client, grace);
      this.awaitingReconnect.set(client.sessionId, wait);
      wait.then(
        () => this.awaitingReconnect.delete(client.sessionId),
        () => this.awaitingReconnect.delete(client.sessionId),
      );
    }
  }

  /** A reconnected client starts with a fresh connection: rebuild its view from scratch. */
  override onReconnect(client: DistrictClient): void {
    const own = this.state.players.get(client.sessionId);
    if (!own) return void this.followCharacter(client);
    meterClient(client, this.traffic);
    client.view = new StateView();
    client.view.add(own);
    this.interest.reset(client.sessionId);
    this.applyInterest(client, this.interest.update(client.sessionId));
    this.attachViewRates(client, own);
  }

  /**
   * A client came back to a session whose character is no longer here (it
   * travelled while the client was away, so the `travel` answer was lost):
   * send it on with a fresh reservation, or tell it to join again.
   */
  private async followCharacter(client: DistrictClient): Promise<void> {
    const gone = this.handedOff.get(client.sessionId);
    try {
      if (!gone || !client.auth) throw new Error("nothing to follow");
      const ticket = svc().auth.issueTravelTicket(
        client.auth.accountId,
        client.auth.authSessionId,
        gone.characterId,
      );
      const reservation = await matchMaker.joinOrCreate(
        "district",
        { district: gone.district, characterId: gone.characterId },
        { token: ticket, headers: new Headers(), ip: "" },
      );
      client.send("travel", { district: gone.district, reservation });
    } catch {
      this.closing.add(client.sessionId);
      client.leave(CloseCodes.DRAINING, "join again to continue");
    }
  }

  /**
   * Others far out in a client's view change less often for it: within
   * `fullRateFraction` of the view's reach every patch, half-way to the edge
   * every 2nd, beyond every `farRateEvery`-th (src/aoi/viewEncoding.ts). The
   * reach shrinks in a crowd, so the nearest stay smooth however dense it gets.
   */
  private attachViewRates(client: DistrictClient, own: PlayerState): void {
    const { fullRateFraction, farRateEvery } = svc().config.aoi;
    if (!client.view || farRateEvery <= 1 || fullRateFraction >= 1) return;
    const rates: ViewRates = { observer: own, fullRadius: 0, halfRadius: 0, farEvery: farRateEvery };
    this.viewRates.set(client.sessionId, rates);
    setViewRates(client.view, rates);
    this.scaleViewRates(client.sessionId);
  }

  private scaleViewRates(sessionId: string): void {
    const rates = this.viewRates.get(sessionId);
    if (!rates) return;
    const reach = this.interest.extentOf(sessionId);
    rates.fullRadius = reach * svc().config.aoi.fullRateFraction;
    rates.halfRadius = (rates.fullRadius + reach) / 2;
  }

  override async onLeave(client: DistrictClient): Promise<void> {
    const s = svc();
    this.gate.forget(client.sessionId);
    this.closing.delete(client.sessionId);
    this.traveling.delete(client.sessionId);
    this.handedOff.delete(client.sessionId);
    const player = this.sessions.get(client.sessionId);
    if (!player) return;
    const last = this.snapshot(client.sessionId);
    this.removePlayer(client.sessionId);
    // The last state is stored before the character is free for anyone else;
    // while the database is down it stays held here and the save is retried.
    await s.custody.letGo(this.leaseEntry(client.sessionId, player), last);
    s.log.info({ room: this.roomId, character: player.name }, "player left");
  }

  private leaseEntry(
    sessionId: string,
    p: { characterId: string; name: string; accountId: string; organization: string },
  ): LeaseEntry {
    return {
      characterId: p.characterId,
      name: p.name,
      accountId: p.accountId,
      organization: p.organization,
      district: this.def.id,
      roomId: this.roomId,
      processId: matchMaker.processId,
      sessionId,
    };
  }

  /** SIGTERM / drain: every client is told to come back (4120) after its save. */
  override onBeforeShutdown(): void {
    this.disposing = true;
    this.disconnect(CloseCodes.DRAINING).catch(() => {});
  }

  override onDispose(): void {
    const s = svc();
    s.metrics.rooms.dec({ district: this.def.id });
    s.rooms.delete(this);
  }

  // ---- process-wide actions (LocalRoom) -----------------------------------

  closeAccountSessions(accountId: string, sessionId: string | null, code: number): number {
    let closed = 0;
    for (const client of this.clients) {
      if (
        client.auth?.accountId === accountId &&
        (sessionId === null || client.auth.authSessionId === sessionId)
      ) {
        this.closing.add(client.sessionId);
        client.leave(code);
        closed++;
      }
    }
    return closed;
  }

  async evictCharacter(characterId: string, code: number): Promise<boolean> {
    for (const [sessionId, player] of this.sessions) {
      if (player.characterId !== characterId) continue;
      const waiting = this.awaitingReconnect.get(sessionId);
      if (waiting) {
        // Ending the grace period runs onLeave: save, then release.
        waiting.reject(new Error("taken over by another session"));
        return true;
      }
      const client = this.clients.getById(sessionId);
      if (client) {
        this.closing.add(sessionId);
        client.leave(code, "character taken over by another session");
      }
      return true;
    }
    return false;
  }

  deliverChat(line: ChatLine, filter: ChatFilter): number {
    if (filter.district !== undefined && filter.district !== this.def.id) return 0;
    let delivered = 0;
    for (const client of this.clients) {
      const p = this.sessions.get(client.sessionId);
      if (!p) continue;
      if (filter.toCharacterId !== undefined && p.characterId !== filter.toCharacterId) continue;
      if (filter.organization !== undefined && p.organization !== filter.organization) continue;
      client.send("chat", line);
      delivered++;
    }
    return delivered;
  }

  announce(text: string, at: number): void {
    this.broadcast("announce", { text, at });
  }

  /** Queued here, applied right after the next step: never in the middle of a tick. */
  applyContent(revision: number, pack: ContentPack): void {
    this.pendingContent = { revision, pack };
  }

  private switchContent(next: { revision: number; pack: ContentPack }): void {
    this.pendingContent = undefined;
    const result = this.sim.applyContent(next.pack);
    // The simulation's pack: when the new pack lacks this district, it keeps what the district needs.
    this.content = this.sim.content;
    this.contentRevision = next.revision;
    this.dispatch(result.events);
    void this.setMetadata({ ...this.metadata, contentRevision: next.revision });
    svc().log.info(
      { room: this.roomId, district: this.def.id, revision: next.revision, warnings: result.warnings },
      "content revision applied",
    );
  }

  applyMute(accountId: string, until: number | null, reason: string | null): void {
    for (const client of this.clients) {
      if (client.auth?.accountId !== accountId) continue;
      client.auth.mutedUntil = until;
      client.auth.muteReason = reason;
      if (until) {
        client.send("error", {
          code: "muted",
          message: `You have been muted for ${humanDuration(until - Date.now())}`,
        });
      }
    }
  }

  /** For admin listings across processes (called through `matchMaker.remoteRoomCall`). */
  listPlayers(): PlayerListing[] {
    return [...this.sessions.values()].map((p) => ({
      characterId: p.characterId,
      name: p.name,
      organization: p.organization,
      district: this.def.id,
      roomId: this.roomId,
      processId: matchMaker.processId,
    }));
  }

  // ---- GM commands (called through matchMaker.remoteRoomCall from any process) ----

  /** One GM operation on this room; refusals come back as values (they cross processes as JSON). */
  async gmAct(
    op: GmOp,
  ): Promise<{ ok: true; value: unknown } | { ok: false; code: string; message: string }> {
    try {
      return { ok: true, value: await this.gmApply(op) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, code: err.code, message: err.message };
      svc().log.error({ err, op }, "GM operation failed");
      return { ok: false, code: "gm_failed", message: (err as Error).message };
    }
  }

  private async gmApply(op: GmOp): Promise<unknown> {
    // Both take effect at the next step, which emits npc_spawned / npc_despawned.
    if (op.op === "spawn") {
      if (!this.content.npc(op.template))
        throw new AppError("not_found", 404, `Unknown NPC template "${op.template}"`);
      return { npcIds: this.sim.gmSpawn(op.template, op.count, op.at) } satisfies GmOpResults["spawn"];
    }
    if (op.op === "despawn") {
      const template = this.sim.gmDespawn(op.npcId);
      if (!template) {
        throw new AppError(
          "not_found",
          404,
          `No GM-spawned NPC ${op.npcId} here (zone NPCs belong to the content pack)`,
        );
      }
      return { template } satisfies GmOpResults["despawn"];
    }
    const sessionId = [...this.sessions].find(([, p]) => p.characterId === op.characterId)?.[0];
    const meta = sessionId ? this.sessions.get(sessionId) : undefined;
    const player = sessionId ? this.sim.player(sessionId) : undefined;
    if (!sessionId || !meta || !player)
      throw new AppError("player_offline", 409, "That character left this room");
    const position = { x: player.x, y: player.y, z: player.z };
    const save = () => this.saveLater(sessionId);
    switch (op.op) {
      case "where":
        return { district: this.def.id, roomId: this.roomId, position } satisfies GmOpResults["where"];
      case "teleport": {
        const from = this.sim.gmTeleport(sessionId, op.to)!;
        const now = this.sim.player(sessionId)!;
        this.interest.move(sessionId, now.x, now.y);
        // A crowded view would otherwise catch up only at its next throttled refresh.
        this.interest.refresh(sessionId);
        save();
        return {
          from,
          to: { x: now.x, y: now.y, z: now.z },
          district: this.def.id,
        } satisfies GmOpResults["teleport"];
      }
      case "send": {
        const client = this.clients.getById(sessionId);
        if (!client) throw new AppError("player_offline", 409, `${meta.name} is reconnecting; try again`);
        if (!svc().districts.get(op.district))
          throw new AppError("unknown_district", 404, `Unknown district "${op.district}"`);
        await this.sendTo(client, op.district, op.to);
        return {
          from: position,
          fromDistrict: this.def.id,
          district: op.district,
        } satisfies GmOpResults["send"];
      }
      case "kick": {
        const waiting = this.awaitingReconnect.get(sessionId);
        if (waiting) {
          waiting.reject(new Error("kicked"));
          return { closed: true } satisfies GmOpResults["kick"];
        }
        const client = this.clients.getById(sessionId);
        if (!client) return { closed: false } satisfies GmOpResults["kick"];
        this.closing.add(sessionId);
        client.leave(CloseCodes.KICKED, op.reason.slice(0, 120));
        return { closed: true } satisfies GmOpResults["kick"];
      }
      case "heal": {
        const hpBefore = this.sim.gmHeal(sessionId)!;
        save();
        return { hpBefore, hp: this.sim.player(sessionId)!.hp } satisfies GmOpResults["heal"];
      }
      case "setstat": {
        const previous = this.sim.gmSetStat(sessionId, op.stat, op.value)!;
        meta.stats = this.sim.statsOf(sessionId) ?? meta.stats;
        save();
        return { previous, value: op.value } satisfies GmOpResults["setstat"];
      }
      case "inspect":
        return {
          characterId: meta.characterId,
          name: meta.name,
          organization: meta.organization,
          district: this.def.id,
          roomId: this.roomId,
          position,
          hp: player.hp,
          maxHp: player.maxHp,
          level: player.level,
          experience: player.experience,
          stats: this.sim.statsOf(sessionId) ?? meta.stats,
          missions: meta.missions,
          reputation: meta.reputation,
          invisible: meta.invisible,
        } satisfies GmOpResults["inspect"];
      case "invisible": {
        const previous = meta.invisible;
        meta.invisible = op.on;
        this.interest.setHidden(sessionId, op.on);
        return { previous } satisfies GmOpResults["invisible"];
      }
    }
  }

  // ---- messages ------------------------------------------------------------

  private admit(client: Client, type: string): boolean {
    const verdict = this.gate.admit(client, type);
    if (verdict === "disconnect") {
      this.closing.add(client.sessionId);
      client.leave(CloseCodes.KICKED, "message rate exceeded");
    }
    return verdict === "ok";
  }

  private error(client: Client, code: string, message: string): void {
    client.send("error", { code, message });
  }

  private handleChat(client: DistrictClient, payload: unknown): void {
    if (!this.admit(client, "chat")) return;
    const msg = this.gate.parse(client, "chat", ChatMessage, payload);
    if (!msg) return;
    const speaker = this.sim.player(client.sessionId);
    if (!speaker) return;
    const auth = client.auth;
    if (auth?.mutedUntil && auth.mutedUntil > Date.now()) {
      const left = humanDuration(auth.mutedUntil - Date.now());
      return this.error(
        client,
        "muted",
        `You are muted for ${left}${auth.muteReason ? `: ${auth.muteReason}` : ""}`,
      );
    }
    const line: ChatLine = { from: speaker.name, channel: msg.channel, text: msg.text, at: Date.now() };
    const s = svc();
    // Kept per speaker for a GM's `inspect`.
    svc()
      .chatBySpeaker.append(ChatHistory.speakerKey(speaker.name), line)
      .catch(() => {});
    switch (msg.channel) {
      case "say":
        for (const other of this.clients) {
          const p = this.sim.player(other.sessionId);
          if (p && Math.hypot(p.x - speaker.x, p.y - speaker.y) <= SAY_RADIUS) other.send("chat", line);
        }
        return;
      case "district":
        // Every instance of the district, on any process.
        return this.relay(client, { line, district: this.def.id }, ChatHistory.key("district", this.def.id));
      case "organization":
        return this.relay(
          client,
          { line, organization: speaker.organization },
          ChatHistory.key("organization", speaker.organization),
        );
      case "global":
        return this.relay(client, { line }, ChatHistory.key("global"));
      case "whisper":
        if (s.redis && !s.redis.up) return this.chatUnavailable(client);
        void this.whisper(client, speaker, line, msg.to!).catch(() => this.chatUnavailable(client));
        return;
    }
  }

  /** Chat beyond this room goes through the cluster bus; when that is down the speaker is told. */
  private relay(client: DistrictClient, event: ClusterEvents["mxo:chat"], historyKey: string): void {
    const s = svc();
    if (s.redis && !s.redis.up) return this.chatUnavailable(client);
    s.bus.send("mxo:chat", event).then(
      () => this.remember(historyKey, event.line),
      () => this.chatUnavailable(client),
    );
  }

  private chatUnavailable(client: DistrictClient): void {
    this.error(
      client,
      "unavailable",
      "Chat beyond those around you is unavailable right now; say still works",
    );
  }

  /** `ability {abilityId, targetId}`: a free attack (or an interlock opener) through the simulation. */
  private handleAbility(client: DistrictClient, payload: unknown): void {
    if (!this.admit(client, "ability")) return;
    const msg = this.gate.parse(client, "ability", AbilityMessage, payload);
    if (!msg || !this.sessions.has(client.sessionId)) return;
    const result = this.sim.useAbility(
      client.sessionId,
      msg.abilityId,
      msg.targetId,
      this.seenBy(client, msg.targetId),
    );
    if (!result.ok) this.error(client, result.error.code, result.error.message);
  }

  /**
   * Where this client saw an entity: its recorded position at the client's
   * render time (sent with its inputs), at most REWIND_MAX_MS back; live when
   * the client sent no stamp.
   */
  private seenBy(client: DistrictClient, entityId: string): { x: number; y: number } | undefined {
    const entity = this.state.players.get(entityId) ?? this.state.npcs.get(entityId);
    if (!entity) return undefined;
    const view = this.rewind.lastSeenBy(client.sessionId);
    return { x: view.value(entity, "x"), y: view.value(entity, "y") };
  }

  /** `interlock {action}`: this round's choice in close combat. */
  private handleInterlock(client: DistrictClient, payload: unknown): void {
    if (!this.admit(client, "interlock")) return;
    const msg = this.gate.parse(client, "interlock", InterlockMessage, payload);
    if (!msg || !this.sessions.has(client.sessionId)) return;
    const result = this.sim.interlock(client.sessionId, msg.action);
    if (!result.ok) this.error(client, result.error.code, result.error.message);
  }

  private remember(key: string, line: ChatLine): void {
    svc()
      .chatHistory.append(key, line)
      .catch((err) => svc().log.warn({ err }, "chat history write failed"));
  }

  /** `chat:history {channel}` → the recent lines of the caller's district, organization, or global. */
  private async handleChatHistory(client: DistrictClient, payload: unknown): Promise<void> {
    if (!this.admit(client, "chat")) return;
    const msg = this.gate.parse(client, "chat", ChatHistoryRequest, payload);
    const me = this.sessions.get(client.sessionId);
    if (!msg || !me) return;
    const key =
      msg.channel === "district"
        ? ChatHistory.key("district", this.def.id)
        : msg.channel === "organization"
          ? ChatHistory.key("organization", me.organization)
          : ChatHistory.key("global");
    const lines = await svc().chatHistory.recent(key);
    client.send("chat:history", { channel: msg.channel, lines });
  }

  private async whisper(
    client: DistrictClient,
    speaker: PlayerView,
    line: ChatLine,
    to: string,
  ): Promise<void> {
    const target = await svc().lease.findByName(to);
    if (!target) {
      this.error(client, "player_offline", `${to} is not online`);
      return;
    }
    await svc().bus.send("mxo:chat", { line, toCharacterId: target.characterId });
    if (target.characterId !== speaker.characterId) client.send("chat", { ...line, to: target.name });
  }

  /** Privileged commands: the same registry, checks and records as the admin HTTP API. */
  private async handleGm(client: DistrictClient, payload: unknown): Promise<void> {
    if (!this.admit(client, "gm")) return;
    const msg = this.gate.parse(client, "gm", CommandRequest, payload);
    if (!msg || !client.auth) return;
    const me = this.sessions.get(client.sessionId);
    const { accountId, authSessionId, username } = client.auth;
    let secondFactorMissing: boolean;
    try {
      // A player promoted to staff while in play has not passed the join-time check.
      secondFactorMissing = !(await svc().auth.staffMfaSatisfied(accountId, authSessionId));
    } catch (err) {
      const refusal = err instanceof AppError ? err : serviceUnavailable("GM commands");
      client.send("gm:result", {
        ok: false,
        code: refusal.code,
        httpStatus: refusal.status,
        message: refusal.message,
      });
      return;
    }
    // Permissions are read from the database by the registry: a demotion holds at once.
    const outcome = await svc().commands.run(
      { accountId, username, via: "game", characterName: me?.name, secondFactorMissing },
      msg.command,
      msg.args,
    );
    client.send("gm:result", outcome);
  }

  /** `gm:metrics {on}`: subscribe to (or leave) a once-a-second stream of server figures; GMs only. */
  private async handleGmMetrics(client: DistrictClient, payload: unknown): Promise<void> {
    if (!this.admit(client, "gm")) return;
    const msg = this.gate.parse(client, "gm", GmMetricsMessage, payload);
    if (!msg || !client.auth) return;
    if (!msg.on) {
      this.metricsWatchers.delete(client.sessionId);
      return;
    }
    if (!(await svc().permissions.can(client.auth.accountId, "gm.view.metrics"))) {
      return this.error(client, "forbidden", "Not permitted: the metrics stream needs gm.view.metrics");
    }
    this.metricsWatchers.add(client.sessionId);
  }

  private sendGmMetrics(): void {
    const w = this.tickWindow;
    this.tickWindow = { count: 0, total: 0, max: 0 };
    if (this.metricsWatchers.size === 0) return;
    const mem = process.memoryUsage();
    const figures = {
      at: Date.now(),
      processId: matchMaker.processId,
      roomId: this.roomId,
      district: this.def.id,
      players: this.sessions.size,
      npcs: this.state.npcs.size,
      processRooms: svc().rooms.size,
      ticks: w.count,
      tickMeanMs: w.count ? (w.total / w.count) * 1000 : 0,
      tickMaxMs: w.max * 1000,
      rssMb: Math.round(mem.rss / 1048576),
      heapUsedMb: Math.round(mem.heapUsed / 1048576),
      contentRevision: this.contentRevision,
    };
    for (const id of this.metricsWatchers) {
      const client = this.clients.getById(id);
      if (client) client.send("gm:metrics", figures);
      else this.metricsWatchers.delete(id);
    }
  }

  /**
   * District travel: save the character at the target's arrival point, reserve
   * a seat there (on whichever process hosts it), then let go of the character
   * here and hand the reservation to the client. On any failure the character
   * stays where it was.
   */
  private async handleTravel(client: DistrictClient, payload: unknown): Promise<void> {
    if (!this.admit(client, "travel")) return;
    const msg = this.gate.parse(client, "travel", TravelMessage, payload);
    if (!msg) return;
    const s = svc();
    const player = this.sessions.get(client.sessionId);
    if (!player || this.traveling.has(client.sessionId)) return;
    if (msg.district === this.def.id)
      return this.error(client, "already_here", `You are already in ${this.def.name}`);
    if (!s.districts.get(msg.district)) {
      return this.error(client, "unknown_district", `Unknown district "${msg.district}"`);
    }
    if (this.disposing)
      return this.error(client, "draining", "This server is restarting; join again to continue");
    if (s.redis && !s.redis.up)
      return this.error(client, "unavailable", "Travel is unavailable right now; try again shortly");

    await this.sendTo(client, msg.district).catch(() => {});
  }

  /**
   * Moves a player to another district, at `at` or its arrival hardline: save
   * there, reserve a seat (on whichever process hosts it), let go of the
   * character here, hand the client the reservation. On failure the
   * character stays where it was and the error is thrown.
   */
  private async sendTo(client: DistrictClient, district: string, at?: Point3): Promise<void> {
    const s = svc();
    const player = this.sessions.get(client.sessionId);
    if (!player) throw new AppError("not_here", 409, "Not in this district");
    if (this.traveling.has(client.sessionId)) throw new AppError("traveling", 409, "Already traveling");
    this.traveling.add(client.sessionId);
    this.sim.setInput(client.sessionId, {
      seq: this.sim.player(client.sessionId)?.ack ?? 0,
      moveX: 0,
      moveY: 0,
    });
    const here = this.snapshot(client.sessionId)!;
    const arrival = at ?? s.districts.arrivalPoint(district);
    const started = Date.now();
    try {
      const auth = client.auth!;
      const ticket = s.auth.issueTravelTicket(auth.accountId, auth.authSessionId, player.characterId);
      const reservation = await matchMaker.joinOrCreate(
        "district",
        { district, characterId: player.characterId },
        { token: ticket, headers: new Headers(), ip: "" },
      );
      // Stored at the target and let go in one statement; only then does this
      // copy go away, before the client can arrive there: never two copies,
      // and on failure the character simply stays here.
      await s.custody.handOff(this.leaseEntry(client.sessionId, player), { ...here, district, ...arrival });
      this.removePlayer(client.sessionId);
      this.handedOff.set(client.sessionId, { district, characterId: player.characterId });
      client.send("travel", { district, reservation });
      s.log.info(
        { character: player.name, from: this.def.id, to: district, ms: Date.now() - started },
        "travel",
      );
    } catch (err) {
      this.traveling.delete(client.sessionId);
      if (this.sessions.has(client.sessionId)) {
        if (isServiceFault(err))
          this.error(client, "unavailable", "Travel is unavailable right now; try again shortly");
        else
          this.error(client, "travel_failed", `Could not travel to ${district}: ${(err as Error).message}`);
      }
      s.log.warn({ err, character: player.name, to: district }, "travel failed");
      throw err;
    }
  }

  // ---- state ---------------------------------------------------------------

  private removePlayer(sessionId: string): void {
    const s = svc();
    const player = this.sessions.get(sessionId);
    if (!player) return;
    this.sessions.delete(sessionId);
    this.sim.removePlayer(sessionId);
    // Deleting from the state map also deletes it from every view that held it.
    this.interest.remove(sessionId);
    this.viewRates.delete(sessionId);
    this.state.players.delete(sessionId);
    s.metrics.playersOnline.dec({ district: this.def.id, organization: player.organization });
  }

  /**
   * Feeds positions to the interest grid and refreshes a share of the
   * observers each tick (all of them every `updateEveryTicks`), so the cost
   * per tick stays flat as the district fills up.
   */
  private updateInterest(): void {
    const every = svc().config.aoi.updateEveryTicks;
    const visible = svc().metrics.visibleEntities;
    for (const p of this.sim.players()) this.interest.move(p.sessionId, p.x, p.y);
    for (const n of this.sim.npcs()) this.interest.move(n.id, n.x, n.y);
    let i = 0;
    for (const client of this.clients) {
      if ((this.sim.tick + i++) % every !== 0) continue;
      this.applyInterest(client, this.interest.update(client.sessionId));
      this.scaleViewRates(client.sessionId);
      visible.observe(this.interest.visibleTo(client.sessionId).size);
    }
  }

  private applyInterest(client: DistrictClient, change: { enter: string[]; leave: string[] }): void {
    const view = client.view;
    if (!view) return;
    for (const id of change.enter) {
      const entity = this.state.players.get(id) ?? this.state.npcs.get(id);
      if (entity) view.add(entity);
    }
    for (const id of change.leave) {
      const entity = this.state.players.get(id) ?? this.state.npcs.get(id);
      if (entity && view.has(entity)) view.remove(entity);
    }
  }

  private publish(): void {
    this.state.tick = this.sim.tick;
    for (const player of this.sim.players()) {
      const view = this.state.players.get(player.sessionId);
      if (view) this.copyPlayer(player, view);
    }
    for (const npc of this.sim.npcs()) {
      const view = this.state.npcs.get(npc.id);
      if (view) this.copyNpc(npc, view);
    }
  }

  /** Schema setters only record a change when the value differs, so unchanged fields cost nothing. */
  private copyPlayer(p: PlayerView, v: PlayerState): void {
    v.x = p.x;
    v.y = p.y;
    v.z = p.z;
    v.heading = p.heading;
    v.hp = p.hp;
    v.maxHp = p.maxHp;
    v.level = p.level;
    v.ack = p.ack;
  }

  private copyNpc(n: NpcView, v: NpcState): void {
    v.x = n.x;
    v.y = n.y;
    v.z = n.z;
    v.hp = n.hp;
    v.maxHp = n.maxHp;
  }

  /**
   * Game events leave the tick here: NPCs enter or leave the state, players
   * hear about their fights, and loot goes to the ledger (never awaited in
   * the tick; the idempotency key makes a retried grant harmless).
   */
  private dispatch(events: GameEvent[]): void {
    const s = svc();
    for (const e of events) {
      switch (e.kind) {
        case "npc_spawned": {
          const npc = this.sim.npc(e.npcId);
          if (!npc) break;
          let view = this.state.npcs.get(npc.id);
          if (!view) {
            view = new NpcState();
            view.template = npc.template;
            view.name = npc.name;
            this.state.npcs.set(npc.id, view);
          }
          this.copyNpc(npc, view);
          this.interest.move(npc.id, npc.x, npc.y);
          break;
        }
        case "effect":
          this.tell([e.casterId, e.targetId], "combat", e);
          break;
        case "escorted":
          this.missionEvent(e.sessionId, { kind: "escorted", template: e.template });
          break;
        case "npc_changed": {
          const view = this.state.npcs.get(e.npcId);
          if (view) {
            view.template = e.template;
            view.name = e.name;
            view.hp = e.hp;
            view.maxHp = e.maxHp;
          }
          break;
        }
        case "npc_despawned":
          this.firstHit.delete(e.npcId);
          this.interest.remove(e.npcId);
          this.state.npcs.delete(e.npcId);
          break;
        case "invalid_input":
          s.metrics.messages.inc({ type: "input", result: "invalid" });
          break;
        case "combat": {
          const ev = e.event as {
            type: string;
            interlockId?: string;
            attackerId?: string;
            targetId?: string;
          };
          // Round events name the duel, not its fighters: the room remembers who fights in which.
          if (ev.type === "interlock_started" && ev.interlockId) {
            this.duels.set(ev.interlockId, { a: ev.attackerId!, b: ev.targetId!, tick: e.tick });
          }
          const fighters = ev.interlockId ? this.duels.get(ev.interlockId) : undefined;
          if (ev.type === "interlock_ended" && ev.interlockId) {
            this.duels.delete(ev.interlockId);
            if (fighters) {
              s.metrics.combatDuration.observe(
                { combat_type: "interlock" },
                (e.tick - fighters.tick) / this.sim.tickRate,
              );
            }
          }
          if (
            ev.type === "damage" &&
            ev.targetId &&
            this.sim.npc(ev.targetId) &&
            !this.firstHit.has(ev.targetId)
          ) {
            this.firstHit.set(ev.targetId, e.tick);
          }
          const to = participants(e.event, this.sessions);
          if (fighters) to.push(...[fighters.a, fighters.b].filter((id) => this.sessions.has(id)));
          this.tell(to, "combat", fighters ? { ...e, fighters: { a: fighters.a, b: fighters.b } } : e);
          break;
        }
        case "death": {
          this.tell([e.id, e.killerId], "combat", e);
          if (e.entity === "player") {
            this.analytics(e.id, "death", undefined, {
              killer: this.sessions.get(e.killerId)?.name ?? e.killerId,
            });
            if (this.sessions.has(e.killerId)) {
              this.analytics(e.killerId, "pvp_result", undefined, {
                result: "win",
                opponent: this.sessions.get(e.id)?.name,
              });
              this.analytics(e.id, "pvp_result", undefined, {
                result: "loss",
                opponent: this.sessions.get(e.killerId)?.name,
              });
            }
          }
          s.metrics.kills.inc({ district: this.def.id, victim: e.entity });
          const since = this.firstHit.get(e.id);
          if (since !== undefined) {
            this.firstHit.delete(e.id);
            s.metrics.combatDuration.observe({ combat_type: "free" }, (e.tick - since) / this.sim.tickRate);
          }
          break;
        }
        case "respawn":
        case "xp":
          this.tell([e.sessionId], "combat", e);
          break;
        case "level_up":
          this.tell([e.sessionId], "combat", e);
          this.analytics(e.sessionId, "level_up", e.level);
          break;
        case "kill":
          this.tell([e.sessionId], "combat", e);
          this.missionEvent(e.sessionId, { kind: "kill", template: e.template });
          break;
        case "loot":
          this.tell([e.sessionId], "combat", e);
          this.grantLoot(e);
          for (const item of e.items) {
            this.missionEvent(e.sessionId, { kind: "item", item: item.itemId, count: item.quantity });
          }
          break;
      }
    }
  }

  /**
   * `loadout {abilities}`: load abilities at a hardline, within the memory
   * budget of the character's level. Answered with `loadout {kind:"current", …}`
   * or an `error`; a refused loadout changes nothing.
   */
  private handleLoadout(client: DistrictClient, payload: unknown): void {
    if (!this.admit(client, "loadout")) return;
    const msg = this.gate.parse(client, "loadout", LoadoutMessage, payload);
    const player = this.sim.player(client.sessionId);
    if (!msg || !player) return;
    if (player.dead) return this.error(client, "dead", "You cannot change your loadout while defeated");
    if (player.interlockId) return this.error(client, "in_combat", "Finish your fight first");
    const near = nearestHardline(
      this.sim.district.hardlines.filter((h) => h.loadout !== false),
      player,
    );
    if (!near || near.distance > HARDLINE_REACH) {
      return this.error(
        client,
        "not_at_hardline",
        near
          ? `Load abilities at a hardline: ${near.hardline.name} is ${Math.round(near.distance)} units away`
          : "This district has no hardline",
      );
    }
    const result = this.sim.setLoadout(client.sessionId, msg.abilities);
    if (!result.ok) return this.error(client, result.code, result.message);
    this.saveLater(client.sessionId);
    client.send("loadout", this.loadoutMessage(client.sessionId));
  }

  /** The loaded abilities, memory and budget, and every ability the character knows (for a loadout screen). */
  private loadoutMessage(sessionId: string) {
    const current = this.sim.loadoutOf(sessionId);
    const level = this.sim.player(sessionId)?.level ?? 1;
    const catalog = this.content.abilities
      .filter((a) => knows(a.id, level, this.sim.loadoutLookup))
      .map((a) => ({
        id: a.id,
        name: a.name,
        tree: a.tree,
        kind: a.kind,
        target: a.target,
        range: a.range,
        cooldown: a.cooldown,
        innerStrength: a.innerStrength,
        memoryCost: a.memoryCost,
        loaded: current?.abilities.includes(a.id) ?? false,
      }));
    return { kind: "current", ...current, catalog };
  }

  /**
   * `interact {target}`: talk to a contact of this district (content id) or an
   * NPC in the room (its id) within reach. It advances `meet` objectives and
   * answers `interact {kind:"met", …}` with who it was.
   */
  private handleInteract(client: DistrictClient, payload: unknown): void {
    if (!this.admit(client, "interact")) return;
    const msg = this.gate.parse(client, "interact", InteractMessage, payload);
    const player = this.sim.player(client.sessionId);
    if (!msg || !player) return;
    if (player.dead) return this.error(client, "dead", "You cannot talk while defeated");
    const contact = this.content.contact(msg.target);
    if (contact) {
      if (contact.location.district !== this.def.id) {
        return this.error(client, "too_far", `${contact.name} is in ${contact.location.district}`);
      }
      const distance = Math.hypot(contact.location.x - player.x, contact.location.y - player.y);
      if (distance > contact.location.radius + INTERACT_REACH) {
        return this.error(client, "too_far", `${contact.name} is ${Math.round(distance)} units away`);
      }
      client.send("interact", {
        kind: "met",
        target: contact.id,
        name: contact.name,
        description: contact.description,
      });
      this.missionEvent(client.sessionId, { kind: "meet", contact: contact.id });
      return;
    }
    const npc = this.sim.npc(msg.target);
    if (!npc || npc.state === "dead")
      return this.error(client, "not_found", `Nobody called "${msg.target}" is here`);
    const distance = Math.hypot(npc.x - player.x, npc.y - player.y);
    if (distance > INTERACT_REACH) {
      return this.error(client, "too_far", `${npc.name} is ${Math.round(distance)} units away`);
    }
    client.send("interact", { kind: "met", target: npc.id, name: npc.name, template: npc.template });
    this.missionEvent(client.sessionId, { kind: "meet", contact: npc.template });
  }

  /** `mission {action, missionId}`: accept or abandon; progress comes from kills and loot. */
  private handleMission(client: DistrictClient, payload: unknown): void {
    if (!this.admit(client, "mission")) return;
    const msg = this.gate.parse(client, "mission", MissionMessage, payload);
    const meta = this.sessions.get(client.sessionId);
    const player = this.sim.player(client.sessionId);
    if (!msg || !meta || !player) return;
    if (msg.action === "turn_in") {
      const done = completeIfDone(meta.missions, msg.missionId);
      if (!done) {
        return this.error(client, "not_ready", `Mission "${msg.missionId}" is not active or not done yet`);
      }
      this.completeMission(client.sessionId, done);
      return;
    }
    if (msg.action === "abandon") {
      const result = abandonMission(meta.missions, msg.missionId);
      if (!result.ok) return this.error(client, result.error, `Mission "${msg.missionId}" is not active`);
      const abandoned = meta.missions.active.find((m) => m.missionId === msg.missionId);
      meta.missions = result.state;
      for (const e of this.sim.escortsOf(client.sessionId)) {
        if (
          abandoned?.objectives.some(
            (o) => o.objective.kind === "escort" && o.objective.template === e.template,
          )
        ) {
          this.sim.endEscort(e.npcId);
        }
      }
      client.send("mission", { kind: "abandoned", missionId: msg.missionId });
      return;
    }
    const def = this.content.mission(msg.missionId);
    if (!def) return this.error(client, "unknown_mission", `Unknown mission "${msg.missionId}"`);
    if (def.organization && def.organization !== meta.organization) {
      return this.error(client, "wrong_organization", `${def.name} is for the ${def.organization} only`);
    }
    const missing = def.prerequisites.filter((p) => !meta.missions.completed[p]);
    if (missing.length > 0) {
      return this.error(client, "prerequisites_missing", `${def.name} needs ${missing.join(", ")} first`);
    }
    const result = acceptMission(meta.missions, toMissionDef(def), player.level);
    if (!result.ok) {
      const reasons: Record<string, string> = {
        already_active: `${def.name} is already active`,
        already_completed: `${def.name} is done and cannot be repeated`,
        level_too_low: `${def.name} needs level ${def.requiredLevel}`,
        too_many_active: "Too many active missions; abandon one first",
        unknown_mission: `Unknown mission "${msg.missionId}"`,
        not_active: `${def.name} is not active`,
      };
      return this.error(client, result.error, reasons[result.error] ?? result.error);
    }
    meta.missions = result.state;
    const active = meta.missions.active.find((m) => m.missionId === def.id);
    client.send("mission", { kind: "accepted", missionId: def.id, objectives: active?.objectives ?? [] });
    this.startEscorts(client.sessionId, def.id);
  }

  /**
   * Escort objectives of active missions (one mission, or all) whose
   * destination lies in this district and that are not done: the NPC appears
   * by the player and follows it (`mission {kind:"escort", npcId, to}`).
   */
  private startEscorts(sessionId: string, missionId?: string): void {
    const meta = this.sessions.get(sessionId);
    if (!meta) return;
    for (const m of meta.missions.active) {
      if (missionId !== undefined && m.missionId !== missionId) continue;
      for (const { objective, progress } of m.objectives) {
        if (objective.kind !== "escort" || progress >= 1) continue;
        const content = this.content
          .mission(m.missionId)
          ?.objectives.find((o) => o.kind === "escort" && o.template === objective.template);
        if (content?.kind !== "escort" || content.to.district !== this.def.id) continue;
        if (this.sim.escortsOf(sessionId).some((e) => e.template === objective.template)) continue;
        const npcId = this.sim.startEscort(sessionId, objective.template, objective.to);
        if (npcId) {
          this.tell([sessionId], "mission", {
            kind: "escort",
            missionId: m.missionId,
            npcId,
            template: objective.template,
            to: objective.to,
          });
        }
      }
    }
  }

  /** Feeds one event to a player's missions, reports progress, pays completed ones. */
  private missionEvent(sessionId: string, event: MissionEvent): void {
    const meta = this.sessions.get(sessionId);
    if (!meta || meta.missions.active.length === 0) return;
    const before = JSON.stringify(meta.missions.active);
    meta.missions = applyEvent(meta.missions, event);
    if (JSON.stringify(meta.missions.active) === before) return;
    for (const m of meta.missions.active) {
      this.tell([sessionId], "mission", {
        kind: "progress",
        missionId: m.missionId,
        objectives: m.objectives,
      });
    }
    for (const m of [...meta.missions.active]) {
      const done = completeIfDone(meta.missions, m.missionId);
      if (done) this.completeMission(sessionId, done);
    }
  }

  /**
   * A mission's objectives are met. Rewards: experience through the
   * simulation, reputation on the character, items and information through the
   * ledger under a key unique to this completion, so a retry never pays twice.
   * A mission with `collect` objectives first hands the items in, in the same
   * ledger batch as its rewards: all or nothing.
   */
  private completeMission(sessionId: string, done: MissionCompletion): void {
    if (done.consumed.length > 0) {
      void this.turnIn(sessionId, done);
      return;
    }
    const meta = this.sessions.get(sessionId)!;
    this.finishMission(sessionId, done);
    const legs = this.rewardLegs(meta.characterId, done);
    if (legs.length > 0) {
      svc()
        .ledger.applyAll({
          legs,
          idempotencyKey: missionKey(meta.characterId, done),
          reason: `mission ${done.missionId}`,
          actor: "game",
        })
        .catch((err) => svc().log.error({ err, character: meta.name }, "mission reward grant failed"));
    }
  }

  /**
   * Takes the collected items and pays the rewards in one ledger batch, then
   * completes. Refused (the items are no longer all there): the mission stays
   * active and the player is told; `mission {action:"turn_in"}` tries again.
   * If the player leaves meanwhile, the mission stays active and the next
   * attempt replays the same key: nothing is taken or paid twice.
   */
  private async turnIn(sessionId: string, done: MissionCompletion): Promise<void> {
    const s = svc();
    const meta = this.sessions.get(sessionId);
    if (!meta || meta.turningIn.has(done.missionId)) return;
    meta.turningIn.add(done.missionId);
    try {
      await s.ledger.applyAll({
        legs: [
          ...done.consumed.map((c) => ({
            characterId: meta.characterId,
            itemId: c.item,
            quantity: -c.count,
            kind: "mission_turn_in" as const,
          })),
          ...this.rewardLegs(meta.characterId, done),
        ],
        idempotencyKey: missionKey(meta.characterId, done),
        reason: `mission ${done.missionId}`,
        actor: "game",
      });
      if (this.sessions.get(sessionId) !== meta) return;
      const now = completeIfDone(meta.missions, done.missionId);
      if (now && now.completion === done.completion) this.finishMission(sessionId, now);
    } catch (err) {
      if (err instanceof InsufficientQuantityError) {
        const needs = done.consumed.map((c) => `${c.count} ${c.item}`).join(", ");
        this.tell([sessionId], "mission", {
          kind: "turn_in_failed",
          missionId: done.missionId,
          message: `Hand in ${needs}: you no longer hold them all`,
        });
      } else {
        s.log.error({ err, character: meta.name, mission: done.missionId }, "mission turn-in failed");
      }
    } finally {
      meta.turningIn.delete(done.missionId);
    }
  }

  private rewardLegs(characterId: string, done: MissionCompletion) {
    const info = this.content.mission(done.missionId)?.rewards.info ?? 0;
    const legs = done.rewards.items.map((i) => ({
      characterId,
      itemId: i.item,
      quantity: i.count,
      kind: "mission_reward" as const,
    }));
    if (info > 0) legs.push({ characterId, itemId: CURRENCY, quantity: info, kind: "mission_reward" });
    return legs;
  }

  private finishMission(sessionId: string, done: MissionCompletion): void {
    const s = svc();
    const meta = this.sessions.get(sessionId)!;
    meta.missions = done.state;
    meta.reputation = applyReputationRewards(meta.reputation, done.rewards.reputation);
    this.sim.awardExperience(sessionId, done.rewards.xp);
    const info = this.content.mission(done.missionId)?.rewards.info ?? 0;
    s.metrics.missionsCompleted.inc({ district: this.def.id });
    this.analytics(sessionId, "mission_complete", 1, {
      missionId: done.missionId,
      completion: done.completion,
    });
    for (const i of done.rewards.items) {
      this.analytics(sessionId, "item_acquired", i.count, { itemId: i.item, source: "mission" });
    }
    if (info > 0) this.analytics(sessionId, "currency_earned", info, { source: "mission" });
    // Completion and reputation are worth a save now rather than at the next autosave.
    this.saveLater(sessionId);
    this.tell([sessionId], "mission", {
      kind: "completed",
      missionId: done.missionId,
      completion: done.completion,
      rewards: { ...done.rewards, info },
      handedIn: done.consumed,
      reputation: meta.reputation,
    });
  }

  /** One analytics event about a player here (buffered; written in batches, never awaited). */
  private analytics(
    sessionId: string,
    kind: GameEventKind,
    amount?: number,
    data?: Record<string, unknown>,
  ): void {
    const meta = this.sessions.get(sessionId);
    if (!meta) return;
    svc().events.record({
      kind,
      accountId: meta.accountId,
      characterId: meta.characterId,
      district: this.def.id,
      amount,
      data,
    });
  }

  private tell(sessionIds: Iterable<string>, type: string, message: unknown): void {
    for (const id of new Set(sessionIds)) this.clients.getById(id)?.send(type, message);
  }

  private grantLoot(e: Extract<GameEvent, { kind: "loot" }>): void {
    const s = svc();
    const who = this.sessions.get(e.sessionId);
    if (!who) return;
    for (const i of e.items)
      this.analytics(e.sessionId, "item_acquired", i.quantity, { itemId: i.itemId, source: "loot" });
    if (e.info > 0) this.analytics(e.sessionId, "currency_earned", e.info, { source: "loot" });
    const legs = e.items.map((i) => ({
      characterId: who.characterId,
      itemId: i.itemId,
      quantity: i.quantity,
      kind: "loot" as const,
    }));
    if (e.info > 0)
      legs.push({ characterId: who.characterId, itemId: CURRENCY, quantity: e.info, kind: "loot" });
    if (legs.length === 0) return;
    s.ledger
      .applyAll({
        legs,
        idempotencyKey: `loot:${this.roomId}:${e.npcId}:${e.tick}`,
        reason: `${e.template} loot`,
        actor: "game",
      })
      .catch((err) => s.log.error({ err, character: who.name }, "loot grant failed"));
  }

  private autosave(): void {
    for (const sessionId of this.sessions.keys()) this.saveLater(sessionId);
  }

  /**
   * Hands the player's state to the write-behind store. Not while it travels:
   * the travel saved it in the target district, and a snapshot taken here
   * meanwhile would land after that save and put it back in this district.
   */
  private saveLater(sessionId: string): void {
    if (this.traveling.has(sessionId)) return;
    const snapshot = this.snapshot(sessionId);
    if (snapshot) svc().characters.enqueue(snapshot);
  }

  private snapshot(sessionId: string): CharacterSnapshot | undefined {
    const meta = this.sessions.get(sessionId);
    const p = this.sim.player(sessionId);
    if (!meta || !p) return undefined;
    const loadout = this.sim.loadoutOf(sessionId);
    return {
      id: meta.characterId,
      district: this.def.id,
      x: p.x,
      y: p.y,
      z: p.z,
      heading: p.heading,
      // A character saved while dead comes back alive where it fell.
      hp: p.dead ? p.maxHp : Math.max(1, Math.round(p.hp)),
      maxHp: p.maxHp,
      level: p.level,
      experience: p.experience,
      stats: meta.stats,
      missions: meta.missions,
      reputation: meta.reputation,
      loadout: loadout?.custom ? loadout.abilities : null,
    };
  }
}

function missionKey(characterId: string, done: MissionCompletion): string {
  return `mission:${characterId}:${done.missionId}:${done.completion}`;
}

/** How close a player must stand to talk to someone (beyond a contact's own radius), in world units. */
const INTERACT_REACH = 6;

/** How close to a hardline a player must stand to change its loadout (world units). */
const HARDLINE_REACH = 12;

function nearestHardline(
  hardlines: readonly { name: string; x: number; y: number }[],
  p: { x: number; y: number },
): { hardline: { name: string }; distance: number } | undefined {
  let best: { hardline: { name: string }; distance: number } | undefined;
  for (const h of hardlines) {
    const distance = Math.hypot(h.x - p.x, h.y - p.y);
    if (!best || distance < best.distance) best = { hardline: h, distance };
  }
  return best;
}

/** The sessions of this room named anywhere in a combat event (caster, target, fighters…). */
function participants(event: object, sessions: ReadonlyMap<string, unknown>): string[] {
  const out: string[] = [];
  for (const value of Object.values(event))
    if (typeof value === "string" && sessions.has(value)) out.push(value);
  return out;
}
