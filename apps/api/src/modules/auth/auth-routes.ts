import { ChangePasswordBody, LoginBody, LoginResponse, MeResponse, OkResponse } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import type { AuthService } from './auth-service';

export interface AuthRoutesOptions {
  readonly auth: AuthService;
  readonly loginAttemptsPerMinute: number;
}

/** Per client address and username: guessing one account is slow, and one noisy client does not lock out the others. */
function loginRateKey(request: FastifyRequest): string {
  const body = request.body as { username?: unknown } | undefined;
  const username = typeof body?.username === 'string' ? body.username.toLowerCase() : '';
  return `${request.ip}|${username}`;
}

export const authRoutes: FastifyPluginCallbackTypebox<AuthRoutesOptions> = (
  app,
  { auth, loginAttemptsPerMinute },
  done,
) => {
  app.post(
    '/login',
    {
      config: {
        auth: 'public',
        rateLimit: {
          max: loginAttemptsPerMinute,
          timeWindow: 60_000,
          hook: 'preHandler', // after body parsing, so the key can include the username
          keyGenerator: loginRateKey,
          errorResponseBuilder: (_request, context) => ({
            statusCode: 429,
            message: `Too many login attempts for this username from your address: try again in ${context.after}.`,
          }),
        },
      },
      schema: {
        summary: 'Sign in: sets the session cookie',
        tags: ['auth'],
        body: LoginBody,
        response: { 200: LoginResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await auth.login(request.body, request.ip);
      reply.setCookie(app.sessionCookie.name, result.sessionToken, {
        ...app.sessionCookie.options,
        expires: result.expiresAt,
      });
      return result.me;
    },
  );

  app.post(
    '/logout',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Sign out: ends the session',
        tags: ['auth'],
        response: { 200: OkResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      await auth.logout(principalOf(request));
      reply.clearCookie(app.sessionCookie.name, app.sessionCookie.options);
      return { ok: true as const };
    },
  );

  app.get(
    '/me',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Who is signed in, and the CSRF token',
        tags: ['auth'],
        response: { 200: MeResponse, ...errorResponses },
      },
    },
    async (request) => auth.me(principalOf(request)),
  );

  app.post(
    '/password',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Change your own password',
        tags: ['auth'],
        body: ChangePasswordBody,
        response: { 200: OkResponse, ...errorResponses },
      },
    },
    async (request) => {
      await auth.changePassword(principalOf(request), request.body);
      return { ok: true as const };
    },
  );
  done();
};
