import type {
  CreateDatabaseBody,
  DatabaseList,
  DatabaseNodeCounts,
  DatabaseView,
  PageQuery,
  UpdateDatabaseBody,
} from '@iamroll/contracts';
import { databaseFigures, secondOf, SECOND_MS, utilisation } from '@iamroll/core/rates';
import type { PrismaClient } from '../../db/prisma-client';
import { AppError } from '../../errors';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import type { Actor } from '../auth/principal';
import type { RatesMemory } from '../rates/rates-memory';
import type { DatabaseRow, DatabasesRepository } from './databases-repository';
import type { DatabaseIamService } from './database-iam-service';
import { isUniqueViolation } from '../../db/prisma-client';

const HOUR_MS = 3_600_000;

export interface DatabasesServiceDeps {
  readonly prisma: PrismaClient;
  readonly databases: DatabasesRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
  readonly rates: RatesMemory;
  /** Reloads every process's in-memory directory (heartbeats match endpoints there). */
  readonly onChanged: () => Promise<void>;
  readonly nowMs: () => number;
  /** Preflight (issue 12): DescribeDBInstances verdicts, policy and SQL. */
  readonly iam?: DatabaseIamService;
}

export function createDatabasesService({
  prisma,
  databases,
  audit,
  events,
  rates,
  onChanged,
  nowMs,
  iam,
}: DatabasesServiceDeps) {
  function toView(row: DatabaseRow, nodes: DatabaseNodeCounts): DatabaseView {
    const now = nowMs();
    const figures = databaseFigures(rates.fleet, row.id, now);
    const peak = rates.fleet.database(row.id)?.iamAttempts.peak(now - HOUR_MS, (secondOf(now) + 1) * SECOND_MS);
    const hasPeak = peak !== undefined && peak.count > 0;
    return {
      id: row.id,
      identifier: row.identifier,
      host: row.host,
      port: row.port,
      region: row.region,
      budgetPerSecond: row.budgetPerSecond,
      warningThreshold: row.warningThreshold,
      ratePerSecond: figures.ratePerSecond,
      peakPerSecond: hasPeak ? peak.count : 0,
      peakAt: hasPeak ? new Date(peak.timeMs).toISOString() : null,
      utilisation: utilisation(figures.ratePerSecond, row.budgetPerSecond),
      throttledLast10s: figures.throttledInWindow,
      nodes,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async function viewsOf(rows: readonly DatabaseRow[]): Promise<DatabaseView[]> {
    const counts = await databases.nodeCounts(rows.map((row) => row.id));
    const checks = await iam?.viewsOf(rows.map((row) => row.id));
    return rows.map((row) => {
      const view = toView(
        row,
        counts.get(row.id) ?? { total: 0, rw: { password: 0, iam: 0 }, ro: { password: 0, iam: 0 } },
      );
      const check = checks?.get(row.id);
      return check ? { ...view, iam: check } : view;
    });
  }

  return {
    async list(page: PageQuery): Promise<DatabaseList> {
      const { rows, total } = await databases.list(page);
      return { items: await viewsOf(rows), total };
    },

    async get(id: string): Promise<DatabaseView> {
      const row = await databases.findById(id);
      if (!row) throw AppError.notFound('The database');
      const [view] = await viewsOf([row]);
      if (!iam || !view?.iam) return view!;
      return { ...view, ...(await iam.policyOf(row.id, row.region, view.iam)) };
    },

    async create(actor: Actor, body: CreateDatabaseBody): Promise<DatabaseView> {
      const { reason, ...data } = body;
      try {
        const row = await prisma.$transaction(async (tx) => {
          const sameEndpoint = await databases.findByEndpoint(data.host, data.port, tx);
          if (sameEndpoint) {
            throw AppError.conflict(
              `${data.host}:${data.port} is already registered as ${sameEndpoint.identifier}: nodes are matched to databases by endpoint, so each endpoint can be registered once.`,
            );
          }
          const created = await databases.create(data, tx);
          await audit.record(
            { actor, action: 'database.create', subjectType: 'database', subjectId: created.id, reason, data },
            tx,
          );
          await events.notifyIn(tx, 'database.created', { id: created.id });
          return created;
        });
        await onChanged();
        iam?.checkSoon(row.id);
        const [view] = await viewsOf([row]);
        return view!;
      } catch (error) {
        if (isUniqueViolation(error))
          throw AppError.conflict(`A database with identifier ${body.identifier} is already registered.`);
        throw error;
      }
    },

    async update(actor: Actor, id: string, body: UpdateDatabaseBody): Promise<DatabaseView> {
      const { reason, ...changes } = body;
      if (changes.budgetPerSecond === undefined && changes.warningThreshold === undefined) {
        throw new AppError('validation', 'Send budgetPerSecond and/or warningThreshold to change.', [
          { path: 'body', message: 'has nothing to change' },
        ]);
      }
      const row = await prisma.$transaction(async (tx) => {
        const current = await databases.findById(id, tx);
        if (!current) throw AppError.notFound('The database');
        const updated = await databases.update(id, changes, tx);
        const diff = {
          ...(changes.budgetPerSecond !== undefined && changes.budgetPerSecond !== current.budgetPerSecond
            ? { budgetPerSecond: { from: current.budgetPerSecond, to: changes.budgetPerSecond } }
            : {}),
          ...(changes.warningThreshold !== undefined && changes.warningThreshold !== current.warningThreshold
            ? { warningThreshold: { from: current.warningThreshold, to: changes.warningThreshold } }
            : {}),
        };
        await audit.record(
          {
            actor,
            action: 'database.update',
            subjectType: 'database',
            subjectId: id,
            reason,
            data: { identifier: current.identifier, ...diff },
          },
          tx,
        );
        await events.notifyIn(tx, 'database.updated', { id });
        return updated;
      });
      await onChanged();
      const [view] = await viewsOf([row]);
      return view!;
    },
  };
}

export type DatabasesService = ReturnType<typeof createDatabasesService>;
