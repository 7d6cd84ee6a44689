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

/**
 * Writes a batch of node reports, their audit entries and their `node.updated` events in
 * one transaction (the events are delivered on commit, never on rollback). Returns each
 * written node's new updated_at. The one place a batch of report rows reaches PostgreSQL:
 * isolating a bad row from the rest of its batch belongs here.
 */
export function createReportBatchWriter({ pool, states, audit, events }: ReportBatchDeps) {
  return async function writeReportBatch(writes: readonly ReportWrite[]): Promise<Map<string, number>> {
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
  };
}

export type WriteReportBatch = ReturnType<typeof createReportBatchWriter>;
