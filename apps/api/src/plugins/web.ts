import fp from 'fastify-plugin';

const PLACEHOLDER = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>iamroll</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}code{background:#eef2f7;padding:.1rem .3rem;border-radius:.2rem}</style>
</head>
<body>
<h1>iamroll controller</h1>
<p>The controller is running. The dashboard comes in a later release.</p>
<p>Meanwhile, the API is described and can be tried at <a href="/docs">/docs</a>
(sign in with <code>POST /api/v1/auth/login</code>).</p>
<p>Health: <a href="/api/health">/api/health</a> · readiness: <a href="/api/ready">/api/ready</a> · metrics: <a href="/metrics">/metrics</a></p>
</body>
</html>
`;

/** `/`: a placeholder until the dashboard (apps/web) is served here. */
export default fp(
  (app, _options, done) => {
    app.get('/', { schema: { hide: true } }, (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(PLACEHOLDER),
    );
    done();
  },
  { name: 'web', fastify: '5.x' },
);
