import { ServerError } from "@colyseus/core";
import type { Character } from "../entities/Character.js";
import { DistrictState } from "../schema/DistrictState.js";
import type { MoveInput } from "../schema/MoveInput.js";
import type { ContentPack } from "../src/mxo/content/ContentPack.js";
import { ZoneRoom } from "../src/framework/zone/ZoneRoom.js";
import type { MxoGmOp } from "../src/mxo/zone/MxoGmOp.js";
import type { JoinOptions } from "../src/mxo/contract/clientMessages.js";
import { authorizeDistrictJoin } from "../src/mxo/zone/authorizeDistrictJoin.js";
import { District } from "../src/mxo/zone/District.js";
import type { DistrictContext, Member } from "../src/mxo/zone/DistrictContext.js";
import {
  districtServices,
  type DistrictClient,
  type DistrictServices,
} from "../src/mxo/zone/DistrictServices.js";
import { DISTRICT_HANDLERS } from "../src/mxo/zone/handlers/index.js";

/** Lag compensation window: a shot is judged at most this far in the past. */
const REWIND_MAX_MS = 300;
/** How often subscribed GMs get `gm:metrics`. */
const GM_METRICS_INTERVAL_MS = 1000;

/**
 * A district of The Matrix Online: the framework's zone room (the lifecycle,
 * src/framework/zone) running one District (src/mxo/zone: the simulation,
 * message handlers, step effects, missions, GM operations, travel).
 */
export class DistrictRoom extends ZoneRoom<DistrictState, Member, DistrictContext, MxoGmOp> {
  /** Runs at matchmaking, before a room is created or a seat reserved. */
  static override onAuth(token: string, options: unknown) {
    return authorizeDistrictJoin(token, options);
  }

  override state = new DistrictState();
  zoneId = "";
  protected readonly handlers = DISTRICT_HANDLERS;
  protected handlerContext!: District;
  private district!: District;

  override get services(): DistrictServices {
    return districtServices();
  }

  override onCreate(options: JoinOptions): void {
    const s = this.services;
    const def = s.districts.get(options.district);
    if (!def) throw new ServerError(404, `Unknown district "${options.district}"`);
    this.zoneId = def.id;
    const rewind = this.allowRewindState({ maxRewindMs: REWIND_MAX_MS });
    rewind.attachAll(this.state.players, { fields: ["x", "y"] });
    rewind.attachAll(this.state.npcs, { fields: ["x", "y"] });
    this.district = this.handlerContext = new District(this, def, rewind);
    this.state.district = def.id;
    this.maxClients = s.config.maxClientsPerDistrict;
    this.metadata = { district: def.id, contentRevision: this.district.contentRevision };
    this.setUpZone();
    this.clock.setInterval(() => this.district.gmMetrics.send(this.district), GM_METRICS_INTERVAL_MS);
  }

  protected enter(client: DistrictClient, character: Character): Member {
    return this.district.enter(client, character);
  }

  protected override joined(client: DistrictClient, member: Member): void {
    this.district.joined(client, member);
  }

  protected exit(sessionId: string): void {
    this.district.exit(sessionId);
  }

  protected halt(sessionId: string): void {
    this.district.halt(sessionId);
  }

  protected snapshot(sessionId: string) {
    return this.district.snapshot(sessionId);
  }

  protected override canSave(sessionId: string): boolean {
    return this.district.canSave(sessionId);
  }

  protected step(inputs: ReadonlyMap<string, MoveInput>): void {
    this.district.step(inputs);
  }

  protected override onTicked(seconds: number): void {
    this.district.gmMetrics.recordTick(seconds);
  }

  protected gm(op: MxoGmOp): Promise<unknown> {
    return this.district.gm(op);
  }

  override onReconnect(client: DistrictClient): void {
    super.onReconnect(client);
    this.district.reconnected(client);
  }

  /** A deployed content revision: the district switches at its next tick boundary. */
  applyContent(revision: number, pack: ContentPack): void {
    this.district.applyContent(revision, pack);
  }
}
