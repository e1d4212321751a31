import { randomUUID } from "node:crypto";
import type { Presence } from "@colyseus/core";
import type { CharacterLease } from "../../../framework/cluster/CharacterLease.js";
import type { RedisLink } from "../../../framework/cluster/RedisLink.js";
import type { Logger } from "../../../framework/util/logger.js";
import type { TeamUpdate } from "../../contract/serverMessages.js";
import {
  acceptInvite,
  INVITE_SECONDS,
  checkInvite,
  kickMember,
  noInviteMessage,
  OFFLINE_GRACE_SECONDS,
  purgeOffline,
  teamView,
  updateSeat,
  withoutMember,
  type TeamRecord,
  type TeamRefusal,
  type TeamSeat,
} from "../../rules/teams.js";
import { LocalTeamStore, RedisTeamStore, type TeamStore } from "./TeamStore.js";
import { TeamTx } from "./TeamTx.js";

/** The presence channel that tells every process whose team view changed. */
const CHANNEL = "mxo:team";
/**
 * A member who left a room counts as offline only if it has not come back
 * this soon: a travel is a leave here and a join there, and should neither
 * flicker the team nor pass the lead.
 */
const TRAVEL_GRACE_MS = 10_000;
/** Conflicting changes to one team retry this often before the player is told to try again. */
const MAX_ATTEMPTS = 25;

export type TeamOutcome =
  { ok: true; message?: string } | TeamRefusal | { ok: false; code: "player_offline"; message: string };

/** A character in play on this process, as the teams know it. */
export interface LocalTeamSeat {
  sessionId: string;
  /** Sends `team` to its client. */
  tell(update: TeamUpdate): void;
  /** The team it was last shown (teammates for shared credit, the leader for `inspect`). */
  team?: TeamRecord | undefined;
}

const services = new WeakMap<Presence, TeamService>();

/**
 * Teams across districts and processes: the shared record in the team store
 * (Redis with REDIS_URL, else in-process), changed only by compare-and-set
 * (TeamTx) under the pure rules (src/mxo/rules/teams.ts); after each change
 * every process hears who is concerned (presence channel `mxo:team`) and sends
 * those it holds a fresh `team` message, read from the store.
 */
export class TeamService {
  private readonly local = new Map<string, LocalTeamSeat>();
  /** Refreshes under way per character, so two never cross and an older view never lands last. */
  private readonly refreshing = new Map<string, { again: boolean }>();

  /**
   * One per process, built by the first district room, on the process-wide
   * presence (`matchMaker.presence`): a room's own is scoped, and its
   * subscriptions end with the room.
   */
  static of(
    presence: Presence,
    deps: { lease: CharacterLease; log: Logger; redis?: RedisLink | undefined },
  ): TeamService {
    let s = services.get(presence);
    if (!s) {
      const store = deps.redis ? new RedisTeamStore(deps.redis.client) : new LocalTeamStore();
      s = new TeamService(presence, store, deps.lease, deps.log);
      services.set(presence, s);
    }
    return s;
  }

  constructor(
    private readonly presence: Presence,
    private readonly store: TeamStore,
    private readonly lease: CharacterLease,
    private readonly log: Logger,
  ) {
    void presence
      .subscribe(CHANNEL, (e: { characterIds?: unknown }) => {
        if (!Array.isArray(e?.characterIds)) return;
        for (const id of e.characterIds) if (typeof id === "string" && this.local.has(id)) this.refresh(id);
      })
      .catch((err: unknown) => log.error({ err }, "team channel subscription failed"));
  }

  attach(characterId: string, seat: LocalTeamSeat): void {
    this.local.set(characterId, seat);
  }

  /** Sends the character (held here) its team again, as the store has it. */
  show(characterId: string): void {
    if (this.local.has(characterId)) this.refresh(characterId);
  }

  seatOf(characterId: string): LocalTeamSeat | undefined {
    return this.local.get(characterId);
  }

