import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { beat, heartbeatBody } from './modules/heartbeats/heartbeat-fixtures';
import { eventually, sessionCookieOf, TEST_ADMIN_PASSWORD } from './test/test-app';
import { useTestApp } from './test/use-test-app';

const BOOTSTRAP_ENROLLMENT_TOKEN = 'bootstrap-enrollment-secret-for-the-scan-0001';
const USER_PASSWORD = 'user-password-for-the-secrets-scan';
const CHANGED_PASSWORD = 'changed-password-for-the-secrets-scan';
const RESET_PASSWORD = 'reset-password-for-the-secrets-scan';
/** What a user pastes into the username field by mistake. */
const PASTED_PASSWORD = 'pasted-password-9-in-the-username';
const DB_PASSWORD = 'hunter2-db-password-for-the-scan';
const AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7SCANKEY';
const AWS_SECRET_ACCESS_KEY = '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';
const IAM_SIGNATURE = 'e3f1c0b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1';
const IAM_TOKEN =
  'kong-db.abc.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=kong&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  `&X-Amz-Credential=${AWS_ACCESS_KEY_ID}%2F20261201%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20261201T080000Z` +
  `&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=${IAM_SIGNATURE}`;

/**
 * The secrets scan of issue 8: drive every flow that handles a secret (logins, password
 * changes, API tokens, enrollment, heartbeats carrying secrets the controller must refuse),
 * capturing the log and every response; then no password, AWS key or IAM token appears in
 * the log, in any row of any table (read over SQL) or in any response, and no issued
 * credential appears anywhere but the one response that hands it out.
 */
