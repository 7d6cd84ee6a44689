import { forEachYielding, inChunks } from '../../yield';
import { isSameReport, notableChanges } from './node-report';
import type { NodeEntry, NodeRegistry } from './node-registry';
import type { LivenessWrite, NodeStateRepository, ReportWrite } from './node-state-repository';
import type { WriteReportBatch } from './write-report-batch';

export interface NodeSyncLogger {
  warn(object: object, message: string): void;
}

/**
 * Each refresh reads rows written since this long before the previous refresh (by the
 * database's clock, which stamps updated_at): a transaction stamped before that read but
 * committed after it (a slow rollout pass, a busy database) is still seen. A changed row is
 * read about this many times; an unchanged fleet costs an empty query.
 */
const REREAD_MARGIN_MS = 5_000;
/**
 * Rows per statement. Building a statement's parameters and serialising them is synchronous
 * (about 1 kB of details per report): a whole fleet reporting at once (a controller restart,
 * 10,000 first heartbeats) in one statement held the event loop for tens of milliseconds.
 */
export const REPORTS_PER_BATCH = 250;
export const LIVENESS_PER_STATEMENT = 1_000;

/**
 * Keeps the registry and the nodes table in step, once a second on every API
 * process (not only the leader: each writes what its own heartbeats said; the
 * `node-sync` loop in workers.ts runs `tick`):
 * 1. flush: one UPDATE per REPORTS_PER_BATCH reports that changed (with their audit
 *    entries and `node.updated` events, in one transaction) and one per
 *    LIVENESS_PER_STATEMENT for liveness
 *    (last_seen_at, counters) of every node heard from;
 * 2. refresh: rows changed since the last look (desired stages set by the
 *    rollout engine, reports written by other processes, new nodes).
 */
export class NodeSync {
  #current: Promise<void> | undefined;
  /** The database's clock at the last refresh (at start: the newest row loaded). */
  #readAtMs = 0;

  constructor(
    private readonly registry: NodeRegistry,
    private readonly states: NodeStateRepository,
    private readonly writeReportBatch: WriteReportBatch,
    private readonly log: NodeSyncLogger,
    private readonly rereadMarginMs = REREAD_MARGIN_MS,
  ) {}

  /** Once the registry is loaded: later refreshes read rows written since then. */
  start(): void {
    for (const entry of this.registry.all()) this.#readAtMs = Math.max(this.#readAtMs, entry.persistedUpdatedMs);
  }

  /** The final flush, once the loop is stopped (no heartbeat is accepted anymore). */
  async stop(): Promise<void> {
    await this.#current;
    await this.flush().catch((error: unknown) => this.log.warn({ err: error }, 'final node flush failed'));
  }

  /** One pass: what the `node-sync` loop runs every second. */
  async tick(): Promise<void> {
    await this.#current;
    this.#current = (async () => {
      await this.flush();
      await this.refresh();
    })();
    try {
      await this.#current;
    } finally {
      this.#current = undefined;
    }
  }

  async flush(): Promise<void> {
    const touched = [...this.registry.touched];
    this.registry.touched.clear();
    if (touched.length === 0) return;
    try {
      await this.#writeReports(touched);
      await this.#writeLiveness(touched);
    } catch (error) {
      for (const entry of touched) this.registry.touched.add(entry);
      throw error;
    }
  }

  async refresh(): Promise<void> {
    // Not "since the newest row seen": with nothing new that re-read the fleet's last writes every second.
    const readFromSeq = this.registry.desireSeq;
    const { rows, readAtMs } = await this.states.changedSince(this.#readAtMs - this.rereadMarginMs);
    this.#readAtMs = Math.max(this.#readAtMs, readAtMs);
    await forEachYielding(rows, (row) => {
      // A safety net for a missed decommission signal (the listener was reconnecting).
      if (row.isDecommissioned) this.registry.remove(row.id);
      else this.registry.apply(row, false, readFromSeq);
    });
  }

  async #writeReports(touched: readonly NodeEntry[]): Promise<void> {
    const writes: ReportWrite[] = [];
    for (const entry of touched) {
      const { report, details } = entry;
      if (!report) continue;
      const detailsJson = details && details.json !== entry.persistedDetailsJson ? details.json : null;
      if (detailsJson === null && isSameReport(report, entry.persisted)) continue;
      writes.push({
        id: entry.id,
        hostname: entry.hostname,
        report,
        detailsJson,
        changes: notableChanges(entry.persisted, report),
      });
    }
    for (let start = 0; start < writes.length; start += REPORTS_PER_BATCH)
      await this.#writeReportBatch(writes.slice(start, start + REPORTS_PER_BATCH));
  }

  async #writeReportBatch(writes: readonly ReportWrite[]): Promise<void> {
    const { updatedMs, rejected } = await this.writeReportBatch(writes);
    for (const write of writes) {
      const entry = this.registry.get(write.id);
      if (!entry) continue;
      const reason = rejected.get(write.id);
      if (reason !== undefined) {
        // Counted as written so it is not retried every second; the node's next changed report is.
        this.log.warn({ nodeId: write.id, hostname: write.hostname, reason }, 'node report refused by PostgreSQL');
        entry.persisted = write.report;
        if (write.detailsJson !== null) entry.persistedDetailsJson = write.detailsJson;
        continue;
      }
      entry.persisted = write.report;
      entry.persistedUpdatedMs = updatedMs.get(write.id) ?? entry.persistedUpdatedMs;
      if (write.detailsJson !== null) entry.persistedDetailsJson = write.detailsJson;
    }
  }

  async #writeLiveness(touched: readonly NodeEntry[]): Promise<void> {
    const written: [NodeEntry, NonNullable<NodeEntry['liveness']>][] = [];
    const writes: LivenessWrite[] = [];
    for (const entry of touched) {
      const liveness = entry.liveness;
      if (!liveness) continue;
      written.push([entry, liveness]);
      writes.push({ id: entry.id, lastSeenMs: liveness.lastSeenMs, snapshot: liveness.snapshot });
    }
    await inChunks(writes, LIVENESS_PER_STATEMENT, (chunk) => this.states.writeLiveness(chunk));
    // A heartbeat that arrived during the write stays pending for the next flush.
    for (const [entry, liveness] of written) if (entry.liveness === liveness) entry.liveness = undefined;
  }
}
