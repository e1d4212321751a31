import { matchMaker, type Rewind } from "@colyseus/core";
import type { Character } from "../../../entities/Character.js";
import type { DistrictState } from "../../../schema/DistrictState.js";
import type { MoveInput } from "../../../schema/MoveInput.js";
import { ClientViews } from "../../framework/aoi/ClientViews.js";
import { InterestManager } from "../../framework/aoi/InterestManager.js";
import type { GameEventKind } from "../../framework/analytics/GameEvents.js";
import type { ContentPack } from "../content/ContentPack.js";
import type { DistrictDef } from "../content/districts.js";
import { CloseCodes } from "../../framework/contract/closeCodes.js";
import { zoneLease, type ZoneMembers } from "../../framework/zone/ZoneMembers.js";
import type { Point3 } from "../../framework/gm/GmOp.js";
import type { MxoGmOp } from "./MxoGmOp.js";
import { DistrictSimulation } from "../rules/simulation/DistrictSimulation.js";
import { applyEquipment, sendSheet } from "./CharacterSheets.js";
import { characterSnapshot, enterDistrict } from "./characterMapping.js";
import type { DistrictContext, Member } from "./DistrictContext.js";
import { DistrictMirror } from "./DistrictMirror.js";
import type { DistrictClient, DistrictServices } from "./DistrictServices.js";
import { GmMetricsStream } from "./GmMetricsStream.js";
import { GmOps } from "./GmOps.js";
import { loadoutMessage } from "./handlers/index.js";
import { InventoryDesk } from "./InventoryDesk.js";
import { MissionDesk } from "./MissionDesk.js";
import { StepEffects } from "./StepEffects.js";
import { Travel } from "./Travel.js";
import { DistrictTeams } from "./teams/DistrictTeams.js";
import { TeamService } from "./teams/TeamService.js";
import { TradeDesk } from "./TradeDesk.js";

/** What a district needs of the zone room that runs it (src/framework/zone/ZoneRoom). */
export interface DistrictHost {
  readonly roomId: string;
  readonly zoneId: string;
  readonly state: DistrictState;
  readonly members: ZoneMembers<Member>;
  readonly clients: Iterable<DistrictClient> & { getById(id: string): DistrictClient | undefined };
  readonly disposing: boolean;
  readonly services: DistrictServices;
  readonly metadata: Record<string, unknown>;
  error(client: DistrictClient, code: string, message: string): void;
  tell(sessionIds: Iterable<string>, type: string, message: unknown): void;
  saveLater(sessionId: string): void;
  endSession(sessionId: string, code: number, reason: string): boolean;
  setMetadata(meta: Record<string, unknown>): unknown;
}

/**
 * One district of The Matrix Online running in a zone room: its simulation,
 * the replicated state and views, the effects of each step, missions, GM
 * operations and travel. It is what the district's message handlers are
 * handed (DistrictContext); the room forwards its lifecycle hooks here.
 */
export class District implements DistrictContext {
  content: ContentPack;
  contentRevision: number | null;
  readonly sim: DistrictSimulation;
  readonly missions: MissionDesk = new MissionDesk(this);
  readonly gmMetrics = new GmMetricsStream();
  readonly teams: DistrictTeams;
  readonly inventory: InventoryDesk = new InventoryDesk(this);
  readonly trades: TradeDesk = new TradeDesk(this);
  private pendingContent: { revision: number; pack: ContentPack } | undefined;
  private readonly interest: InterestManager;
  private readonly views: ClientViews;
  private readonly mirror: DistrictMirror;
  private readonly effects: StepEffects;
  private readonly gmOps: GmOps;
  private readonly travel: Travel;

  constructor(
    private readonly host: DistrictHost,
    readonly def: DistrictDef,
    /** Recent positions of everyone, so a ranged shot is judged where the shooter saw its target. */
    private readonly rewind: Rewind,
  ) {
    const s = host.services;
    // The seed is logged so any fight in this room can be replayed from its log.
    const seed = (Math.random() * 0x7fffffff) | 0;
    this.content = s.deployer.pack;
    this.contentRevision = s.deployer.revision;
    this.sim = new DistrictSimulation(def, this.content, { tickRate: s.config.tickRate, seed });
    s.log.info({ room: host.roomId, district: def.id, seed }, "district simulation seeded");
    this.interest = new InterestManager(s.config.aoi);
    const entity = (id: string) => this.state.players.get(id) ?? this.state.npcs.get(id);
    const visible = (n: number) => s.metrics.visibleEntities.observe(n);
    this.views = new ClientViews(this.interest, s.config.aoi, entity, visible);
    this.mirror = new DistrictMirror(this.sim, this.state, this.interest);
    this.effects = new StepEffects(this, this.mirror);
    this.teams = new DistrictTeams(this, TeamService.of(matchMaker.presence, s));
    this.gmOps = new GmOps(this, this.interest, (id, reason) =>
      host.endSession(id, CloseCodes.KICKED, reason),
    );
    this.travel = new Travel(this, {
      snapshot: (id) => characterSnapshot(this, id),
      leaseEntry: (id) => {
        const m = this.members.get(id);
        return m && zoneLease(host, id, m);
      },
      removePlayer: (id) => this.exit(id),
      close: (client, code, reason) => this.members.close(client, code, reason),
    });
  }