describe('secrets scan: logs, every database row and every response', () => {
  const log: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(chunk.toString());
      done();
    },
  });
  const t = useTestApp({ enrollmentToken: BOOTSTRAP_ENROLLMENT_TOKEN, logLevel: 'trace' }, { logStream });
  const responses: { readonly what: string; readonly text: string }[] = [];
  const send = async (
    what: string,
    options: { method: string; url: string; headers?: Record<string, string>; payload?: unknown },
  ): Promise<LightMyRequestResponse> => {
    const response = await t.app.inject({
      method: options.method as 'POST',
      url: options.url,
      headers: options.headers ?? {},
      ...(options.payload === undefined ? {} : { payload: options.payload as object }),
    });
    responses.push({ what, text: `${JSON.stringify(response.headers)}\n${response.body}` });
    return response;
  };

  it('finds none of the secrets used where they must not be', async () => {
    // Logins: right, wrong, and a password pasted as the username.
    const login = await send('login', {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    const admin = { cookie: sessionCookieOf(login), 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken };
    const sessionToken = admin.cookie.split('=')[1]!;
    await send('wrong login', {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: DB_PASSWORD },
    });
    await send('pasted login', {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: PASTED_PASSWORD, password: PASTED_PASSWORD },
    });

    // Users and passwords: create, sign in, change, reset.
    const created = await send('create user', {
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: { username: 'scanned', password: USER_PASSWORD, role: 'operator' },
    });
    expect(created.statusCode).toBe(201);
    const userLogin = await send('user login', {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'scanned', password: USER_PASSWORD },
    });
    const user = {
      cookie: sessionCookieOf(userLogin),
      'x-csrf-token': userLogin.json<{ csrfToken: string }>().csrfToken,
    };
    expect(
      (
        await send('change password', {
          method: 'POST',
          url: '/api/v1/auth/password',
          headers: user,
          payload: { currentPassword: USER_PASSWORD, newPassword: CHANGED_PASSWORD },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await send('reset password', {
          method: 'PATCH',
          url: `/api/v1/users/${created.json<{ id: string }>().id}`,
          headers: admin,
          payload: { password: RESET_PASSWORD },
        })
      ).statusCode,
    ).toBe(200);

    // An API token: created (its one response), used, revoked.
    const tokenResponse = await send('create api token', {
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: admin,
      payload: { name: 'ci', role: 'viewer' },
    });
    const apiToken = tokenResponse.json<{ token: string; apiToken: { id: string } }>();
    await send('use api token', {
      method: 'GET',
      url: '/api/v1/nodes',
      headers: { authorization: `Bearer ${apiToken.token}` },
    });
    await send('revoke api token', {
      method: 'POST',
      url: `/api/v1/api-tokens/${apiToken.apiToken.id}/revoke`,
      headers: admin,
      payload: {},
    });

    // Enrollment: a created token and the bootstrap one; the agent credential it hands out.
    const enrollmentResponse = await send('create enrollment token', {
      method: 'POST',
      url: '/api/v1/enrollment-tokens',
      headers: admin,
      payload: { name: 'scan', uses: 2 },
    });
    const enrollmentToken = enrollmentResponse.json<{ token: string }>().token;
    const enrollBody = { hostname: 'kong-scan', kongVersion: '3.9.1', role: 'traditional', agentVersion: '0.1.0' };
    const enrolled = await send('enroll', {
      method: 'POST',
      url: '/api/v1/agents/enroll',
      headers: { authorization: `Bearer ${enrollmentToken}` },
      payload: enrollBody,
    });
    const { nodeId, credential } = enrolled.json<{ nodeId: string; credential: string }>();
    const bootstrapEnrolled = await send('enroll with the bootstrap token', {
      method: 'POST',
      url: '/api/v1/agents/enroll',
      headers: { authorization: `Bearer ${BOOTSTRAP_ENROLLMENT_TOKEN}` },
      payload: { ...enrollBody, hostname: 'kong-scan-2' },
    });
    const secondCredential = bootstrapEnrolled.json<{ credential: string }>().credential;

    // Heartbeats carrying secrets: each refused, none stored.
    const carrying = [
      heartbeatBody({ seq: 1 }, { statusMessage: `token ${IAM_TOKEN}` }),
      heartbeatBody({ seq: 1 }, { statusMessage: `aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}` }),
      heartbeatBody({ seq: 1 }, { statusMessage: AWS_SECRET_ACCESS_KEY }),
      heartbeatBody({ seq: 1 }, { statusMessage: `pg_password is ${DB_PASSWORD}` }),
      heartbeatBody({ seq: 1 }, { statusMessage: encodeURIComponent(`X-Amz-Signature=${IAM_SIGNATURE}`) }),
      heartbeatBody({ seq: 1, host: `kong:${DB_PASSWORD}@db.example.com` }),
      heartbeatBody(
        { seq: 1 },
        {
          findings: [
            { rule: 'r', severity: 'error', key: 'pg_password', message: `pg_password=${DB_PASSWORD}`, fix: '' },
          ],
        },
      ),
    ];
    for (const body of carrying) {
      const response = await beat(t.app, nodeId, credential, body);
      responses.push({ what: 'heartbeat with a secret', text: response.body });
      expect(response.statusCode).toBe(400);
    }
    // A clean heartbeat, written by the batch: the database then holds what a running fleet's would.
    const clean = await beat(t.app, nodeId, credential, heartbeatBody({ seq: 2 }, { statusMessage: 'clean' }));
    expect(clean.statusCode).toBe(200);
    await eventually(async () => {
      const { rows } = await t.app.pg.query<{ status_message: string | null }>(
        'SELECT status_message FROM nodes WHERE id = $1',
        [nodeId],
      );
      return rows[0]?.status_message === 'clean';
    });
    await send('me', { method: 'GET', url: '/api/v1/auth/me', headers: admin });
    await send('audit', { method: 'GET', url: '/api/v1/audit?limit=500', headers: admin });
    await send('node detail', { method: 'GET', url: `/api/v1/nodes/${nodeId}`, headers: admin });

    // Every row of every table, as text.
    const tables = await t.app.pg.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const rows: string[] = [];
    for (const { tablename } of tables.rows) {
      const result = await t.app.pg.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
      rows.push(...result.rows.map((r) => `${tablename}: ${r.row}`));
    }
    expect(tables.rows.map((r) => r.tablename)).toEqual(expect.arrayContaining(['users', 'sessions', 'audit_events']));

    const neverAnywhere = {
      'admin password': TEST_ADMIN_PASSWORD,
      'user password': USER_PASSWORD,
      'changed password': CHANGED_PASSWORD,
      'reset password': RESET_PASSWORD,
      'password pasted as a username': PASTED_PASSWORD,
      'database password': DB_PASSWORD,
      'AWS access key id': AWS_ACCESS_KEY_ID,
      'AWS secret access key': AWS_SECRET_ACCESS_KEY,
      'IAM token signature (X-Amz-Signature)': IAM_SIGNATURE,
      'bootstrap enrollment token': BOOTSTRAP_ENROLLMENT_TOKEN,
    };
    /** Issued credentials: stored as hashes, shown only in the response that hands them out. */
    const issued = {
      'session token': { value: sessionToken, shownIn: ['login'] },
      'API token': { value: apiToken.token, shownIn: ['create api token'] },
      'enrollment token': { value: enrollmentToken, shownIn: ['create enrollment token'] },
      'agent credential': { value: credential, shownIn: ['enroll'] },
      'second agent credential': { value: secondCredential, shownIn: ['enroll with the bootstrap token'] },
    };
    const logText = log.join('');
    expect(logText.length).toBeGreaterThan(0);
    const places = { log: [logText], 'database rows': rows };
    const found: string[] = [];
    for (const [name, secret] of Object.entries(neverAnywhere)) {
      for (const [place, texts] of Object.entries(places))
        if (texts.some((text) => text.includes(secret))) found.push(`${name} in ${place}`);
      for (const response of responses) if (response.text.includes(secret)) found.push(`${name} in ${response.what}`);
    }
    for (const [name, { value, shownIn }] of Object.entries(issued)) {
      for (const [place, texts] of Object.entries(places))
        if (texts.some((text) => text.includes(value))) found.push(`${name} in ${place}`);
      for (const response of responses)
        if (!shownIn.includes(response.what) && response.text.includes(value))
          found.push(`${name} in ${response.what}`);
    }
    console.log(
      `secrets scan: ${Object.keys(neverAnywhere).length + Object.keys(issued).length} secrets over ` +
        `${log.length} log lines, ${rows.length} rows in ${tables.rows.length} tables, ${responses.length} responses`,
    );
    expect(found).toEqual([]);
  }, 120_000);
});
