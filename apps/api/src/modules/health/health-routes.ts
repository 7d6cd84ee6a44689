import { HealthResponse, ReadyResponse } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { pendingMigrations } from '../../db/migrate';

/** Liveness and readiness for load balancers and orchestrators; unauthenticated and cheap. */
export const healthRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  app.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: { summary: 'Liveness: the process answers', tags: ['health'], response: { 200: HealthResponse } },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Readiness: the database answers and every migration is applied',
        tags: ['health'],
        response: { 200: ReadyResponse, 503: ReadyResponse },
      },
    },
    async (_request, reply) => {
      let pending: string[];
      try {
        pending = await pendingMigrations(app.pg, app.migrations);
      } catch (error) {
        app.log.warn({ err: error }, 'readiness: the database does not answer');
        return reply.status(503).send({
          status: 'not_ready',
          checks: { database: 'failing', migrations: 'failing' },
          message: 'The database does not answer; the log has the details.',
        });
      }
      if (pending.length > 0) {
        return reply.status(503).send({
          status: 'not_ready',
          checks: { database: 'ok', migrations: 'failing' },
          message: `Migrations not applied yet: ${pending.join(', ')}.`,
        });
      }
      return { status: 'ready' as const, checks: { database: 'ok' as const, migrations: 'ok' as const } };
    },
  );
  done();
};
