import cookie from '@fastify/cookie';
import { CSRF_HEADER } from '@iamroll/contracts';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors';
import { SESSION_COOKIE, createAuthenticator } from '../modules/auth/authenticate';
import { authorize } from '../modules/auth/authorize';
import { createCredentialsRepository } from '../modules/auth/credentials-repository';
import type { Principal, RouteAuth } from '../modules/auth/principal';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /api route; see RouteAuth. */
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** Set before the handler on every route that is not `public`. */
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Options for setting and clearing the session cookie (login/logout). */
    sessionCookie: { readonly name: string; readonly options: CookieSerializeOptions };
    /** This process's cache of agent credentials (a decommissioned node's, or a revoked one, are dropped at once). */
    agentCredentials: { forgetNode(nodeId: string): void; forgetCredential(credentialId: string): void };
    /**
     * Checks a request's credential again, as of now, against its route's auth: for long-lived
     * responses (SSE). Null once the session or token is revoked, expired, disabled or lacks the role.
     */
    recheckPrincipal(request: FastifyRequest): Promise<Principal | null>;
  }
}

export interface AuthPluginOptions {
  readonly isCookieSecure: boolean;
  readonly bootstrapEnrollmentToken: string | undefined;
}

const SECURITY_BY_AUTH: Readonly<Record<RouteAuth, readonly Record<string, string[]>[]>> = {
  public: [],
  viewer: [{ session: [] }, { apiToken: [] }],
  operator: [{ session: [] }, { apiToken: [] }],
  admin: [{ session: [] }, { apiToken: [] }],
  agent: [{ agent: [] }],
  enrollment: [{ enrollment: [] }],
};

const UNAUTHENTICATED_HINT: Readonly<Record<Exclude<RouteAuth, 'public'>, string>> = {
  viewer: 'Sign in (POST /api/v1/auth/login), or send an API token as `Authorization: Bearer iam_…`.',
  operator: 'Sign in (POST /api/v1/auth/login), or send an API token as `Authorization: Bearer iam_…`.',
  admin: 'Sign in (POST /api/v1/auth/login), or send an API token as `Authorization: Bearer iam_…`.',
  agent: "Send the node's agent credential as `Authorization: Bearer iamagent_…`; enroll the node if it has none.",
  enrollment: 'Send a valid enrollment token as `Authorization: Bearer …`; it may have expired or been used up.',
};

/**
 * Authentication and authorization for every route. A route under /api
 * that does not declare `config: { auth }` fails the app at startup, so no
 * route is accidentally open.
 */
export default fp<AuthPluginOptions>(
  async (app, options) => {
    await app.register(cookie);

    const authenticator = createAuthenticator({
      credentials: createCredentialsRepository(app.pg),
      bootstrapEnrollmentToken: options.bootstrapEnrollmentToken,
    });
    app.decorate('sessionCookie', {
      name: SESSION_COOKIE,
      options: { path: '/', httpOnly: true, sameSite: 'strict', secure: options.isCookieSecure },
    });
    app.decorate('agentCredentials', {
      forgetNode: (nodeId: string) => authenticator.forgetAgentNode(nodeId),
      forgetCredential: (credentialId: string) => authenticator.forgetAgentCredential(credentialId),
    });
    app.decorateRequest('principal', null);

    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/')) return;
      const auth = route.config?.auth;
      if (!auth) {
        throw new Error(
          `${String(route.method)} ${route.url} declares no auth: add config: { auth: 'public' | 'viewer' | 'operator' | 'admin' | 'agent' | 'enrollment' }`,
        );
      }
      // Document it: OpenAPI `security`, and the exact requirement as `x-iamroll-auth`.
      const security = SECURITY_BY_AUTH[auth].map((entry) => ({ ...entry }));
      const documented: FastifySchema & Record<`x-${string}`, unknown> = {
        ...route.schema,
        'x-iamroll-auth': auth,
        ...(security.length > 0 ? { security } : {}),
      };
      route.schema = documented;
    });

    const check = async (request: FastifyRequest, auth: Exclude<RouteAuth, 'public'>): Promise<Principal> => {
      const principal = await authenticator.authenticate(
        { authorization: request.headers.authorization, sessionCookie: request.cookies[SESSION_COOKIE] },
        auth,
      );
      if (!principal) throw AppError.unauthenticated(UNAUTHENTICATED_HINT[auth]);
      const csrf = request.headers[CSRF_HEADER];
      authorize(principal, auth, request.method, typeof csrf === 'string' ? csrf : undefined);
      return principal;
    };

    app.decorate('recheckPrincipal', async (request: FastifyRequest) => {
      const auth = request.routeOptions.config.auth;
      if (auth === undefined || auth === 'public') return null;
      try {
        return await check(request, auth);
      } catch (error) {
        if (error instanceof AppError) return null;
        throw error;
      }
    });

    app.addHook('onRequest', async (request) => {
      const auth = request.routeOptions.config.auth;
      if (auth === undefined || auth === 'public') return;
      request.principal = await check(request, auth);
    });
  },
  { name: 'auth', fastify: '5.x', dependencies: ['prisma', 'errors'] },
);
