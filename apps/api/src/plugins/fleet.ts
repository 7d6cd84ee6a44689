import fp from 'fastify-plugin';
import { createFleet, type Fleet, type FleetDeps } from '../modules/heartbeats/create-fleet';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every database and node in memory, the fleet's rates, and the loops that keep them in step (workers.ts). */
    fleet: Fleet;
  }
}

export interface FleetPluginOptions {
  readonly databaseUrl: string;
  readonly repositories: FleetDeps['repositories'];
  readonly nowMs: () => number;
  /** IAMROLL_HEARTBEAT_KEEP_ALIVE_MS (default: reply-interval.ts's). */
  readonly keepAliveMs?: number;
  /** IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS (default: keep-alive-governor.ts's). */
  readonly keepAliveMaxMs?: number;
  readonly sampleLoopUtilisation?: () => number;
}

/**
 * The fleet's lifecycle: loaded when the app is ready (before the leader starts, so
 * leader workers never judge an empty fleet), stopped in onClose once no request is in
 * flight. Registered after `events` and before `leader`, so closing (last registered,
 * first closed) stops leader workers first, then the fleet's loops, its forwarded
 * records and its final write, then the event bus, then the pool.
 */
export default fp<FleetPluginOptions>(
  (app, options, done) => {
    const fleet = createFleet({
      pool: app.pg,
      databaseUrl: options.databaseUrl,
      log: app.log,
      events: app.events,
      metrics: app.metrics,
      forgetAgentNode: (nodeId) => app.agentCredentials.forgetNode(nodeId),
      forgetAgentCredential: (credentialId) => app.agentCredentials.forgetCredential(credentialId),
      repositories: options.repositories,
      nowMs: options.nowMs,
      ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
      ...(options.keepAliveMaxMs === undefined ? {} : { keepAliveMaxMs: options.keepAliveMaxMs }),
      ...(options.sampleLoopUtilisation ? { sampleLoopUtilisation: options.sampleLoopUtilisation } : {}),
    });
    app.decorate('fleet', fleet);
    app.addHook('onReady', () => fleet.start());
    app.addHook('onClose', () => fleet.stop());
    done();
  },
  { name: 'fleet', fastify: '5.x', dependencies: ['prisma', 'auth', 'metrics', 'events'] },
);
