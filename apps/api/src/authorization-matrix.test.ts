import type { Role } from '@iamroll/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { heartbeatBody } from './modules/heartbeats/heartbeat-fixtures';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from './test/agent';
import { operationsOf, urlOf, type Operation } from './test/openapi-operations';
import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD, type TestSession } from './test/test-app';
import { useTestApp } from './test/use-test-app';

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const RANK: Readonly<Record<string, number>> = { viewer: 1, operator: 2, admin: 3 };
/** Stream routes: an allowed request is read up to its headers, then dropped. */
const STREAMING = new Set(['GET /api/v1/events']);
const LOGOUT = 'POST /api/v1/auth/logout';
const HEARTBEAT = 'POST /api/v1/nodes/{id}/heartbeat';

/** Who a credential is, as far as authorization goes. */
type Identity =
  | { readonly kind: 'nobody' } // none, or a credential that is no longer valid
  | { readonly kind: 'person'; readonly role: Role }
  | { readonly kind: 'agent'; readonly isThisNode: boolean }
  | { readonly kind: 'enrollment' }
  /** IAMROLL_ENROLLMENT_TOKEN: a credential for enrollment only, an unknown bearer anywhere else. */
  | { readonly kind: 'bootstrap enrollment' };

interface Credential {
  readonly name: string;
  readonly identity: Identity;
  /** Headers to send; a function for sessions that a call may end (logout). */
  readonly headers: () => Promise<Record<string, string>>;
}

type Outcome = 'allowed' | 401 | 403;

/** What the rules say: public routes let everyone in; otherwise 401 without a valid credential, 403 for the wrong kind or role. */
function expected(operation: Operation, identity: Identity): Outcome {
  if (operation.auth === 'public') return 'allowed';
  if (identity.kind === 'nobody') return 401;
  if (identity.kind === 'bootstrap enrollment') return operation.auth === 'enrollment' ? 'allowed' : 401;
  if (operation.auth === 'agent') {
    if (identity.kind !== 'agent') return 403;
    // Another node's credential passes the auth check but may not report for this node.
    return operation.path.includes('{id}') && !identity.isThisNode ? 403 : 'allowed';
  }
  if (operation.auth === 'enrollment') return identity.kind === 'enrollment' ? 'allowed' : 403;
  if (identity.kind !== 'person') return 403;
  return RANK[identity.role]! >= RANK[operation.auth]! ? 'allowed' : 403;
}

const observed = (response: LightMyRequestResponse): Outcome =>
  response.statusCode === 401 || response.statusCode === 403 ? response.statusCode : 'allowed';

