import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebPluginOptions {
  /** The built dashboard (apps/web/dist); default: this checkout's. */
  readonly distDir?: string;
}

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths that stay the API's even for a browser: no SPA page for them, a JSON 404 when unknown. */
export function isServerPath(path: string): boolean {
  return (
    path === '/api' ||
    path.startsWith('/api/') ||
    path === '/docs' ||
    path.startsWith('/docs/') ||
    path === '/metrics' ||
    // A missing hashed asset is a 404, not the app (a stale tab after an upgrade asks for old names).
    path.startsWith('/assets/')
  );
}

const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>iamroll</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}code{background:#eef2f7;padding:.1rem .3rem;border-radius:.2rem}</style>
</head>
<body>
<h1>iamroll controller</h1>
<p>The controller is running, but the dashboard is not built in this checkout.</p>
<p>Build it once with <code>npm run build -w @iamroll/web</code> and restart
(<code>npm start</code> does both). Meanwhile the API is at <a href="/docs">/docs</a>.</p>
</body>
</html>
`;

/**
 * The dashboard at `/`: static files from apps/web/dist (hashed assets cached
 * for a year, index.html never), and index.html for every other GET that is
 * not the API's, so deep links like /nodes/… load the app (one origin, no CORS).
 * The page is the not-found fallback, not a `/*` route: a wildcard route would
 * catch what the router itself must answer (an over-long path parameter's 414).
 */
export default fp<WebPluginOptions>(
  async (app, options) => {
    const distDir = options.distDir ?? DEFAULT_WEB_DIST;
    const indexPath = join(distDir, 'index.html');
    const isBuilt = existsSync(indexPath);
    if (!isBuilt) {
      app.log.warn({ distDir }, 'the dashboard is not built: run `npm run build -w @iamroll/web` (npm start does it)');
    } else {
      await app.register(fastifyStatic, {
        root: distDir,
        prefix: '/',
        wildcard: false,
        index: false,
        // Our own Cache-Control: hashed assets for a year, everything else revalidated.
        cacheControl: false,
        setHeaders: (reply, path) => {
          reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    }
    // Read once: the build does not change under a running controller.
    const page = isBuilt ? readFileSync(indexPath, 'utf8') : NOT_BUILT;
    const sendPage = (reply: FastifyReply) =>
      reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page);
    app.get('/', { schema: { hide: true } }, (_request, reply) => sendPage(reply));
    app.pageFallback = (request: FastifyRequest, reply: FastifyReply) =>
      isServerPath(request.url.split('?')[0] ?? '/') ? undefined : sendPage(reply);
  },
  { name: 'web', fastify: '5.x', dependencies: ['errors'] },
);
