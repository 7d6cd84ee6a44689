import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { SESSION_COOKIE } from '../modules/auth/authenticate';

export interface OpenApiOptions {
  readonly version: string;
}

/**
 * The OpenAPI document is built from the routes' TypeBox schemas (the same
 * ones that validate requests), so it cannot drift from the code. JSON at
 * /docs/json, UI at /docs. Register before any route.
 */
export default fp<OpenApiOptions>(
  async (app, options) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'iamroll controller API',
          version: options.version,
          description:
            'Stage a Kong Gateway fleet from password to AWS IAM authentication on Amazon RDS PostgreSQL. ' +
            'Browsers authenticate with the session cookie from POST /api/v1/auth/login and send the CSRF token from ' +
            'GET /api/v1/auth/me as `x-csrf-token` on changes; scripts send `Authorization: Bearer iam_…`.',
        },
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
            apiToken: { type: 'http', scheme: 'bearer', description: 'An API token (`iam_…`).' },
            agent: {
              type: 'http',
              scheme: 'bearer',
              description: 'An agent credential (`iamagent_…`), agent routes only.',
            },
            enrollment: {
              type: 'http',
              scheme: 'bearer',
              description: 'An enrollment token (`iamenroll_…` or IAMROLL_ENROLLMENT_TOKEN).',
            },
          },
        },
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // The controller is often reached over plain http (loopback, a private address): upgrading would break the UI's assets.
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
    });
  },
  { name: 'openapi', fastify: '5.x' },
);
