import fp from 'fastify-plugin';
import pg from 'pg';
import { applyMigrations } from '../db/migrate';
import type { Migration } from '../db/migrations';
import { createPrismaClient, type PrismaClient } from '../db/prisma-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** Prisma for everything but the hot paths. */
    prisma: PrismaClient;
    /** The same connections as Prisma, for hot paths (heartbeats, rate ingest) in raw SQL. */
    pg: pg.Pool;
    /** The migrations this build ships (for readiness). */
    migrations: readonly Migration[];
  }
}

export interface PrismaPluginOptions {
  /** Contains the password: never log it. */
  readonly databaseUrl: string;
  readonly poolSize: number;
  readonly migrations: readonly Migration[];
  /** Apply pending migrations before serving (under an advisory lock, so many processes may start at once). */
  readonly isMigrating: boolean;
}

export default fp<PrismaPluginOptions>(
  async (app, options) => {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize,
      application_name: 'iamroll-api',
    });
    // An idle connection dropped by the server must not crash the process; the pool replaces it.
    pool.on('error', (error) => app.log.warn({ err: error }, 'an idle database connection failed'));
    try {
      if (options.isMigrating) await applyMigrations(pool, options.migrations, app.log);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const prisma = createPrismaClient(pool);
    app.decorate('prisma', prisma);
    app.decorate('pg', pool);
    app.decorate('migrations', options.migrations);
    app.addHook('onClose', async () => {
      await prisma.$disconnect();
      await pool.end();
    });
  },
  { name: 'prisma', fastify: '5.x' },
);
