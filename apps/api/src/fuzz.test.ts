import type { Role } from '@iamroll/contracts';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { beat, heartbeatBody } from './modules/heartbeats/heartbeat-fixtures';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from './test/agent';
import { arbitraryFor, nastyString, nastyValue } from './test/fuzz-arbitraries';
import { encodeLoosely, operationsOf, urlOf, type Operation } from './test/openapi-operations';
import { eventually } from './test/test-app';
import { useTestApp } from './test/use-test-app';

/** 500 runs × 20 requests: 10,000 cases. The seed makes a failure reproducible. */
const RUNS = 500;
const BATCH = 20;
const SEED = 20261201;
/** Streams never end while the credential is valid: inject would wait forever. */
const STREAMING = new Set(['GET /api/v1/events']);
/** Its 503 is deliberate (the database or migrations not ready). */
const READINESS = 'GET /api/ready';
/** Calls that would end the fuzzer's own sessions (the rest stay valid for the whole run). */
const ENDS_SESSION = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/auth/password']);

type CredentialName =
  'none' | 'garbage' | `${Role} session` | `${Role} token` | 'agent (this node)' | 'enrollment token';

interface Case {
  /** `METHOD path` (the operation itself would fill a counterexample with its schemas). */
  readonly operation: string;
  readonly credential: CredentialName;
  readonly params: Record<string, string>;
  readonly query: string;
  readonly body: { readonly isSent: boolean; readonly value: unknown };
  readonly headers: Record<string, string>;
}

