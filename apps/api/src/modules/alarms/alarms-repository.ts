import type { AlarmsQuery } from '@iamroll/contracts';
import type pg from 'pg';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';
import type { SqlClient } from '../../db/sql';

export type AlarmRow = Prisma.AlarmGetPayload<object>;

export interface NewAlarm {
  readonly key: string;
  readonly kind: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly subjectType: string;
  readonly subjectId: string;
  readonly message: string;
  readonly value: number | null;
  readonly openedAt: Date;
}

/** Every column, named as Prisma names them: raw-SQL rows read as `AlarmRow`. */
const ALARM_COLUMNS = `id, key, kind, severity, subject_type AS "subjectType", subject_id AS "subjectId", message, value,
  opened_at AS "openedAt", acknowledged_at AS "acknowledgedAt", acknowledged_by AS "acknowledgedBy",
  resolved_at AS "resolvedAt"`;

function whereOf(state: AlarmsQuery['state']): Prisma.AlarmWhereInput {
  switch (state ?? 'all') {
    case 'open':
      return { resolvedAt: null, acknowledgedAt: null };
    case 'acknowledged':
      return { resolvedAt: null, acknowledgedAt: { not: null } };
    case 'resolved':
      return { resolvedAt: { not: null } };
    case 'all':
      return {};
  }
}

export function createAlarmsRepository(prisma: PrismaClient, pool: pg.Pool) {
  return {
    list: async (query: AlarmsQuery, db: Db = prisma) => {
      const where = whereOf(query.state);
      const [rows, total] = await Promise.all([
        db.alarm.findMany({
          where,
          orderBy: [{ openedAt: 'desc' }, { id: 'asc' }],
          skip: query.offset,
          take: query.limit,
        }),
        db.alarm.count({ where }),
      ]);
      return { rows, total };
    },
    findById: (id: string, db: Db = prisma) => db.alarm.findUnique({ where: { id } }),
    /** Unresolved alarms by key (at most one per key: a partial unique index). */
    async unresolved(): Promise<Map<string, { id: string; message: string; value: number | null }>> {
      const { rows } = await pool.query<{ id: string; key: string; message: string; value: number | null }>(
        'SELECT id, key, message, value FROM alarms WHERE resolved_at IS NULL',
      );
      return new Map(rows.map((row) => [row.key, row]));
    },
    /** Throws P2002 when another process opened the same key first. */
    create: (alarm: NewAlarm, db: Db = prisma) => db.alarm.create({ data: alarm }),
    /**
     * Opens many in one statement, inside the caller's transaction: a key another process opened
     * first is skipped (the partial unique index), and only the rows inserted come back.
     */
    async openMany(rows: readonly NewAlarm[], sql: SqlClient): Promise<AlarmRow[]> {
      if (rows.length === 0) return [];
      const column = <T>(pick: (alarm: NewAlarm) => T) => rows.map(pick);
      const { rows: opened } = await sql.query<AlarmRow>(
        `INSERT INTO alarms (key, kind, severity, subject_type, subject_id, message, value, opened_at)
         SELECT u.key, u.kind, u.severity::alarm_severity, u.subject_type, u.subject_id, u.message, u.value, u.opened_at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::timestamptz[])
             AS u(key, kind, severity, subject_type, subject_id, message, value, opened_at)
         ON CONFLICT (key) WHERE resolved_at IS NULL DO NOTHING
         RETURNING ${ALARM_COLUMNS}`,
        [
          column((a) => a.key),
          column((a) => a.kind),
          column((a) => a.severity),
          column((a) => a.subjectType),
          column((a) => a.subjectId),
          column((a) => a.message),
          column((a) => a.value),
          column((a) => a.openedAt),
        ],
      );
      return opened;
    },
    /** Resolves the unresolved alarms with these keys in one statement; returns those it resolved. */
    async resolveMany(keys: readonly string[], at: Date, sql: SqlClient): Promise<AlarmRow[]> {
      if (keys.length === 0) return [];
      const { rows } = await sql.query<AlarmRow>(
        `UPDATE alarms SET resolved_at = $2 WHERE key = ANY($1::text[]) AND resolved_at IS NULL RETURNING ${ALARM_COLUMNS}`,
        [keys, at],
      );
      return rows;
    },
    /** Null when it was resolved meanwhile (by another leader). */
    resolve: async (key: string, at: Date, db: Db = prisma): Promise<AlarmRow | null> => {
      const current = await db.alarm.findFirst({ where: { key, resolvedAt: null } });
      if (!current) return null;
      const { count } = await db.alarm.updateMany({
        where: { id: current.id, resolvedAt: null },
        data: { resolvedAt: at },
      });
      return count === 1 ? { ...current, resolvedAt: at } : null;
    },
    /** Resolves every unresolved alarm about this subject (a decommissioned node's); returns them resolved. */
    resolveForSubject: async (
      subjectType: string,
      subjectId: string,
      at: Date,
      db: Db = prisma,
    ): Promise<AlarmRow[]> => {
      const current = await db.alarm.findMany({ where: { subjectType, subjectId, resolvedAt: null } });
      if (current.length === 0) return [];
      await db.alarm.updateMany({
        where: { id: { in: current.map((row) => row.id) }, resolvedAt: null },
        data: { resolvedAt: at },
      });
      return current.map((row) => ({ ...row, resolvedAt: at }));
    },
    acknowledge: (id: string, by: string, at: Date, db: Db = prisma) =>
      db.alarm.update({ where: { id }, data: { acknowledgedAt: at, acknowledgedBy: by } }),
    /** Current figures of alarms that stay open (not audited: the condition is the same). */
    async refresh(updates: readonly { id: string; message: string; value: number | null }[]): Promise<void> {
      if (updates.length === 0) return;
      await pool.query(
        `UPDATE alarms a SET message = u.message, value = u.value
           FROM unnest($1::uuid[], $2::text[], $3::float8[]) AS u(id, message, value)
          WHERE a.id = u.id AND a.resolved_at IS NULL`,
        [updates.map((u) => u.id), updates.map((u) => u.message), updates.map((u) => u.value)],
      );
    },
  };
}

export type AlarmsRepository = ReturnType<typeof createAlarmsRepository>;
