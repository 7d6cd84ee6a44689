import fp from 'fastify-plugin';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerEventLoopDelay } from './event-loop-delay';

declare module 'fastify' {
  interface FastifyInstance {
    /** Add product metrics to this registry; GET /metrics serves it. */
    metrics: Registry;
  }
}

/**
 * Prometheus metrics: Node's defaults and an HTTP latency histogram by
 * route pattern (not raw URL, which would explode label cardinality). One
 * registry per app, so two apps in one process (tests) do not collide.
 */
export default fp(
  (app, _options, done) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const requestSeconds = new Histogram({
      name: 'iamroll_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    app.decorate('metrics', registry);
    const eventLoopDelay = registerEventLoopDelay(registry);
    app.addHook('onClose', (_instance, next) => {
      eventLoopDelay.stop();
      next();
    });

    // One child per label set, looked up by a string: observe() with a label object hashes it on every request.
    const byLabels = new Map<string, ReturnType<typeof requestSeconds.labels>>();
    app.addHook('onResponse', (request, reply, next) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const key = `${request.method} ${reply.statusCode} ${route}`;
      let child = byLabels.get(key);
      if (!child) {
        child = requestSeconds.labels(request.method, route, String(reply.statusCode));
        byLabels.set(key, child);
      }
      child.observe(reply.elapsedTime / 1000);
      next();
    });

    app.get('/metrics', { schema: { hide: true }, config: { auth: 'public' } }, async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    });
    done();
  },
  { name: 'metrics', fastify: '5.x', dependencies: ['auth'] },
);
