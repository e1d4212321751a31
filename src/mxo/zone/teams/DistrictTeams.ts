import type { TeamSeat } from "../../rules/teams.js";
import { creditedMates, leaderName } from "../../rules/teams.js";
import type { DistrictContext } from "../DistrictContext.js";
import type { TeamService } from "./TeamService.js";

/**
 * One district room's side of the teams: its players enter and leave the
 * shared roster (TeamService), level-ups reach their teammates, and the room
 * asks which teammates stand close enough to share a kill or an objective.
 */
export class DistrictTeams {
  /** Characters by session, kept past the member record (the room drops that before `exit`). */
  private readonly characters = new Map<string, string>();

  constructor(
    private readonly ctx: DistrictContext,
    readonly service: TeamService,
  ) {}

  /** The player as its team shows it, from what this room knows now. */
  seat(sessionId: string): TeamSeat | undefined {
    const meta = this.ctx.members.get(sessionId);
    const player = this.ctx.sim.player(sessionId);
    if (!meta || !player) return undefined;
    const { characterId, name } = meta;
    return { characterId, name, district: this.ctx.def.id, level: player.level, online: true };
  }

  /** On join (a login, relog or travel): the team sees where it is, and it sees its team. */
  joined(sessionId: string): void {
    const seat = this.seat(sessionId);
    if (!seat) return;
    this.characters.set(sessionId, seat.characterId);
    this.service.attach(seat.characterId, {
      sessionId,
      tell: (update) => this.ctx.tell([sessionId], "team", update),
    });
    this.service.online(seat).catch((err) => this.ctx.services.log.warn({ err }, "team join update failed"));
  }

  /** Its team again (after a reconnection: what changed meanwhile was not heard). */
  show(sessionId: string): void {
    const meta = this.ctx.members.get(sessionId);
    if (meta) this.service.show(meta.characterId);
  }

  /** The player left this room (leave or travel). */
  exit(sessionId: string): void {
    const characterId = this.characters.get(sessionId);
    this.characters.delete(sessionId);
    if (characterId) this.service.left(characterId, sessionId);
  }

  levelChanged(sessionId: string): void {
    const seat = this.seat(sessionId);
    if (!seat) return;
    this.service
      .seatChanged(seat)
      .catch((err) => this.ctx.services.log.warn({ err }, "team level update failed"));
  }

  /**
   * Teammates of `sessionId` in this room within the credit radius of `at`
   * (default: where the player stands), as session ids; never the player itself.
   */
  matesNear(sessionId: string, at?: { x: number; y: number }): string[] {
    const meta = this.ctx.members.get(sessionId);
    const team = meta && this.service.seatOf(meta.characterId)?.team;
    const where = at ?? this.ctx.sim.player(sessionId);
    if (!meta || !team || !where) return [];
    const here: [string, { x: number; y: number }][] = [];
    for (const m of team.members) {
      if (m.characterId === meta.characterId) continue;
      const mate = this.ctx.members.sessionOf(m.characterId);
      const p = mate === undefined ? undefined : this.ctx.sim.player(mate);
      if (mate !== undefined && p && p.hp > 0) here.push([mate, p]);
    }
    return creditedMates(where, here);
  }

  /** For a GM's `inspect`: the leader and members by name, or null when not in a team. */
  inspect(sessionId: string): { leader: string; members: string[] } | null {
    const meta = this.ctx.members.get(sessionId);
    const team = meta && this.service.seatOf(meta.characterId)?.team;
    return team ? { leader: leaderName(team), members: team.members.map((m) => m.name) } : null;
  }
}
