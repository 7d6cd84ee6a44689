import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

export type { Prisma } from '../generated/prisma/client';

/**
 * Prisma on the app's own pg pool (no native engine: the query compiler is
 * WebAssembly and the adapter speaks through node-postgres), so Prisma and
 * the raw-SQL hot paths share one set of connections.
 */
export function createPrismaClient(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

export { PrismaClient };

/** A Prisma client or an interactive transaction: what repository methods accept. */
export type Db = Pick<
  PrismaClient,
  | 'user'
  | 'session'
  | 'apiToken'
  | 'enrollmentToken'
  | 'agentCredential'
  | 'auditEvent'
  | 'node'
  | 'database'
  | 'rateSample'
  | 'alarm'
  | 'rollout'
  | 'rolloutNode'
  | 'webhookOutbox'
  | '$executeRaw'
  | '$queryRaw'
>;

/** Prisma's code for a unique constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
