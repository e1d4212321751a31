import { matchMaker } from "@colyseus/core";
import type { ClusterBus } from "../../framework/cluster/ClusterBus.js";
import type { LocalRooms } from "../../framework/server/LocalRooms.js";
import type { Logger } from "../../framework/util/logger.js";
import type { ContentPack } from "./ContentPack.js";
import type { ContentDeployResult, ContentRevisions } from "./ContentRevisions.js";

/**
 * Which content this process runs, and deploys across the cluster: a deploy
 * or rollback is recorded in the database, then announced on the bus; every
 * process (this one included) loads that revision and hands it to each of its
 * rooms, which switch at their next tick boundary and report the revision in
 * their listing (`GET /districts`). A process starting later reads the active
 * revision at boot, so it never runs a stale pack.
 */
export class ContentDeployer {
  private current: { revision: number | null; pack: ContentPack };
  /** Applies revisions in the order announced, even if loading one is slow. */
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly revisions: ContentRevisions,
    private readonly bus: ClusterBus,
    private readonly rooms: LocalRooms,
    private readonly log: Logger,
    initial: { revision: number | null; pack: ContentPack },
  ) {
    this.current = initial;
  }

  /** The active revision from the database, or the pack on disk when none was ever deployed. */
  static async initial(
    revisions: ContentRevisions,
    fromDisk: ContentPack,
  ): Promise<{ revision: number | null; pack: ContentPack }> {
    return (await revisions.active()) ?? { revision: null, pack: fromDisk };
  }

  get pack(): ContentPack {
    return this.current.pack;
  }

  get revision(): number | null {
    return this.current.revision;
  }

  async overview() {
    return {
      running: { processId: matchMaker.processId, revision: this.current.revision },
      revisions: await this.revisions.list(),
    };
  }

  packOf(revision: number): Promise<ContentPack> {
    return this.revisions.get(revision);
  }

  store(raw: unknown, actor: string, note?: string) {
    return this.revisions.create(raw, actor, note);
  }

  async deploy(revision: number, actor: string): Promise<ContentDeployResult> {
    const result = await this.revisions.deploy(revision, actor);
    this.bus.publish("mxo:content", { revision: result.revision });
    return result;
  }

  async rollback(actor: string): Promise<ContentDeployResult> {
    const result = await this.revisions.rollback(actor);
    this.bus.publish("mxo:content", { revision: result.revision });
    return result;
  }

  /** Bus handler: load the announced revision and switch every local room to it. */
  onDeployed(revision: number): Promise<void> {
    this.applying = this.applying.then(async () => {
      try {
        const pack = await this.revisions.get(revision);
        this.current = { revision, pack };
        let rooms = 0;
        for (const room of this.rooms.all()) {
          room.applyContent(revision, pack);
          rooms++;
        }
        this.log.info({ revision, rooms }, "content revision loaded; rooms switch at their next tick");
      } catch (err) {
        this.log.error({ err, revision }, "could not load deployed content revision");
      }
    });
    return this.applying;
  }
}