  /** A character enters a room here: back online in its team, and shown its team (or none). */
  async online(seat: TeamSeat): Promise<void> {
    await this.run(async (tx) => {
      tx.touched.add(seat.characterId);
      const team = await this.teamOf(tx, seat.characterId);
      if (team) tx.saveTeam(team.id, updateSeat(team, { ...seat, online: true }));
      return { ok: true };
    });
  }

  /** Its level or district changed: the team sees it. */
  async seatChanged(seat: TeamSeat): Promise<void> {
    if (!this.local.get(seat.characterId)?.team) return;
    await this.run(async (tx) => {
      const team = await this.teamOf(tx, seat.characterId);
      if (team) tx.saveTeam(team.id, updateSeat(team, seat));
      return { ok: true };
    });
  }

  /**
   * The character left the room of `sessionId`. Unless it is back in play
   * within TRAVEL_GRACE_MS it shows offline (an offline leader hands the lead
   * on), and after OFFLINE_GRACE_SECONDS offline it leaves the team.
   */
  left(characterId: string, sessionId: string): void {
    if (this.local.get(characterId)?.sessionId === sessionId) this.local.delete(characterId);
    const offline = async () => {
      const held = await this.lease.locate(characterId);
      if (held && held.sessionId !== sessionId) return;
      const since = Date.now();
      await this.run(async (tx) => {
        const team = await this.teamOf(tx, characterId);
        const seat = team?.members.find((m) => m.characterId === characterId);
        if (!team || !seat?.online) return { ok: true };
        tx.saveTeam(team.id, updateSeat(team, { ...seat, online: false, offlineSince: since }));
        return { ok: true };
      });
      later(OFFLINE_GRACE_SECONDS * 1000 + 1000, () =>
        this.run(async (tx) => {
          await this.teamOf(tx, characterId);
          return { ok: true };
        }),
      );
    };
    later(TRAVEL_GRACE_MS, () =>
      offline().catch((err) => this.log.warn({ err }, "team offline mark failed")),
    );
  }

  async invite(from: TeamSeat, name: string): Promise<TeamOutcome> {
    const target = await this.lease.findByName(name);
    if (!target) return { ok: false, code: "player_offline", message: `${name} is not online` };
    return this.run(async (tx) => {
      const team = await this.teamOf(tx, from.characterId);
      const targetTeam = await this.teamOf(tx, target.characterId);
      const check = checkInvite(from, team, target, targetTeam);
      if (!check.ok) return check;
      const expiresAt = Date.now() + INVITE_SECONDS * 1000;
      tx.setInvite(target.characterId, { from: { ...from, online: true }, expiresAt });
      return { ok: true, message: `${target.name} is invited to your team` };
    });
  }

  async accept(me: TeamSeat): Promise<TeamOutcome> {
    return this.run(async (tx) => {
      const invite = await tx.invite(me.characterId);
      const mine = await this.teamOf(tx, me.characterId);
      const theirs = invite && (await this.teamOf(tx, invite.from.characterId));
      const answer = acceptInvite({ ...me, online: true }, mine, invite, theirs, randomUUID());
      if (!answer.ok) {
        // A lapsed invite is gone for good; a full team may have room again later.
        if (invite && answer.code === "no_invite") tx.setInvite(me.characterId, undefined);
        return answer;
      }
      tx.setInvite(me.characterId, undefined);
      tx.saveTeam(answer.team.id, answer.team);
      return { ok: true };
    });
  }

  async decline(characterId: string): Promise<TeamOutcome> {
    return this.run(async (tx) => {
      const invite = await tx.invite(characterId);
      if (!invite) return { ok: false, code: "no_invite", message: noInviteMessage() };
      tx.setInvite(characterId, undefined);
      return { ok: true, message: `You declined ${invite.from.name}'s invite` };
    });
  }

