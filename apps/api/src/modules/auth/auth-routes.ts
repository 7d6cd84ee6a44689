import { ChangePasswordBody, LoginBody, LoginResponse, MeResponse, OkResponse } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import type { AuthService } from './auth-service';
import { createLoginLimiter, type LoginLimits } from './login-limiter';

export interface AuthRoutesOptions {
  readonly auth: AuthService;
  readonly loginLimits: LoginLimits;
}

export const authRoutes: FastifyPluginCallbackTypebox<AuthRoutesOptions> = (app, { auth, loginLimits }, done) => {
  const limiter = createLoginLimiter(loginLimits);

  app.post(
    '/login',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Sign in: sets the session cookie',
        description:
          'Failed attempts are limited per client address and username, and per client address (429 with Retry-After); successful ones are not counted.',
        tags: ['auth'],
        body: LoginBody,
        response: { 200: LoginResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const attempt = limiter.begin(request.ip, request.body.username);
      if (!attempt.isAllowed) {
        reply.header('retry-after', attempt.retryAfterSeconds);
        throw attempt.error;
      }
      const result = await auth.login(request.body, request.ip);
      attempt.succeeded();
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
