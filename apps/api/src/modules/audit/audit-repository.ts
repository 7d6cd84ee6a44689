import type { AuditEventView, AuditQuery } from '@iamroll/contracts';
import type pg from 'pg';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';
import type { SqlClient } from '../../db/sql';
import type { Actor } from '../auth/principal';

export interface AuditEntry {
  readonly actor: Actor;
  /** `<domain>.<verb>`, e.g. `user.create`. */
  readonly action: string;
  readonly subjectType?: string;
  readonly subjectId?: string;
  readonly reason?: string | undefined;
  /** What changed; never secrets (no passwords, tokens or hashes). */
  readonly data?: Record<string, unknown>;
}

type AuditRow = Prisma.AuditEventGetPayload<object>;

function toView(row: AuditRow): AuditEventView {
  return {
    id: row.id.toString(),
    at: row.at.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    reason: row.reason,
    data: (row.data ?? {}) as Record<string, unknown>,
  };
}

/**
 * The audit log is append-only (a database trigger enforces it): record and read, nothing else.
 * Every audit row is written here, through Prisma (`record`) or, for raw-SQL transactions on
 * the hot path, in one statement (`recordMany`).
 */
export function createAuditRepository(prisma: PrismaClient, pool: pg.Pool) {
  return {
    /** Pass the transaction that makes the change, so the entry commits (or not) with it. */
    async record(entry: AuditEntry, db: Db = prisma): Promise<void> {
      await db.auditEvent.create({
        data: {
          actorType: entry.actor.actorType,
          actorId: entry.actor.actorId,
          actorName: entry.actor.actorName,
          action: entry.action,
          subjectType: entry.subjectType ?? null,
          subjectId: entry.subjectId ?? null,
          reason: entry.reason ?? null,
          data: (entry.data ?? {}) as Prisma.InputJsonObject,
        },
      });
    },

    /** Many entries in one INSERT; pass the transaction's client so they commit (or not) with the change. */
    async recordMany(entries: readonly AuditEntry[], sql: SqlClient = pool): Promise<void> {
      if (entries.length === 0) return;
      const column = <T>(pick: (entry: AuditEntry) => T) => entries.map(pick);
      await sql.query(
        `INSERT INTO audit_events (actor_type, actor_id, actor_name, action, subject_type, subject_id, reason, data)
         SELECT u.actor_type::actor_type, u.actor_id, u.actor_name, u.action, u.subject_type, u.subject_id, u.reason,
                u.data::jsonb
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             AS u(actor_type, actor_id, actor_name, action, subject_type, subject_id, reason, data)`,
        [
          column((e) => e.actor.actorType),
          column((e) => e.actor.actorId),
          column((e) => e.actor.actorName),
          column((e) => e.action),
          column((e) => e.subjectType ?? null),
          column((e) => e.subjectId ?? null),
          column((e) => e.reason ?? null),
          column((e) => JSON.stringify(e.data ?? {})),
        ],
      );
    },

    async list(query: AuditQuery): Promise<{ items: AuditEventView[]; total: number }> {
      const where: Prisma.AuditEventWhereInput = {
        ...(query.action ? { action: query.action } : {}),
        ...(query.subjectType ? { subjectType: query.subjectType } : {}),
        ...(query.subjectId ? { subjectId: query.subjectId } : {}),
      };
      const [rows, total] = await Promise.all([
        prisma.auditEvent.findMany({ where, orderBy: { id: 'desc' }, skip: query.offset, take: query.limit }),
        prisma.auditEvent.count({ where }),
      ]);
      return { items: rows.map(toView), total };
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
