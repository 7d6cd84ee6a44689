import type { Role } from '@iamroll/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from './test/agent';
import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD, testConfig, type TestSession } from './test/test-app';
import { useTestApp } from './test/use-test-app';

interface Operation {
  readonly method: string;
  readonly url: string;
  readonly auth: string;
}

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const SOME_ID = '00000000-0000-4000-8000-000000000000';
/** Streams never end, so inject would wait forever once allowed in; their allowed case is tested in events. */
const STREAMING = new Set(['GET /api/v1/events']);

describe('access control on every route', () => {
  let operations: Operation[];
  const sessions = new Map<Role, TestSession>();
  let agentCredential: string;
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN });

  beforeAll(async () => {
    for (const role of ROLES) sessions.set(role, await t.sessionAs(role));
    agentCredential = (await enrollNode(t.app)).credential;
    // The routes come from the app itself (its OpenAPI document), so new routes are covered without editing this test.
    const spec = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, { 'x-iamroll-auth'?: string }>>;
    }>();
    operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => method !== 'head')
        .map(([method, operation]) => ({
          method: method.toUpperCase(),
          url: path.replace(/\{[^}]+\}/g, SOME_ID),
          auth: operation['x-iamroll-auth'] ?? 'undeclared',
        })),
    );
  });

  const freshSession = (role: Role) => {
    const user = sessions.get(role)!.user;
    return t.login(user.username, user.username === 'admin' ? TEST_ADMIN_PASSWORD : TEST_USER_PASSWORD);
  };

  const call = (operation: Operation, headers: Record<string, string>) =>
    t.app.inject({
      method: operation.method as 'GET',
      url: operation.url,
      headers,
      ...(operation.method === 'GET' ? {} : { payload: {} }),
    });

  it('finds every /api route, each with a declared auth', () => {
    const apiOperations = operations.filter((op) => op.url.startsWith('/api/'));
    expect(apiOperations.length).toBeGreaterThanOrEqual(16);
    expect(apiOperations.filter((op) => op.auth === 'undeclared')).toEqual([]);
  });

  it('answers 401 without credentials on every non-public route', async () => {
    for (const operation of operations.filter((op) => op.url.startsWith('/api/') && op.auth !== 'public')) {
      const response = await call(operation, {});
      expect(response.statusCode, `${operation.method} ${operation.url}`).toBe(401);
      expect(response.json().error.code).toBe('unauthenticated');
    }
  });

  it('answers 403 to roles below the one declared, and lets that role through', async () => {
    for (const operation of operations.filter((op) => (ROLES as readonly string[]).includes(op.auth))) {
      const required = ROLES.indexOf(operation.auth as Role);
      for (const [index, role] of ROLES.entries()) {
        const key = `${operation.method} ${operation.url} as ${role}`;
        if (index >= required && STREAMING.has(`${operation.method} ${operation.url}`)) continue;
        // Logging out ends the session it is called with: give it one of its own.
        const session = operation.url.endsWith('/logout') ? await freshSession(role) : sessions.get(role)!;
        const response = await call(operation, { ...session.headers });
        if (index < required) {
          expect(response.statusCode, key).toBe(403);
          expect(response.json().error.code, key).toBe('forbidden');
        } else {
          expect([401, 403], key).not.toContain(response.statusCode);
        }
      }
    }
  });

  it('keeps agent credentials to agent routes, and users off them', async () => {
    for (const operation of operations.filter((op) => op.url.startsWith('/api/') && op.auth !== 'public')) {
      const key = `${operation.method} ${operation.url}`;
      const asAgent = await call(operation, { authorization: `Bearer ${agentCredential}` });
      if (operation.auth === 'agent') expect([401, 403], key).not.toContain(asAgent.statusCode);
      else expect(asAgent.statusCode, key).toBe(403);
      if (operation.auth === 'agent' || operation.auth === 'enrollment') {
        const asAdmin = await call(operation, { ...sessions.get('admin')!.headers });
        expect(asAdmin.statusCode, key).toBe(403);
      }
    }
  });

  it('refuses an /api route that declares no auth, as soon as it is added', async () => {
    const app = await buildApp(testConfig(t.database.url), { isMigrating: false });
    try {
      expect(() => app.get('/api/v1/forgotten', () => ({ open: true }))).toThrow(
        /GET \/api\/v1\/forgotten declares no auth/,
      );
      // Routes outside /api (the dashboard's static files) need no declaration.
      expect(() => app.get('/assets/app.js', () => '')).not.toThrow();
    } finally {
      await app.close();
    }
  });
});
