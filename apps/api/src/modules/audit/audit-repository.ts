import type { AuditEventView, AuditQuery } from '@iamroll/contracts';
import type { Db, Prisma, PrismaClient } from '../../db/prisma-client';
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

/** The audit log is append-only (a database trigger enforces it): record and read, nothing else. */
export function createAuditRepository(prisma: PrismaClient) {
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
