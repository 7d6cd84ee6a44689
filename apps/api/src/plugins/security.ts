import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/**
 * Security headers on every response. The CSP allows only same-origin
 * scripts; Swagger UI (at /docs) serves its scripts from the same origin
 * and needs inline styles and data: images.
 */
export default fp(
  async (app) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          // Served over plain http on loopback by default; upgrading would break it.
          upgradeInsecureRequests: null,
        },
      },
      // HSTS only makes sense over https, which a proxy in front terminates.
      hsts: false,
    });
  },
  { name: 'security', fastify: '5.x' },
);
