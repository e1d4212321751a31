import {
  AppError,
  authorizeZoneJoin,
  CloseCodes,
  ZoneRoom,
  zoneServices,
  type Character,
  type GmOp,
  type MoveInput,
  type ZoneMember,
} from "../../src/framework/index.js";
import { MapSchema, Schema, type } from "@colyseus/schema";
import { z } from "zod";
import { TagWorld } from "./TagWorld.js";

/** One player as every client sees it. */
export class TagPlayerState extends Schema {
  @type("string") name = "";
  @type("float32") x = 0;
  @type("float32") y = 0;
  @type("boolean") it = false;
  @type("uint32") score = 0; // whole seconds spent not being it, over every session
}

export class TagState extends Schema {
  @type({ map: TagPlayerState }) players = new MapSchema<TagPlayerState>();
}

/** Where a player comes in, and where the score is kept in its character's game data. */
export const ARRIVAL = { x: 50, y: 50, z: 0 };
const SCORE_KEY = "tagFreeSeconds";

/** What a tag room is joined with: checked in onAuth, shown in the API document (`POST /matchmake/…/tag`). */
export const TagJoinOptions = z.object({ characterId: z.string().min(1).max(64) });

/** One tag arena: the framework's zone room running a TagWorld. */
export class TagRoom extends ZoneRoom<TagState, ZoneMember, TagRoom> {
  static override onAuth(token: string, options: unknown) {
    const parsed = TagJoinOptions.safeParse(options);
    if (!parsed.success) throw new AppError("invalid_request", 400, "characterId is required");
    return authorizeZoneJoin(zoneServices(), token, parsed.data.characterId);
  }

  override state = new TagState();
  readonly zoneId = "tag";
  protected readonly handlers = [];
  protected readonly handlerContext = this;
  readonly world = new TagWorld();

  override onCreate(): void {
    this.setUpZone();
  }

  protected enter(client: { sessionId: string }, c: Character): ZoneMember {
    const free = Number(c.gameData?.[SCORE_KEY] ?? 0);
    const p = this.world.add(client.sessionId, c.name, c, Number.isFinite(free) ? free : 0);
    this.state.players.set(client.sessionId, new TagPlayerState().assign({ name: p.name, x: p.x, y: p.y }));
    this.copyState();
    return { characterId: c.id, name: c.name, accountId: c.accountId, organization: c.organization };
  }

  protected exit(sessionId: string): void {
    this.world.remove(sessionId);
    this.state.players.delete(sessionId);
    this.copyState();
  }

  protected halt(sessionId: string): void {
    const p = this.world.players.get(sessionId);
    if (p) p.intent = { moveX: 0, moveY: 0 };
  }

  protected snapshot(sessionId: string) {
    const member = this.members.get(sessionId);
    const p = this.world.players.get(sessionId);
    if (!member || !p) return undefined;
    const { x, y, heading } = p;
    return { id: member.characterId, district: "tag", x, y, z: 0, heading, data: { [SCORE_KEY]: p.free } };
  }

  protected step(inputs: ReadonlyMap<string, MoveInput>): void {
    for (const [sessionId, input] of inputs) this.world.input(sessionId, input);
    const passes = this.world.step(1 / this.services.config.tickRate);
    for (const { from, to } of passes)
      this.broadcast("tagged", { from: this.nameOf(from), to: this.nameOf(to) });
    this.copyState();
  }

  /** The framework's GM commands reach a player here; `tagit` is this game's own. */
  protected async gm(op: GmOp): Promise<unknown> {
    const sessionId = "characterId" in op ? this.members.sessionOf(op.characterId ?? "") : undefined;
    const p = sessionId ? this.world.players.get(sessionId) : undefined;
    if (!sessionId || !p) throw new AppError("player_offline", 404, "That character is not in this room");
    const position = { x: p.x, y: p.y, z: 0 };
    switch (op.op) {
      case "where":
        return { district: "tag", roomId: this.roomId, position };
      case "teleport": {
        Object.assign(p, this.world.clamp(op.to));
        this.saveLater(sessionId);
        return { from: position, to: { x: p.x, y: p.y, z: 0 }, district: "tag" };
      }
      case "kick":
        return { closed: this.endSession(sessionId, CloseCodes.KICKED, op.reason.slice(0, 120)) };
      case "inspect": {
        const m = this.members.get(sessionId)!;
        return { ...m, district: "tag", roomId: this.roomId, position, it: p.it, score: Math.floor(p.free) };
      }
      case "game":
        if (op.name === "tagit") return { previous: this.nameOf(this.world.makeIt(sessionId)) ?? null };
    }
    throw new AppError(
      "unsupported",
      400,
      `Tag rooms have no "${op.op === "game" ? op.name : op.op}" operation`,
    );
  }

  private nameOf(sessionId: string | undefined): string | undefined {
    return sessionId === undefined ? undefined : this.world.players.get(sessionId)?.name;
  }

  private copyState(): void {
    for (const [id, p] of this.world.players) {
      const s = this.state.players.get(id);
      if (s) s.assign({ x: p.x, y: p.y, it: p.it, score: Math.floor(p.free) });
    }
  }
}
