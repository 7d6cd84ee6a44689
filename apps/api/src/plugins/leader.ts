import fp from 'fastify-plugin';
import { LeaderElection } from './leader-election';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * `isLeader`; events `acquired` / `lost`; `run(name, intervalMs, fn)`
     * registers leader-only work (alarm evaluation, rollout reconciler, …).
     */
    leader: LeaderElection;
  }
}

export interface LeaderPluginOptions {
  readonly databaseUrl: string;
  /** How often a follower tries to take the lock (and a leader checks its connection). */
  readonly retryMs: number;
}

export default fp<LeaderPluginOptions>(
  (app, options, done) => {
    const leader = new LeaderElection(options.databaseUrl, options.retryMs, app.log);
    app.decorate('leader', leader);
    // Start once every plugin and route is registered, so workers added during registration run.
    app.addHook('onReady', () => leader.start());
    app.addHook('onClose', () => leader.stop());
    done();
  },
  { name: 'leader', fastify: '5.x', dependencies: ['prisma'] },
);