describe('fuzzing every route from the OpenAPI document', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN });

  it(`answers ${RUNS * BATCH} generated requests without a 5xx, naming the field in every 400`, async () => {
    const started = Date.now();
    const operations = (await operationsOf(t.app)).filter(
      (op) => op.path.startsWith('/api/') && !STREAMING.has(op.key),
    );
    expect(operations.length).toBeGreaterThanOrEqual(20);

    const admin = await t.admin();
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-fuzz');
    const credentials = new Map<CredentialName, Record<string, string>>([
      ['none', {}],
      ['garbage', { authorization: 'Bearer iam_not-a-real-token' }],
      ['agent (this node)', { authorization: `Bearer ${node.credential}` }],
      ['enrollment token', { authorization: `Bearer ${TEST_ENROLLMENT_TOKEN}` }],
    ]);
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const session = role === 'admin' ? admin : await t.sessionAs(role);
      credentials.set(`${role} session`, { ...session.headers });
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-tokens',
        headers: admin.headers,
        payload: { name: `fuzz ${role}`, role },
      });
      credentials.set(`${role} token`, { authorization: `Bearer ${created.json<{ token: string }>().token}` });
    }
    const credentialNames = [...credentials.keys()];
    const acceptedBy = (auth: string): CredentialName[] => {
      if (auth === 'agent') return ['agent (this node)'];
      if (auth === 'enrollment') return ['enrollment token'];
      if (auth === 'public') return ['none'];
      const roles = (['viewer', 'operator', 'admin'] as const).slice(['viewer', 'operator', 'admin'].indexOf(auth));
      return roles.flatMap((role): CredentialName[] => [`${role} session`, `${role} token`]);
    };

    const pathValue = fc.oneof(
      { weight: 4, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: fc.constant(node.nodeId) },
      { weight: 2, arbitrary: nastyString },
    );
    const queryFor = (operation: Operation) =>
      fc
        .tuple(
          ...operation.parameters
            .filter((p) => p.in === 'query')
            .map((p) =>
              fc.option(
                fc.tuple(
                  fc.constant(p.name),
                  fc
                    .oneof(arbitraryFor(p.schema), nastyValue)
                    .map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))),
                ),
                { freq: 3 },
              ),
            ),
          fc.option(fc.tuple(nastyString, nastyString), { freq: 6 }),
        )
        .map((pairs) =>
          pairs
            .filter((pair): pair is [string, string] => pair !== null)
            .map(([name, value]) => `${encodeLoosely(name)}=${encodeLoosely(value)}`)
            .join('&'),
        );
    const caseFor = (operation: Operation): fc.Arbitrary<Case> =>
      fc.record({
        operation: fc.constant(operation.key),
        // Mostly a credential the route accepts, so requests get past the auth check into validation and handlers.
        credential: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...acceptedBy(operation.auth)) },
          { weight: 1, arbitrary: fc.constantFrom(...credentialNames) },
        ),
        params: fc.record(
          Object.fromEntries(operation.parameters.filter((p) => p.in === 'path').map((p) => [p.name, pathValue])),
        ),
        query: queryFor(operation),
        body: fc.oneof(
          { weight: 6, arbitrary: arbitraryFor(operation.body).map((value) => ({ isSent: true, value })) },
          { weight: 1, arbitrary: nastyValue.map((value) => ({ isSent: true, value })) },
          { weight: 1, arbitrary: fc.constant({ isSent: false, value: undefined }) },
        ),
        headers: fc.record(
          {
            'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'),
            'x-csrf-token': fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
            accept: fc.constantFrom('application/json', 'text/event-stream', '*/*'),
          },
          { requiredKeys: [] },
        ),
      });
    // Heartbeats get a share of their own: a valid body with one part mutated reaches the hot path.
    const heartbeat = operations.find((op) => op.key === 'POST /api/v1/nodes/{id}/heartbeat')!;
    const mutatedHeartbeat = fc
      .tuple(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(...Object.keys(heartbeatBody({ seq: 1 }))),
        nastyValue,
      )
      .map(([seq, field, value]): Case => ({
        operation: heartbeat.key,
        credential: 'agent (this node)',
        params: { id: node.nodeId },
        query: '',
        body: { isSent: true, value: { ...heartbeatBody({ seq }), [field]: value } },
        headers: {},
      }));
    const anyCase = fc.oneof(
      { weight: 10, arbitrary: fc.oneof(...operations.map(caseFor)) },
      { weight: 1, arbitrary: mutatedHeartbeat },
    );

    const byKey = new Map(operations.map((op) => [op.key, op]));
    const send = (c: Case): Promise<LightMyRequestResponse> => {
      const operation = byKey.get(c.operation)!;
      const query = c.query ? `?${c.query}` : '';
      const headers = { ...c.headers, ...credentials.get(c.credential) };
      if (!c.body.isSent || operation.method === 'GET') delete headers['content-type'];
      return t.app.inject({
        method: operation.method as 'GET',
        url: `${urlOf(operation, c.params)}${query}`,
        headers,
        ...(c.body.isSent && operation.method !== 'GET' ? { payload: JSON.stringify(c.body.value) ?? 'null' } : {}),
      });
    };
    const problemWith = (c: Case, response: LightMyRequestResponse): string | undefined => {
      const isDeliberate503 = c.operation === READINESS && response.statusCode === 503;
      if (response.statusCode >= 500 && !isDeliberate503) return `answered ${response.statusCode}: ${response.body}`;
      if (response.statusCode < 400) return undefined;
      let body: { error?: { code?: unknown; message?: unknown; fields?: { path: string }[] } };
      try {
        body = response.json();
      } catch {
        return `answered ${response.statusCode} without a JSON body: ${response.body.slice(0, 200)}`;
      }
      if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string')
        return `answered ${response.statusCode} without the error shape: ${response.body.slice(0, 200)}`;
      const isSchemaError = response.statusCode === 400 && body.error.code === 'validation';
      const isBadJson = /JSON|body/i.test(body.error.message) && !body.error.fields;
      if (isSchemaError && !isBadJson && !(body.error.fields && body.error.fields.length > 0))
        return `answered 400 without naming a field: ${response.body.slice(0, 300)}`;
      return undefined;
    };

    let cases = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(anyCase, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const runnable = batch.filter((c) => !(ENDS_SESSION.has(c.operation) && c.credential.endsWith('session')));
        const responses = await Promise.all(runnable.map(send));
        cases += batch.length;
        const problems = responses.flatMap((response, index) => {
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          const problem = problemWith(runnable[index]!, response);
          const c = runnable[index]!;
          return problem ? [`${response.raw.req.method} ${response.raw.req.url} as ${c.credential}: ${problem}`] : [];
        });
        expect(problems).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );

    // Still serving, and the fleet's state is still being saved: a clean heartbeat reaches PostgreSQL.
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const clean = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-after-fuzz');
    const reply = await beat(
      t.app,
      clean.nodeId,
      clean.credential,
      heartbeatBody({ seq: 1 }, { kongVersion: '3.9.1-after-fuzz', statusMessage: 'still saved' }),
    );
    expect(reply.statusCode).toBe(200);
    await eventually(async () => {
      const { rows } = await t.app.pg.query<{ kong_version: string | null; status_message: string | null }>(
        'SELECT kong_version, status_message FROM nodes WHERE id = $1',
        [clean.nodeId],
      );
      return rows[0]?.kong_version === '3.9.1-after-fuzz' && rows[0]?.status_message === 'still saved';
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    console.log(`fuzz: ${cases} cases on ${operations.length} operations in ${seconds} s (${summary.join(', ')})`);
  }, 600_000);
});
