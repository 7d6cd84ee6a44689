import type { DatabaseNodeCounts } from '@iamroll/contracts';
import type pg from 'pg';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';
import type { DatabaseEntry } from './database-directory';

export type DatabaseRow = Prisma.DatabaseGetPayload<object>;

export interface CreateDatabaseData {
  readonly identifier: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly budgetPerSecond: number;
  readonly warningThreshold: number;
}

const ZERO_COUNTS = (): DatabaseNodeCounts => ({ total: 0, rw: { password: 0, iam: 0 }, ro: { password: 0, iam: 0 } });

export function createDatabasesRepository(prisma: PrismaClient, pool: pg.Pool) {
  return {
    list: async (page: { limit: number; offset: number }, db: Db = prisma) => {
      const [rows, total] = await Promise.all([
        db.database.findMany({ orderBy: { identifier: 'asc' }, skip: page.offset, take: page.limit }),
        db.database.count(),
      ]);
      return { rows, total };
    },
    findById: (id: string, db: Db = prisma) => db.database.findUnique({ where: { id } }),
    findByEndpoint: (host: string, port: number, db: Db = prisma) =>
      db.database.findFirst({ where: { host: { equals: host, mode: 'insensitive' }, port } }),
    create: (data: CreateDatabaseData, db: Db = prisma) => db.database.create({ data }),
    update: (id: string, data: { budgetPerSecond?: number; warningThreshold?: number }, db: Db = prisma) =>
      db.database.update({ where: { id }, data }),

    /** Every database, for the in-memory directory (one small query). */
    async loadDirectory(): Promise<DatabaseEntry[]> {
      const { rows } = await pool.query<DatabaseEntry>(
        `SELECT id, identifier, host, port, budget_per_second AS "budgetPerSecond", warning_threshold AS "warningThreshold" FROM databases`,
      );
      return rows;
    },

    /** Nodes per database and connection kind, by the auth mode they use now (decommissioned ones left out). */
    async nodeCounts(databaseIds: readonly string[]): Promise<Map<string, DatabaseNodeCounts>> {
      const counts = new Map<string, DatabaseNodeCounts>(databaseIds.map((id) => [id, ZERO_COUNTS()]));
      if (databaseIds.length === 0) return counts;
      const { rows } = await pool.query<{
        databaseId: string;
        kind: 'rw' | 'ro';
        mode: 'password' | 'iam';
        nodes: number;
        total: number;
      }>(
        `SELECT rw_database_id AS "databaseId", 'rw' AS kind, rw_auth_mode::text AS mode, count(*)::int AS nodes
           FROM nodes WHERE rw_database_id = ANY($1::uuid[]) AND decommissioned_at IS NULL GROUP BY 1, 3
         UNION ALL
         SELECT ro_database_id, 'ro', ro_auth_mode::text, count(*)::int
           FROM nodes WHERE ro_database_id = ANY($1::uuid[]) AND ro_auth_mode IS NOT NULL AND decommissioned_at IS NULL GROUP BY 1, 3`,
        [databaseIds],
      );
      for (const row of rows) {
        const entry = counts.get(row.databaseId);
        if (entry) entry[row.kind][row.mode] += row.nodes;
      }
      const { rows: totals } = await pool.query<{ databaseId: string; total: number }>(
        `SELECT d.id AS "databaseId", count(n.id)::int AS total
           FROM unnest($1::uuid[]) AS d(id)
           JOIN nodes n ON (n.rw_database_id = d.id OR n.ro_database_id = d.id) AND n.decommissioned_at IS NULL
          GROUP BY d.id`,
        [databaseIds],
      );
      for (const row of totals) {
        const entry = counts.get(row.databaseId);
        if (entry) entry.total = row.total;
      }
      return counts;
    },
  };
}

export type DatabasesRepository = ReturnType<typeof createDatabasesRepository>;