describe('the authorisation matrix: every route × every credential kind', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN });

  it('answers every cell as the rules say, and prints the table', async () => {
    const admin = await t.admin();
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-matrix');
    const otherNode = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-matrix-other');
    const request = async (method: string, url: string, headers: Record<string, string>, payload?: object) => {
      const response = await t.app.inject({ method: method as 'POST', url, headers, payload: payload ?? {} });
      if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
      return response;
    };
    const createToken = async (owner: TestSession, role: Role) =>
      (await request('POST', '/api/v1/api-tokens', owner.headers, { name: `matrix ${role}`, role })).json<{
        token: string;
        apiToken: { id: string };
      }>();
    const bearer = (token: string) => () => Promise.resolve({ authorization: `Bearer ${token}` });

    const credentials: Credential[] = [
      { name: 'none', identity: { kind: 'nobody' }, headers: () => Promise.resolve({}) },
    ];
    for (const role of ROLES) {
      const session = role === 'admin' ? admin : await t.sessionAs(role, `matrix-${role}`);
      const password = role === 'admin' ? TEST_ADMIN_PASSWORD : TEST_USER_PASSWORD;
      credentials.push({
        name: `${role} session`,
        identity: { kind: 'person', role },
        headers: () => Promise.resolve({ ...session.headers }),
      });
      // Logging out ends the session it is called with: that call gets a session of its own.
      credentials.push({
        name: `${role} session (fresh)`,
        identity: { kind: 'person', role },
        headers: async () => ({ ...(await t.login(session.user.username, password)).headers }),
      });
    }
    for (const role of ROLES) {
      const { token } = await createToken(admin, role);
      credentials.push({ name: `${role} token`, identity: { kind: 'person', role }, headers: bearer(token) });
    }
    const demoted = await t.sessionAs('admin', 'matrix-demoted-owner');
    const demotedToken = await createToken(demoted, 'admin');
    await request('PATCH', `/api/v1/users/${demoted.user.id}`, admin.headers, { role: 'viewer' });
    credentials.push({
      name: 'admin token, owner demoted to viewer',
      identity: { kind: 'person', role: 'viewer' },
      headers: bearer(demotedToken.token),
    });
    const disabled = await t.sessionAs('admin', 'matrix-disabled-owner');
    const disabledToken = await createToken(disabled, 'admin');
    await request('PATCH', `/api/v1/users/${disabled.user.id}`, admin.headers, { isDisabled: true });
    credentials.push({
      name: 'admin token, owner disabled',
      identity: { kind: 'nobody' },
      headers: bearer(disabledToken.token),
    });
    const revoked = await createToken(admin, 'admin');
    await request('POST', `/api/v1/api-tokens/${revoked.apiToken.id}/revoke`, admin.headers, {});
    credentials.push({ name: 'revoked admin token', identity: { kind: 'nobody' }, headers: bearer(revoked.token) });
    const expiring = await t.sessionAs('admin', 'matrix-expired');
    await t.app.pg.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [
      expiring.user.id,
    ]);
    credentials.push({
      name: 'expired admin session',
      identity: { kind: 'nobody' },
      headers: () => Promise.resolve({ ...expiring.headers }),
    });
    credentials.push({
      name: 'agent, this node',
      identity: { kind: 'agent', isThisNode: true },
      headers: bearer(node.credential),
    });
    credentials.push({
      name: 'agent, another node',
      identity: { kind: 'agent', isThisNode: false },
      headers: bearer(otherNode.credential),
    });
    const enrollmentToken = (
      await request('POST', '/api/v1/enrollment-tokens', admin.headers, { name: 'matrix', uses: 1000 })
    ).json<{ token: string }>().token;
    credentials.push({ name: 'enrollment token', identity: { kind: 'enrollment' }, headers: bearer(enrollmentToken) });
    credentials.push({
      name: 'bootstrap enrollment token',
      identity: { kind: 'bootstrap enrollment' },
      headers: bearer(TEST_ENROLLMENT_TOKEN),
    });

    const operations = (await operationsOf(t.app)).filter((op) => op.path.startsWith('/api/'));
    expect(operations.length).toBeGreaterThanOrEqual(20);

    const call = async (operation: Operation, headers: Record<string, string>): Promise<LightMyRequestResponse> => {
      const url = urlOf(operation, { id: node.nodeId });
      if (STREAMING.has(operation.key)) {
        const response = await t.app.inject({ method: 'GET', url, headers, payloadAsStream: true });
        response.stream().destroy();
        return response;
      }
      // A valid heartbeat, so the node check (after validation) is what answers another node's credential.
      const payload = operation.key === HEARTBEAT ? heartbeatBody({ seq: ++seq }) : {};
      return t.app.inject({
        method: operation.method as 'POST',
        url,
        headers,
        ...(operation.method === 'GET' ? {} : { payload }),
      });
    };

    let seq = 0;
    const table: Record<string, Record<string, string>> = {};
    const mismatches: string[] = [];
    for (const operation of operations) {
      const row: Record<string, string> = { auth: operation.auth };
      for (const credential of credentials) {
        const isFresh = credential.name.endsWith('(fresh)');
        if (isFresh !== (operation.key === LOGOUT)) continue; // logout only with fresh sessions, the rest with the kept ones
        const column = credential.name.replace(' (fresh)', '');
        const response = await call(operation, await credential.headers());
        const want = expected(operation, credential.identity);
        const got = observed(response);
        row[column] = got === 'allowed' ? `✓${response.statusCode}` : String(got);
        if (got !== want)
          mismatches.push(`${operation.key} as ${credential.name}: expected ${want}, got ${response.statusCode}`);
      }
      table[operation.key] = row;
    }
    const columns = credentials.filter((c) => !c.name.endsWith('(fresh)')).map((c) => c.name);
    const legend = columns.map((name, index) => `  c${index + 1} = ${name}`).join('\n');
    const header = ['route'.padEnd(44), 'auth'.padEnd(10), ...columns.map((_, i) => `c${i + 1}`.padEnd(5))].join(' ');
    const lines = Object.entries(table).map(([key, row]) =>
      [key.padEnd(44), row.auth!.padEnd(10), ...columns.map((name) => (row[name] ?? '-').padEnd(5))].join(' '),
    );
    console.log(
      `authorisation matrix: ${operations.length} routes × ${columns.length} credential kinds ` +
        `(✓ = past auth, with the status the handler gave)\n${legend}\n${header}\n${lines.join('\n')}`,
    );
    expect(mismatches).toEqual([]);
  }, 120_000);
});