  get roomId(): string {
    return this.host.roomId;
  }

  get state(): DistrictState {
    return this.host.state;
  }

  get services(): DistrictServices {
    return this.host.services;
  }

  get members(): ZoneMembers<Member> {
    return this.host.members;
  }

  get disposing(): boolean {
    return this.host.disposing;
  }

  enter(client: DistrictClient, character: Character): Member {
    return enterDistrict(this, client.sessionId, character);
  }

  joined(client: DistrictClient, member: Member): void {
    const own = this.mirror.addPlayer(client.sessionId)!;
    // Others come into this client's view through the interest manager; itself, always.
    this.views.open(client, own);
    client.send("loadout", loadoutMessage(this, client.sessionId));
    sendSheet(this, client.sessionId);
    // What a client shows in its mission log after a reload or a move to another process.
    client.send("mission", {
      kind: "state",
      active: member.missions.active,
      completed: member.missions.completed,
    });
    // An escort under way picks up again where its player is.
    this.missions.startEscorts(client.sessionId);
    this.teams.joined(client.sessionId);
    void this.inventory.refresh(client.sessionId);
  }

  halt(sessionId: string): void {
    // A disconnected body stops where it is instead of walking on its last intent.
    this.sim.setInput(sessionId, { seq: this.sim.player(sessionId)?.ack ?? 0, moveX: 0, moveY: 0 });
    this.trades.end(sessionId, "left");
  }

  /** One fixed step: inputs in, the simulation, its effects, a content swap at the boundary, state and views out. */
  step(inputs: ReadonlyMap<string, MoveInput>): void {
    for (const [sessionId, input] of inputs) {
      if (!this.travel.isTraveling(sessionId)) {
        this.sim.setInput(sessionId, input);
      }
    }
    this.effects.apply(this.sim.step());
    if (this.pendingContent) this.switchContent(this.pendingContent);
    // The schema and the interest manager's positions, in one pass.
    this.mirror.publish();
    this.views.update(this.host.clients, this.sim.tick);
  }

  /** A reconnected client starts with a fresh connection: its view is rebuilt from scratch. */
  reconnected(client: DistrictClient): void {
    const own = this.state.players.get(client.sessionId);
    if (!own) return void this.travel.follow(client);
    this.views.open(client, own);
    // What changed in the team while the connection was down.
    this.teams.show(client.sessionId);
  }

  gm(op: MxoGmOp): Promise<unknown> {
    return this.gmOps.apply(op);
  }

  snapshot(sessionId: string) {
    return characterSnapshot(this, sessionId);
  }

  /** Not while it travels: a snapshot taken here would land after the travel's save and undo it. */
  canSave(sessionId: string): boolean {
    return !this.travel.isTraveling(sessionId);
  }

  /** The player leaves the simulation, the state and every view (leave, or travel). */
  exit(sessionId: string): void {
    this.travel.forget(sessionId);
    this.teams.exit(sessionId);
    this.trades.end(sessionId, "left");
    this.members.remove(sessionId);
    this.sim.removePlayer(sessionId);
    // Deleting from the state map also deletes it from every view that held it.
    this.views.forget(sessionId);
    this.mirror.removePlayer(sessionId);
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
    void this.host.setMetadata({ ...this.host.metadata, contentRevision: next.revision });
    const log = {
      room: this.roomId,
      district: this.def.id,
      revision: next.revision,
      warnings: result.warnings,
    };
    this.services.log.info(log, "content revision applied");
  }

  // ---- DistrictContext -----------------------------------------------------

  client(sessionId: string): DistrictClient | undefined {
    return this.host.clients.getById(sessionId);
  }

  connected(): Iterable<DistrictClient> {
    return this.host.clients;
  }

  equipmentChanged(sessionId: string): void {
    applyEquipment(this, sessionId);
  }

  isTraveling(sessionId: string): boolean {
    return this.travel.isTraveling(sessionId);
  }

  sendTo(client: DistrictClient, district: string, at?: Point3): Promise<void> {
    this.trades.end(client.sessionId, "is travelling");
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

  analytics(sessionId: string, kind: GameEventKind, amount?: number, data?: Record<string, unknown>): void {
    const meta = this.members.get(sessionId);
    if (!meta) return;
    const { accountId, characterId } = meta;
    this.services.events.record({ kind, accountId, characterId, district: this.def.id, amount, data });
  }
  error(client: DistrictClient, code: string, message: string): void {
    this.host.error(client, code, message);
  }

  tell(sessionIds: Iterable<string>, type: string, message: unknown): void {
    this.host.tell(sessionIds, type, message);
  }

  saveLater(sessionId: string): void {
    this.host.saveLater(sessionId);
  }
}
