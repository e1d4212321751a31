import {
  CloseCode,
  matchMaker,
  Room,
  ServerError,
  type Client,
  type Deferred,
  type Rewind,
} from "@colyseus/core";
import { DistrictState } from "../schema/DistrictState.js";
import { MoveInput } from "../schema/MoveInput.js";
import { ClientViews } from "../src/aoi/ClientViews.js";
import { InterestManager } from "../src/aoi/InterestManager.js";
import type { GameEventKind } from "../src/analytics/GameEvents.js";
import type { Principal } from "../src/auth/AuthService.js";
import type { LeaseEntry } from "../src/cluster/CharacterLease.js";
import type { ChatLine } from "../src/cluster/ClusterBus.js";
import { humanDuration } from "../src/commands/args.js";
import type { ContentPack } from "../src/content/ContentPack.js";
import type { DistrictDef } from "../src/content/districts.js";
import { DistrictSimulation } from "../src/mxo/rules/simulation/DistrictSimulation.js";
import type { GmOp, Point3 } from "../src/gm/GmOp.js";
import { MessageGate } from "../src/messaging/MessageGate.js";
import { JoinOptions } from "../src/mxo/contract/clientMessages.js";
import { meterClient, type Traffic } from "../src/metrics/meterClient.js";
import { characterSnapshot, enterDistrict } from "../src/mxo/zone/characterMapping.js";
import type { DistrictContext, Member } from "../src/mxo/zone/DistrictContext.js";
import { DistrictMirror } from "../src/mxo/zone/DistrictMirror.js";
import {
  districtServices as svc,
  type DistrictAuth,
  type DistrictClient,
  type PlayerListing,
} from "../src/mxo/zone/DistrictServices.js";
import { GmMetricsStream } from "../src/mxo/zone/GmMetricsStream.js";
import { GmOps } from "../src/mxo/zone/GmOps.js";
import { DISTRICT_HANDLERS, loadoutMessage } from "../src/mxo/zone/handlers/index.js";
import { MissionDesk } from "../src/mxo/zone/MissionDesk.js";
import { StepEffects } from "../src/mxo/zone/StepEffects.js";
import { Travel } from "../src/mxo/zone/Travel.js";
import { InputFrameGuard } from "../src/net/InputFrameGuard.js";
import { isProtocolAbuseClose } from "../src/net/protocolCloses.js";
import type { ChatFilter, LocalRoom } from "../src/server/LocalRooms.js";
import { AppError } from "../src/util/errors.js";
import { CloseCodes } from "../src/framework/contract/closeCodes.js";
import { isServiceFault } from "../src/util/faults.js";

/** Lag compensation window: a shot is judged at most this far in the past. */
const REWIND_MAX_MS = 300;
/** How often subscribed GMs get `gm:metrics`. */
const GM_METRICS_INTERVAL_MS = 1000;
/** What a client is told when a backing service (database, Redis) fails under its join. */
const UNAVAILABLE = "The game service is unavailable right now; try again shortly";

/**
 * A district: the room lifecycle (auth, join and custody of the character,
 * leave, drop and reconnect, the fixed step, autosave, drain) around the MxO
 * modules in src/mxo/zone — message handlers, step effects, missions, GM
 * operations, travel. Game rules do not live here.
 */
