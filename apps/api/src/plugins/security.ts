import fp from 'fastify-plugin';
import { API_CACHE_CONTROL, SECURITY_HEADERS } from '../http/security-headers';

/**
 * One hook sets the security headers on every response that goes through Fastify's reply,
 * errors and 404s included (onSend runs for those too, unlike onRequest hooks after a
 * failed auth check), and `Cache-Control: no-store` on everything under /api/. Headers a
 * route set itself (Swagger UI's CSP, the SSE stream's cache-control) are kept. Register
 * it first, so it covers every route and handler added after it.
 */
/** Listed once: the hook runs on every response (thousands of heartbeats a second). */
const HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

export default fp(
  (app, _options, done) => {
    app.addHook('onSend', (request, reply, payload, next) => {
      for (const [name, value] of HEADER_ENTRIES) if (!reply.hasHeader(name)) reply.header(name, value);
      if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
        reply.header('cache-control', API_CACHE_CONTROL);
      next(null, payload);
    });
    done();
  },
  { name: 'security', fastify: '5.x' },
);
