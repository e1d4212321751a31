import { CloseCode, Room, type Client } from "@colyseus/core";
import type { Schema } from "@colyseus/schema";
import type { Character } from "../../../entities/Character.js";
import { MoveInput } from "../../../schema/MoveInput.js";
import type { GmOp } from "../gm/GmOp.js";
import { meterClient, type Traffic } from "../metrics/meterClient.js";
import { isProtocolAbuseClose } from "../net/protocolCloses.js";
import type { CharacterSnapshot } from "../persistence/CharacterStore.js";
import { CloseCodes } from "../contract/closeCodes.js";
import { ReconnectGrace } from "./ReconnectGrace.js";
import { settleGm, type GmActResult } from "./settleGm.js";
import type { ZoneHandler } from "./ZoneHandler.js";
import { ZoneInbox } from "./ZoneInbox.js";
import { guardFullListing } from "./fullRoomGuard.js";
import { zoneLease, ZoneMembers, type ZoneMember } from "./ZoneMembers.js";
import { seatMember } from "./seatMember.js";
import { JoinTrace } from "./JoinTrace.js";
import { outsideTraces } from "../tracing/tracing.js";
import { zoneServices, type ZoneClient, type ZoneServices } from "./ZoneServices.js";

type ZoneRoomTypes<S extends Schema> = { state: S; client: ZoneClient; input: MoveInput };
/**
 * A zone of a game world as a Colyseus room: the lifecycle every game shares (custody of
 * characters, messages admitted and validated before a game's handlers see them, the fixed
 * step, write-behind saves, a reconnection grace, drain with 4120). A game supplies its world
 * through the hooks below and never touches a socket, a lease or the database. `S` is its
 * state, `M` its member record, `C` what its handlers get, `O` the GM operations it carries out.
 */
export abstract class ZoneRoom<
  S extends Schema,
  M extends ZoneMember,
  C,
  O extends { op: string } = GmOp,