export class DistrictRoom
  extends Room<{ state: DistrictState; client: DistrictClient; input: MoveInput }>
  implements LocalRoom, DistrictContext
{
  override inputs = this.defineInput(MoveInput, { seqField: "seq", bufferMaxSize: 64 });
  override state = new DistrictState();

  def!: DistrictDef;
  content!: ContentPack;
  contentRevision: number | null = null;
  sim!: DistrictSimulation;
  readonly members = new Map<string, Member>();
  readonly missions: MissionDesk = new MissionDesk(this);
  readonly gmMetrics = new GmMetricsStream();
  disposing = false;
  private pendingContent: { revision: number; pack: ContentPack } | undefined;
  private interest!: InterestManager;
  private views!: ClientViews;
  private mirror!: DistrictMirror;
  private effects!: StepEffects;
  private gmOps!: GmOps;
  private travel!: Travel;
  /** Recent positions of everyone, so a ranged shot is judged where the shooter saw its target. */
  private rewind!: Rewind;
  private traffic!: Traffic;
  private gate!: MessageGate;
  /** Sessions the server is closing on purpose: no reconnection grace for them. */
  private closing = new Set<string>();
  /** Dropped sessions waiting for their client, so a takeover can end the wait. */
  private awaitingReconnect = new Map<string, Deferred<DistrictClient>>();

  get services() {
    return svc();
  }

  /** Runs at matchmaking, before a room is created or a seat reserved. */
  static override async onAuth(token: string, options: unknown): Promise<DistrictAuth> {
    const s = svc();
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
    const visible = s.metrics.visibleEntities;
    this.views = new ClientViews(
      this.interest,
      s.config.aoi,
      (id) => this.state.players.get(id) ?? this.state.npcs.get(id),
      (n) => visible.observe(n),
    );
    this.mirror = new DistrictMirror(this.sim, this.state, this.interest);
    this.effects = new StepEffects(this, this.mirror);
    this.gmOps = new GmOps(this, this.interest, (id, reason) => this.kick(id, reason));
    this.travel = new Travel(this, {
      snapshot: (id) => characterSnapshot(this, id),
      leaseEntry: (id) => this.leaseEntry(id),
      removePlayer: (id) => this.removePlayer(id),
      close: (client, code, reason) => this.close(client, code, reason),
    });
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
      onAbuse: (client, reason) => this.close(client, CloseCodes.KICKED, reason),
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

    this.setFixedTimestep(() => this.runTick(), s.config.tickRate);
    this.clock.setInterval(() => this.autosave(), s.config.autosaveSeconds * 1000);
    this.clock.setInterval(() => this.gmMetrics.send(this), GM_METRICS_INTERVAL_MS);
    for (const h of DISTRICT_HANDLERS) {
      this.onMessage(h.type, (client, payload) => {
        if (!this.admit(client, h.gate ?? h.type)) return;
        const msg = this.gate.parse(client, h.gate ?? h.type, h.schema, payload);
        if (msg === undefined) return;
        Promise.resolve(h.handle(this, client, msg)).catch((err: unknown) => {
          // A handler that lost its backing service tells the player; anything else is a bug, logged.
          if (isServiceFault(err)) return this.error(client, "unavailable", UNAVAILABLE);
          svc().log.error({ err, type: h.type }, "message handler failed");
        });
      });
    }
    this.onMessage("*", (client, type) => {
      if (this.admit(client, String(type))) this.gate.unknown(client, type);
    });
  }

  /** One fixed step: inputs in, the simulation, its effects, a content swap at the boundary, state and views out. */
  private runTick(): void {
    const s = svc();
    const started = process.hrtime.bigint();
    for (const sessionId of this.members.keys()) {
      // One input per tick: the server applies buffered inputs in order and
      // keeps the last intent when the buffer is empty.
      const input = this.inputs.get(sessionId).next();
      if (input && !this.travel.isTraveling(sessionId)) {
        this.sim.setInput(sessionId, { seq: input.seq, moveX: input.moveX, moveY: input.moveY });
      }
    }
    this.effects.apply(this.sim.step());
    if (this.pendingContent) this.switchContent(this.pendingContent);
    this.mirror.publish();
    for (const p of this.sim.players()) this.interest.move(p.sessionId, p.x, p.y);
    for (const n of this.sim.npcs()) this.interest.move(n.id, n.x, n.y);
    this.views.update(this.clients, this.sim.tick);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.gmMetrics.recordTick(seconds);
    s.metrics.tickDuration.observe({ district: this.def.id }, seconds);
    if (seconds > 1 / s.config.tickRate) s.metrics.tickOverruns.inc({ district: this.def.id });
  }

  override async onJoin(client: DistrictClient): Promise<void> {
    const s = svc();
    const auth = client.auth;
    if (!auth) throw new ServerError(401, "Not authenticated");
    // onAuth checked that the account owns the character; the lease and the
    // claim come first and the load after them, so the state read is the one
    // the last holder (on any process) stored before letting go.
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
      throw joinError(err);
    }
    try {
      if (character.accountId !== auth.accountId)
        throw new ServerError(403, "Character not found on this account");
      const member = enterDistrict(this, client.sessionId, character);
      this.members.set(client.sessionId, member);
      const own = this.mirror.addPlayer(client.sessionId)!;
      meterClient(client, this.traffic);
      // Others come into this client's view through the interest manager; itself, always.
      this.views.open(client, own);
      s.metrics.playersOnline.inc({ district: this.def.id, organization: member.organization });
      client.send("loadout", loadoutMessage(this, client.sessionId));
      // What a client shows in its mission log after a reload or a move to another process.
      client.send("mission", {
        kind: "state",
        active: member.missions.active,
        completed: member.missions.completed,
      });
      // An escort under way picks up again where its player is.
      this.missions.startEscorts(client.sessionId);
      s.log.info({ room: this.roomId, district: this.def.id, character: member.name }, "player joined");
    } catch (err) {
      this.removePlayer(client.sessionId);
      this.sim.removePlayer(client.sessionId);
      await s.custody.abandon(entry);
      throw err;
    }
  }

  override onDrop(client: DistrictClient, code?: number): void {
    // Colyseus closes a client with 4002 when its frame cannot be decoded (or it
    // blew through the backstop rate): count it like any other malformed input.
    if (code === CloseCode.WITH_ERROR) svc().metrics.messages.inc({ type: "protocol", result: "malformed" });
    // A failed onJoin also lands here: nothing to hold for that client.
    if (!this.members.has(client.sessionId)) return;
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
      const done = () => this.awaitingReconnect.delete(client.sessionId);
      wait.then(done, done);
    }
  }

  /** A reconnected client starts with a fresh connection: rebuild its view from scratch. */
  override onReconnect(client: DistrictClient): void {
    const own = this.state.players.get(client.sessionId);
    if (!own) return void this.travel.follow(client);
    meterClient(client, this.traffic);
    this.views.open(client, own, true);
  }

  override async onLeave(client: DistrictClient): Promise<void> {
    const s = svc();
    this.gate.forget(client.sessionId);
    this.closing.delete(client.sessionId);
    this.travel.forget(client.sessionId);
    const entry = this.leaseEntry(client.sessionId);
    if (!entry) return;
    const last = characterSnapshot(this, client.sessionId);
    this.removePlayer(client.sessionId);
    // The last state is stored before the character is free for anyone else;
    // while the database is down it stays held here and the save is retried.
    await s.custody.letGo(entry, last);
    s.log.info({ room: this.roomId, character: entry.name }, "player left");
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
      if (client.auth?.accountId !== accountId) continue;
      if (sessionId !== null && client.auth.authSessionId !== sessionId) continue;
      this.close(client, code);
      closed++;
    }
    return closed;
  }

  async evictCharacter(characterId: string, code: number): Promise<boolean> {
    const sessionId = this.sessionOf(characterId);
    if (!sessionId) return false;
    const waiting = this.awaitingReconnect.get(sessionId);
    // Ending the grace period runs onLeave: save, then release.
    if (waiting) waiting.reject(new Error("taken over by another session"));
    else {
      const client = this.clients.getById(sessionId);
      if (client) this.close(client, code, "character taken over by another session");
    }
    return true;
  }

  deliverChat(line: ChatLine, filter: ChatFilter): number {
    if (filter.district !== undefined && filter.district !== this.def.id) return 0;
    let delivered = 0;
    for (const client of this.clients) {
      const p = this.members.get(client.sessionId);
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
    this.effects.apply(result.events);
    void this.setMetadata({ ...this.metadata, contentRevision: next.revision });
    const log = {
      room: this.roomId,
      district: this.def.id,
      revision: next.revision,
      warnings: result.warnings,
    };
    svc().log.info(log, "content revision applied");
  }

  applyMute(accountId: string, until: number | null, reason: string | null): void {
    for (const client of this.clients) {
      if (client.auth?.accountId !== accountId) continue;
      client.auth.mutedUntil = until;
      client.auth.muteReason = reason;
      if (until) this.error(client, "muted", `You have been muted for ${humanDuration(until - Date.now())}`);
    }
  }

  /** For admin listings across processes (called through `matchMaker.remoteRoomCall`). */
  listPlayers(): PlayerListing[] {
    return [...this.members.values()].map((p) => ({
      characterId: p.characterId,
      name: p.name,
      organization: p.organization,
      district: this.def.id,
      roomId: this.roomId,
      processId: matchMaker.processId,
    }));
  }

  /** One GM operation on this room (from any process); refusals come back as values (they cross as JSON). */
  async gmAct(
    op: GmOp,
  ): Promise<{ ok: true; value: unknown } | { ok: false; code: string; message: string }> {
    try {
      return { ok: true, value: await this.gmOps.apply(op) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, code: err.code, message: err.message };
      svc().log.error({ err, op }, "GM operation failed");
      return { ok: false, code: "gm_failed", message: (err as Error).message };
    }
  }

  // ---- DistrictContext -----------------------------------------------------

  client(sessionId: string): DistrictClient | undefined {
    return this.clients.getById(sessionId);
  }

  connected(): Iterable<DistrictClient> {
    return this.clients;
  }

  error(client: Client, code: string, message: string): void {
    client.send("error", { code, message });
  }

  tell(sessionIds: Iterable<string>, type: string, message: unknown): void {
    for (const id of new Set(sessionIds)) this.clients.getById(id)?.send(type, message);
  }

  isTraveling(sessionId: string): boolean {
    return this.travel.isTraveling(sessionId);
  }

  sendTo(client: DistrictClient, district: string, at?: Point3): Promise<void> {
    return this.travel.sendTo(client, district, at);
  }

  /**
   * Where this client saw an entity: its recorded position at the client's
   * render time (sent with its inputs), at most REWIND_MAX_MS back; live when
   * the client sent no stamp.
   */
  seenBy(client: DistrictClient, entityId: string): { x: number; y: number } | undefined {
    const entity = this.state.players.get(entityId) ?? this.state.npcs.get(entityId);
    if (!entity) return undefined;
    const view = this.rewind.lastSeenBy(client.sessionId);
    return { x: view.value(entity, "x"), y: view.value(entity, "y") };
  }

  /**
   * Hands the player's state to the write-behind store. Not while it travels:
   * the travel saved it in the target district, and a snapshot taken here
   * meanwhile would land after that save and put it back in this district.
   */
  saveLater(sessionId: string): void {
    if (this.travel.isTraveling(sessionId)) return;
    const snapshot = characterSnapshot(this, sessionId);
    if (snapshot) svc().characters.enqueue(snapshot);
  }

  analytics(sessionId: string, kind: GameEventKind, amount?: number, data?: Record<string, unknown>): void {
    const meta = this.members.get(sessionId);
    if (!meta) return;
    const { accountId, characterId } = meta;
    svc().events.record({ kind, accountId, characterId, district: this.def.id, amount, data });
  }

  // ---- sessions ------------------------------------------------------------

  private admit(client: Client, type: string): boolean {
    const verdict = this.gate.admit(client, type);
    if (verdict === "disconnect") this.close(client, CloseCodes.KICKED, "message rate exceeded");
    return verdict === "ok";
  }

  /** Closes a client on purpose: no reconnection grace. */
  private close(client: Client, code: number, reason?: string): void {
    this.closing.add(client.sessionId);
    client.leave(code, reason);
  }

  /** A GM kick: ends the session, or its reconnection grace; false if it was not connected. */
  private kick(sessionId: string, reason: string): boolean {
    const waiting = this.awaitingReconnect.get(sessionId);
    if (waiting) {
      waiting.reject(new Error("kicked"));
      return true;
    }
    const client = this.clients.getById(sessionId);
    if (!client) return false;
    this.close(client, CloseCodes.KICKED, reason);
    return true;
  }

  private sessionOf(characterId: string): string | undefined {
    for (const [sessionId, m] of this.members) if (m.characterId === characterId) return sessionId;
    return undefined;
  }

  private leaseEntry(sessionId: string): LeaseEntry | undefined {
    const p = this.members.get(sessionId);
    if (!p) return undefined;
    const { characterId, name, accountId, organization } = p;
    const { roomId } = this;
    return {
      characterId,
      name,
      accountId,
      organization,
      district: this.def.id,
      roomId,
      processId: matchMaker.processId,
      sessionId,
    };
  }

  private removePlayer(sessionId: string): void {
    const player = this.members.get(sessionId);
    if (!player) return;
    this.members.delete(sessionId);
    this.sim.removePlayer(sessionId);
    // Deleting from the state map also deletes it from every view that held it.
    this.views.forget(sessionId);
    this.state.players.delete(sessionId);
    svc().metrics.playersOnline.dec({ district: this.def.id, organization: player.organization });
  }

  private autosave(): void {
    for (const sessionId of this.members.keys()) this.saveLater(sessionId);
  }
}

/** A failure under a join, as the client sees it: our refusals as they are, backing-service faults as 503. */
function joinError(err: unknown): unknown {
  if (err instanceof AppError) return new ServerError(err.status, err.message);
  if (isServiceFault(err)) return new ServerError(503, UNAVAILABLE);
  return err;
}
