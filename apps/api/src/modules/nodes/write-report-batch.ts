import type pg from 'pg';
import { inTransaction } from '../../db/sql';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditEntry, AuditRepository } from '../audit/audit-repository';
import { AUDITED_FIELDS } from './node-report';
import type { NodeStateRepository, ReportWrite } from './node-state-repository';

export interface ReportBatchDeps {
  readonly pool: pg.Pool;
  readonly states: NodeStateRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
}

/** The writes whose changes are history, as audit entries (the agent is the actor). */
function auditEntriesOf(writes: readonly ReportWrite[]): AuditEntry[] {
  return writes
    .filter((write) => AUDITED_FIELDS.some((field) => field in write.changes))
    .map((write) => ({
      actor: { actorType: 'agent', actorId: write.id, actorName: write.hostname },
      action: 'node.report',
      subjectType: 'node',
      subjectId: write.id,
      data: { hostname: write.hostname, changes: write.changes },
    }));
}

/** What a batch write did: each written node's new updated_at, and the rows PostgreSQL refused. */
export interface ReportBatchResult {
  readonly updatedMs: Map<string, number>;
  /** Node id → PostgreSQL's reason; these rows are left out, the others written. */
  readonly rejected: Map<string, string>;
}

/**
 * A row's own data was refused (SQLSTATE class 22 data exception, 23 integrity violation):
 * retrying it alone can only fail again, while the rest of its batch is fine. Anything else
 * (connection lost, shutdown, serialization) fails the whole batch, which is re-queued.
 */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * Writes a batch of node reports, their audit entries and their `node.updated` events in
 * one transaction (the events are delivered on commit, never on rollback). The one place a
 * batch of report rows reaches PostgreSQL, so the one place a bad row is isolated: when
 * PostgreSQL refuses a row's data, the batch is split in halves and retried until the bad
 * rows stand alone; they are returned as rejected and every other row is written.
 */
export function createReportBatchWriter({ pool, states, audit, events }: ReportBatchDeps) {
  async function writeTogether(writes: readonly ReportWrite[]): Promise<Map<string, number>> {
    const notifications = writes
      .filter((write) => Object.keys(write.changes).length > 0)
      .map((write) =>
        events.payload('node.updated', { id: write.id, hostname: write.hostname, changes: write.changes }),
      );
    return inTransaction(pool, async (client) => {
      const updatedMs = await states.writeReports(writes, client);
      await audit.recordMany(auditEntriesOf(writes), client);
      await events.notifyManyIn(client, notifications);
      return updatedMs;
    });
  }

  async function write(writes: readonly ReportWrite[], result: ReportBatchResult): Promise<void> {
    try {
      for (const [id, ms] of await writeTogether(writes)) result.updatedMs.set(id, ms);
    } catch (error) {
      if (!isRowError(error)) throw error;
      const [only] = writes;
      if (writes.length === 1 && only) {
        result.rejected.set(only.id, error instanceof Error ? error.message : String(error));
        return;
      }
      const half = Math.ceil(writes.length / 2);
      await write(writes.slice(0, half), result);
      await write(writes.slice(half), result);
    }
  }

  return async function writeReportBatch(writes: readonly ReportWrite[]): Promise<ReportBatchResult> {
    const result: ReportBatchResult = { updatedMs: new Map(), rejected: new Map() };
    await write(writes, result);
    return result;
  };
}

export type WriteReportBatch = ReturnType<typeof createReportBatchWriter>;
