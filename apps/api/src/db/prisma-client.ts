import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

export type { Prisma } from '../generated/prisma/client';

/**
 * How long an interactive transaction waits for one of the pool's connections before it fails
 * (Prisma's default is 2 s). A burst of enrollments (a fleet enrolled at once, 32 at a time, on a
 * slow controller) waited longer than that and was answered 500; now they wait their turn, and
 * what still waits longer is answered 503 with Retry-After (plugins/errors.ts).
 */
export const TRANSACTION_MAX_WAIT_MS = 10_000;

/**
 * Prisma on the app's own pg pool (no native engine: the query compiler is
 * WebAssembly and the adapter speaks through node-postgres), so Prisma and
 * the raw-SQL hot paths share one set of connections.
 */
export function createPrismaClient(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: { maxWait: TRANSACTION_MAX_WAIT_MS } });
}

/**
 * Prisma's codes for "no connection in time": P2028, a transaction that could not start within
 * its wait (or ran past its timeout, rolled back), and P2024, a query that timed out waiting for
 * the pool. Nothing was written: the request can be retried as it is.
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = prismaCode(error);
  return code === 'P2028' || code === 'P2024';
}

/** A Prisma error's code (`P2002`, …), or undefined for anything else. */
function prismaCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
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
  return prismaCode(error) === 'P2002';
}
