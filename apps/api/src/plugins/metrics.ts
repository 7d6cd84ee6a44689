import { createServer, type Server } from 'node:http';
import fp from 'fastify-plugin';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isSameSecret } from '../modules/auth/secrets';
import { registerEventLoopDelay } from './event-loop-delay';

declare module 'fastify' {
  interface FastifyInstance {
    /** Add product metrics to this registry; GET /metrics serves it. */
    metrics: Registry;
  }
}

export interface MetricsOptions {
  /** IAMROLL_METRICS_TOKEN: scrapes must send `Authorization: Bearer <token>` (Prometheus' `authorization` setting). */
  readonly token: string | undefined;
  /** False when IAMROLL_METRICS_LISTEN moves /metrics to a listener of its own (then the API port has none). */
  readonly isOnApiPort: boolean;
}

/** Unset token: anyone who reaches the endpoint may scrape (protect it by address instead). */
function isAuthorised(token: string | undefined, authorization: string | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer +(\S+)$/i.exec(authorization?.trim() ?? '');
  return Boolean(match?.[1] && isSameSecret(match[1], token));
}

const UNAUTHORISED_BODY = JSON.stringify({
  error: {
    code: 'unauthenticated',
    message: 'Send the metrics token (IAMROLL_METRICS_TOKEN) as `Authorization: Bearer …`.',
  },
});
const WWW_AUTHENTICATE = 'Bearer realm="iamroll metrics"';

/**
 * Prometheus metrics: Node's defaults and an HTTP latency histogram by
 * route pattern (not raw URL, which would explode label cardinality). One
 * registry per app, so two apps in one process (tests) do not collide.
 * `/metrics` tells a scraper the Node version, start time, fleet size and
 * per-route counts, so an operator can require a bearer token and/or serve it
 * on a separate address (createMetricsServer) only the monitoring network reaches.
 */
export default fp<MetricsOptions>(
  (app, options, done) => {
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

    // One child per label set, found through nested maps: observe() with a label object hashes it on
    // every request, and a joined key would be a new string per request (thousands of heartbeats a second).
    type Child = ReturnType<typeof requestSeconds.labels>;
    const byLabels = new Map<string, Map<number, Map<string, Child>>>();
    app.addHook('onResponse', (request, reply, next) => {
      const route = request.routeOptions.url ?? 'unmatched';
      let byStatus = byLabels.get(route);
      if (!byStatus) byLabels.set(route, (byStatus = new Map<number, Map<string, Child>>()));
      let byMethod = byStatus.get(reply.statusCode);
      if (!byMethod) byStatus.set(reply.statusCode, (byMethod = new Map<string, Child>()));
      let child = byMethod.get(request.method);
      if (!child) {
        child = requestSeconds.labels(request.method, route, String(reply.statusCode));
        byMethod.set(request.method, child);
      }
      child.observe(reply.elapsedTime / 1000);
      next();
    });

    if (options.isOnApiPort) {
      app.get('/metrics', { schema: { hide: true }, config: { auth: 'public' } }, async (request, reply) => {
        if (!isAuthorised(options.token, request.headers.authorization)) {
          return reply
            .status(401)
            .header('www-authenticate', WWW_AUTHENTICATE)
            .type('application/json; charset=utf-8')
            .send(UNAUTHORISED_BODY);
        }
        return reply.type(registry.contentType).send(await registry.metrics());
      });
    }
    done();
  },
  { name: 'metrics', fastify: '5.x', dependencies: ['auth'] },
);

/** IAMROLL_METRICS_LISTEN: `/metrics` alone on its own listener (server.ts listens; the token applies here too). */
export function createMetricsServer(registry: Registry, token: string | undefined): Server {
  return createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Only GET /metrics is served here.\n');
      return;
    }
    if (!isAuthorised(token, request.headers.authorization)) {
      response
        .writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': WWW_AUTHENTICATE })
        .end(UNAUTHORISED_BODY);
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics failed\n'),
    );
  });
}