  async leave(characterId: string): Promise<TeamOutcome> {
    return this.run(async (tx) => {
      const team = await this.teamOf(tx, characterId);
      if (!team) return { ok: false, code: "not_in_team", message: "You are not in a team" };
      const next = withoutMember(team, characterId);
      tx.saveTeam(team.id, next, letGo(team, next, [characterId]));
      return { ok: true };
    });
  }

  async kick(characterId: string, name: string): Promise<TeamOutcome> {
    return this.run(async (tx) => {
      const team = await this.teamOf(tx, characterId);
      const answer = kickMember(team, characterId, name);
      if (!answer.ok) return answer;
      tx.saveTeam(team!.id, answer.team, letGo(team!, answer.team, [answer.kicked.characterId]));
      return { ok: true, message: `${answer.kicked.name} was removed from the team` };
    });
  }

  /** The members of the character's team now (none when not in one), for team chat. */
  async members(characterId: string): Promise<TeamSeat[]> {
    return (await new TeamTx(this.store).teamOf(characterId))?.members ?? [];
  }

  /** The character's team, with members long offline removed (that removal is written with the change). */
  private async teamOf(tx: TeamTx, characterId: string): Promise<TeamRecord | undefined> {
    const team = await tx.teamOf(characterId);
    if (!team) return undefined;
    const now = Date.now();
    // A member shown online whom the lease directory no longer knows went down with its
    // process (whose offline timer died with it): offline from now, the lead passed on.
    let seen = team;
    for (const m of team.members) {
      if (m.online && m.characterId !== characterId && !(await this.lease.locate(m.characterId))) {
        seen = updateSeat(seen, { ...m, online: false, offlineSince: now });
      }
    }
    const { team: kept, removed } = purgeOffline(seen, now);
    if (kept && seen !== team && removed.length === 0) tx.saveTeam(team.id, kept);
    if (removed.length > 0) {
      tx.saveTeam(
        team.id,
        kept,
        letGo(
          team,
          kept,
          removed.map((m) => m.characterId),
        ),
      );
    }
    return kept;
  }

  /** Reads, decides, swaps; again from the start while another change got in first. */
  private async run(op: (tx: TeamTx) => Promise<TeamOutcome>): Promise<TeamOutcome> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const tx = new TeamTx(this.store);
      const outcome = await op(tx);
      if (!(await tx.commit())) {
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
        continue;
      }
      if (tx.touched.size > 0) await this.presence.publish(CHANNEL, { characterIds: [...tx.touched] });
      return outcome;
    }
    throw new Error("team change kept conflicting with others");
  }

  /** Sends the character (held here) its team and pending invite as the store has them now. */
  private refresh(characterId: string): void {
    const running = this.refreshing.get(characterId);
    if (running) return void (running.again = true);
    const state = { again: false };
    this.refreshing.set(characterId, state);
    const once = async (): Promise<void> => {
      const tx = new TeamTx(this.store);
      const team = await tx.teamOf(characterId);
      const invite = await tx.invite(characterId);
      const seat = this.local.get(characterId);
      if (!seat) return;
      seat.team = team;
      const update: TeamUpdate = { members: teamView(team) };
      if (invite && !team) {
        const left = Math.ceil(((invite.expiresAt ?? 0) - Date.now()) / 1000);
        update.invite = { from: invite.from.name, expiresIn: Math.max(0, Math.min(INVITE_SECONDS, left)) };
      }
      seat.tell(update);
    };
    const loop = async (): Promise<void> => {
      do {
        state.again = false;
        await once().catch((err) => this.log.warn({ err }, "team refresh failed"));
      } while (state.again);
      this.refreshing.delete(characterId);
    };
    void loop();
  }
}

/** Who leaves the team's index: those removed, or everyone when it dissolves. */
function letGo(team: TeamRecord, next: TeamRecord | undefined, removed: string[]): string[] {
  return next ? removed : team.members.map((m) => m.characterId);
}

function later(ms: number, fn: () => Promise<unknown>): void {
  setTimeout(() => void fn().catch(() => {}), ms).unref();
}
