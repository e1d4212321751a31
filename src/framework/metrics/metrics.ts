import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The mxo_ series (contract §6) on a registry of our own, so tests and
 * several servers in one process never share counters.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly playersOnline = new Gauge({
    name: "mxo_players_online",
    help: "Characters in play on this process",
    labelNames: ["district", "organization"] as const,
    registers: [this.registry],
  });

  readonly rooms = new Gauge({
    name: "mxo_rooms",
    help: "District room instances on this process",
    labelNames: ["district"] as const,
    registers: [this.registry],
  });

  readonly tickDuration = new Histogram({
    name: "mxo_tick_duration_seconds",
    help: "Wall time of one simulation step",
    labelNames: ["district"] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
    registers: [this.registry],
  });

  readonly tickOverruns = new Counter({
    name: "mxo_tick_overruns_total",
    help: "Steps that took longer than the tick interval",
    labelNames: ["district"] as const,
    registers: [this.registry],
  });

  readonly patchBytes = new Counter({
    name: "mxo_patch_bytes_total",
    help: "State patch bytes sent to clients (after per-client interest filtering)",
    labelNames: ["district"] as const,
    registers: [this.registry],
    collect: () => this.flushTraffic(),
  });

  readonly bytesSent = new Counter({
    name: "mxo_bytes_sent_total",
    help: "All bytes sent to clients of district rooms: patches, messages, handshakes",
    labelNames: ["district"] as const,
    registers: [this.registry],
    collect: () => this.flushTraffic(),
  });

  /** Bytes sent per district since the last scrape, by `traffic()`. */
  private readonly tallies = new Map<string, { sent: number; patch: number }>();

  /**
   * What a district's sends are counted with: a frame adds to a number,
   * added to mxo_bytes_sent_total and mxo_patch_bytes_total when they are
   * read, so a send does not hash the counters' labels (two per frame,
   * thousands of frames a second).
   */
  traffic(district: string): { sent(bytes: number): void; patch(bytes: number): void } {
    let tally = this.tallies.get(district);
    if (!tally) this.tallies.set(district, (tally = { sent: 0, patch: 0 }));
    const t = tally;
    return { sent: (n) => void (t.sent += n), patch: (n) => void (t.patch += n) };
  }

  private flushTraffic(): void {
    for (const [district, t] of this.tallies) {
      if (t.sent > 0) this.bytesSent.inc({ district }, t.sent);
      if (t.patch > 0) this.patchBytes.inc({ district }, t.patch);
      t.sent = t.patch = 0;
    }
  }

  readonly visibleEntities = new Histogram({
    name: "mxo_visible_entities",
    help: "Other players in one client's view, observed at each interest update",
    buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });

  readonly messages = new Counter({
    name: "mxo_messages_total",
    help: "Client messages by type and outcome (ok, invalid, unknown, throttled, malformed)",
    labelNames: ["type", "result"] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: "mxo_http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly joinQueue = new Gauge({
    name: "mxo_join_queue_length",
    help: "Joins waiting for admission on this process (JOIN_ADMIT_PER_TICK start their work per tick)",
    registers: [this.registry],
  });

  readonly joinAdmissionWait = new Histogram({
    name: "mxo_join_admission_wait_seconds",
    help: "How long an admitted join waited in the join queue before its custody, load and first state",
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly joinQueueRefusals = new Counter({
    name: "mxo_join_queue_refusals_total",
    help: "Joins refused at once because the join queue was full (503, server busy)",
    registers: [this.registry],
  });

  readonly dbSaveDuration = new Histogram({
    name: "mxo_db_save_duration_seconds",
    help: "Time to write one batch of character state",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly dbSaveFailures = new Counter({
    name: "mxo_db_save_failures_total",
    help: "Character save batches that failed (retried on the next flush)",
    registers: [this.registry],
  });

  readonly combatDuration = new Histogram({
    name: "mxo_combat_duration_seconds",
    help: "Length of fights: interlock duels (start to end) and free fights against NPCs (first damage to death)",
    labelNames: ["combat_type"] as const,
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });

  readonly kills = new Counter({
    name: "mxo_kills_total",
    help: "Deaths in play by district and victim (npc or player)",
    labelNames: ["district", "victim"] as const,
    registers: [this.registry],
  });

  readonly missionsCompleted = new Counter({
    name: "mxo_missions_completed_total",
    help: "Missions completed (rewards paid) by district",
    labelNames: ["district"] as const,
    registers: [this.registry],
  });

  readonly gameEvents = new Counter({
    name: "mxo_game_events_total",
    help: "Analytics events recorded, by kind (login, level_up, mission_complete, item_acquired, currency_earned, pvp_result, death, trade, …)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });

  readonly gameEventsDropped = new Counter({
    name: "mxo_game_events_dropped_total",
    help: "Analytics events dropped because the database could not take them for too long",
    registers: [this.registry],
  });

  readonly gmActions = new Counter({
    name: "mxo_gm_actions_total",
    help: "GM and admin commands by outcome (ok, refused, failed, queued)",
    labelNames: ["command", "result"] as const,
    registers: [this.registry],
  });

  readonly trades = new Counter({
    name: "mxo_trades_total",
    help: "Player trades by outcome: done (swapped), cancelled (by a player, a departure or a death), failed (the ledger refused or could not be reached; nothing moved)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  /**
   * Read from the database at scrape time (at most every CIRCULATION_CACHE_MS):
   * the figure is global, so every process of a cluster reports the same
   * value; dashboards take max(), not sum().
   */
  readonly economyInformation = new Gauge({
    name: "mxo_economy_information",
    help: "Information (currency) held by all characters together, from the ledger; the same global figure on every process",
    registers: [this.registry],
    collect: () => this.collectCirculation(),
  });

  private circulation:
    { read: () => Promise<number>; at: number; value?: number; pending?: Promise<void> } | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // A labelled gauge has no sample until its first player joins, so a fresh
    // process would have no mxo_players_online series: the HPA (deploy/k8s)
    // reads a missing Pods metric as "unknown" and never scales down. This
    // unlabelled 0 is there from start; sums per pod/district are unchanged.
    this.playersOnline.set(0);
  }

  /** Where mxo_economy_information comes from (the ledger's circulation). */
  readCirculationFrom(read: () => Promise<number>): void {
    this.circulation = { read, at: 0 };
  }

  /**
   * A scrape reads the database at most every CIRCULATION_CACHE_MS, and waits
   * for it at most CIRCULATION_WAIT_MS: a slow or unreachable database leaves
   * the last figure in place rather than stalling /metrics.
   */
  private async collectCirculation(): Promise<void> {
    const c = this.circulation;
    if (!c) return;
    if (!c.pending && Date.now() - c.at >= CIRCULATION_CACHE_MS) {
      c.pending = c
        .read()
        .then((v) => void (c.value = v))
        .catch(() => {})
        .finally(() => {
          c.at = Date.now();
          c.pending = undefined;
        });
    }
    if (c.pending) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((r) => (timer = setTimeout(r, CIRCULATION_WAIT_MS)));
      await Promise.race([c.pending, timeout]);
      clearTimeout(timer);
    }
    if (c.value !== undefined) this.economyInformation.set(c.value);
  }
}

/** How long a reading of the Information in circulation serves scrapes. */
const CIRCULATION_CACHE_MS = 5_000;
const CIRCULATION_WAIT_MS = 1_000;