> extends Room<ZoneRoomTypes<S>> {
  override inputs = this.defineInput(MoveInput, { seqField: "seq", bufferMaxSize: 64 });
  readonly members = new ZoneMembers<M>(this);
  disposing = false;
  protected traffic!: Traffic;
  private inbox!: ZoneInbox<C>;
  private readonly grace = new ReconnectGrace<ZoneClient>();
  private readonly joinTrace = new JoinTrace(this);

  /** The zone's id (the district; a single-zone game names itself): labels, listings, leases. */
  abstract readonly zoneId: string;
  /** The game's message handlers, and what they are handed. */
  protected abstract readonly handlers: readonly ZoneHandler<C>[];
  protected abstract readonly handlerContext: C;
  /** A stored character enters the world (and the state); returns what the room keeps about it. */
  protected abstract enter(client: ZoneClient, character: Character): M;
  /** The player leaves the world (and the state, and every view). */
  protected abstract exit(sessionId: string): void;
  /** A disconnected player stops where it is. */
  protected abstract halt(sessionId: string): void;
  /** The player's state as the store saves it. */
  protected abstract snapshot(sessionId: string): CharacterSnapshot | undefined;
  /** One fixed step of the world, with this tick's input of each player that sent one. */
  protected abstract step(inputs: ReadonlyMap<string, MoveInput>): void;
  /** A GM operation on a player or on the zone; refusals are AppErrors. */
  protected abstract gm(op: O): Promise<unknown>;
  /** The player is in (a member now): its view, its first messages. */
  protected joined(_client: ZoneClient, _member: M): void {}
  /** How long the last tick took (seconds), for a game's own figures. */
  protected onTicked(_seconds: number): void {}
  /** False while a player's state must not be saved here (it is on its way elsewhere). */
  protected canSave(_sessionId: string): boolean {
    return true;
  }

  get services(): ZoneServices {
    return zoneServices();
  }

  /** Sets up what every zone has; a game calls it at the end of its onCreate. */
  protected setUpZone(): void {
    // The patch and step timers made here run for the room's life, not in the creating request's trace.
    outsideTraces(() => this.setUpZoneTimers());
  }

  private setUpZoneTimers(): void {
    const s = this.services;
    const kick = (client: Client, reason: string) => this.members.close(client, CloseCodes.KICKED, reason);
    this.traffic = s.metrics.traffic(this.zoneId);
    this.patchRate = 1000 / s.config.patchRate;
    this.inbox = ZoneInbox.open(this, s, this.handlers, () => this.handlerContext, kick);
    guardFullListing(this, s.log);
    s.metrics.rooms.inc({ district: this.zoneId });
    s.rooms.add(this.members);
    this.setFixedTimestep(() => this.tick(), s.config.tickRate);
    this.clock.setInterval(() => this.members.saveAll(), s.config.autosaveSeconds * 1000);
  }

  override async onJoin(client: ZoneClient): Promise<void> {
    const attributes = { "mxo.zone": this.zoneId, "mxo.room.id": this.roomId };
    const { roomId, zoneId, members, services, traffic } = this;
    const seating = {
      roomId,
      zoneId,
      members,
      services,
      traffic,
      enter: (c: ZoneClient, character: Character) => this.enter(c, character),
      joined: (c: ZoneClient, member: M) => this.joined(c, member),
      exit: (sessionId: string) => this.exit(sessionId),
    };
    await this.joinTrace.join(client, attributes, () => seatMember(seating, client));
  }

  override onDrop(client: ZoneClient, code?: number): void {
    // Colyseus closes with 4002 a client whose frame it cannot decode: counted like any malformed input.
    if (code === CloseCode.WITH_ERROR)
      this.services.metrics.messages.inc({ type: "protocol", result: "malformed" });
    // A failed onJoin also lands here: nothing to hold for that client.
    if (!this.members.has(client.sessionId)) return;
    this.halt(client.sessionId);
    this.members.save(client.sessionId);
    const seconds = this.services.config.reconnectGraceSeconds;
    const abuse = this.members.closing(client.sessionId) || isProtocolAbuseClose(code);
    if (seconds > 0 && !this.disposing && !abuse)
      this.grace.hold(client, this.allowReconnection(client, seconds));
  }

  override onReconnect(client: ZoneClient): void {
    meterClient(client, this.traffic);
  }

  override async onLeave(client: ZoneClient): Promise<void> {
    this.joinTrace.left(client.sessionId);
    this.inbox.forget(client.sessionId);
    this.members.forgetClosing(client.sessionId);
    const member = this.members.get(client.sessionId);
    if (!member) return;
    const last = this.snapshot(client.sessionId);
    this.members.remove(client.sessionId);
    this.exit(client.sessionId);
    // Stored before anyone else may take it; through a database outage it stays held, retried.
    await this.services.custody.letGo(zoneLease(this, client.sessionId, member), last);
    this.services.log.info({ room: this.roomId, character: member.name }, "player left");
  }

  /** SIGTERM / drain: every client is told to come back (4120) after its save. */
  override onBeforeShutdown(): void {
    this.disposing = true;
    this.disconnect(CloseCodes.DRAINING).catch(() => {});
  }

  override onDispose(): void {
    this.services.metrics.rooms.dec({ district: this.zoneId });
    this.services.rooms.delete(this.members);
  }

  /** One GM operation (from any process, through `matchMaker.remoteRoomCall`); refusals come back as values. */
  gmAct(op: O): Promise<GmActResult> {
    return settleGm(op, () => this.gm(op), this.services.log);
  }
  /** For admin listings across processes (through `matchMaker.remoteRoomCall`). */
  listPlayers() {
    return this.members.listing();
  }

  /** Hands the player's state to the write-behind store (never awaited by the tick). */
  saveLater(sessionId: string): void {
    const snapshot = this.canSave(sessionId) ? this.snapshot(sessionId) : undefined;
    if (snapshot) this.services.characters.enqueue(snapshot);
  }
  error(client: Client, code: string, message: string): void {
    client.send("error", { code, message });
  }
  tell(sessionIds: Iterable<string>, type: string, message: unknown): void {
    for (const id of new Set(sessionIds)) this.clients.getById(id)?.send(type, message);
  }

  /** Ends a session, or its reconnection grace (a kick, a takeover); false if it was not here. */
  endSession(sessionId: string, code: number, reason: string): boolean {
    if (this.grace.end(sessionId, reason)) return true;
    const client = this.clients.getById(sessionId);
    if (client) this.members.close(client, code, reason);
    return client !== undefined;
  }

  private tick(): void {
    const s = this.services;
    const started = process.hrtime.bigint();
    // One input per tick: buffered inputs apply in order; an empty buffer keeps the last intent.
    const inputs = new Map<string, MoveInput>();
    for (const sessionId of this.members.ids()) {
      const input = this.inputs.get(sessionId).next();
      if (input) inputs.set(sessionId, input);
    }
    this.step(inputs);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.onTicked(seconds);
    s.metrics.tickDuration.observe({ district: this.zoneId }, seconds);
    if (seconds > 1 / s.config.tickRate) s.metrics.tickOverruns.inc({ district: this.zoneId });
  }
}
