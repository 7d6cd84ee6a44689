import type { FastifyInstance } from 'fastify';
import type { Services } from './services';

const HOUR_MS = 3_600_000;

/** Leader-only background work: one place to see every loop the controller runs. */
export function registerWorkers(app: FastifyInstance, services: Services): void {
  app.leader.run('session-cleanup', HOUR_MS, async () => {
    const { count } = await services.repositories.sessions.deleteExpired(new Date());
    if (count > 0) app.log.info({ count }, 'expired sessions deleted');
  });
}
