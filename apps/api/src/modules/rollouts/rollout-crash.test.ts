import type { HeartbeatReply, RolloutView } from '@iamroll/contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startApiProcess, type ApiProcess } from '../../test/api-process';
import { TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually, TEST_ADMIN_PASSWORD } from '../../test/test-app';
import type { TestDatabase } from '../../test/test-postgres';
import { useTestPostgres } from '../../test/use-test-app';
import { PRIMARY_HOST, REPLICA_HOST, runFleet, type ScriptedNode, type SendBeat } from '../../test/scripted-fleet';

// Given a rollout driven by scripted agents against an API child process, when the API is
// SIGKILLed at named points and started again on the same database, then the rollout
// completes (and rolls back) with every node switched exactly once per phase.

const NODE_COUNT = 6;

describe('a rollout survives SIGKILL of the API', () => {
  const postgres = useTestPostgres();
  let database: TestDatabase;
  let port: number;
  let api: ApiProcess;
  let sql: pg.Client;
  let headers: Record<string, string>;
  const nodes: ScriptedNode[] = [];
  let fleet: { stop(): Promise<void> };
  /** While set, agents keep reporting their stage without applying a new desired one. */
  let isHolding = false;

  const env = {
    IAMROLL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    IAMROLL_ENROLLMENT_TOKEN: TEST_ENROLLMENT_TOKEN,
    IAMROLL_ROLLOUT_RECONCILE_MS: '100',
  };
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  const call = async <T>(method: string, path: string, body?: unknown, extra: Record<string, string> = headers) => {
    const response = await fetch(url(path), {
      method,
      headers: { ...extra, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const send: SendBeat = async (nodeId, credential, body) => {
    const response = await fetch(url(`/api/v1/nodes/${nodeId}/heartbeat`), {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) return null;
    const reply = (await response.json()) as HeartbeatReply;
    return isHolding ? { ...reply, desiredStage: body.config.stage } : reply;
  };
  const restart = async () => {
    await api.kill();
    api = await startApiProcess(database.url, port, env);
  };
  const rolloutState = async (id: string) =>
    (
      await sql.query<{ state: { stepIndex: number; status: string; nodes: { state: string; direction: string }[] } }>(
        'SELECT state FROM rollouts WHERE id = $1',
        [id],
      )
    ).rows[0]!.state;

  beforeAll(async () => {
    database = await postgres.createDatabase();
    port = await freePort();
    api = await startApiProcess(database.url, port, env);
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    const login = await fetch(url('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    headers = { cookie, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken };
    for (const [identifier, host] of [
      ['kong-db', PRIMARY_HOST],
      ['kong-db-ro', REPLICA_HOST],
    ])
      await call('POST', '/api/v1/databases', { identifier, host, port: 5432, region: 'us-east-1' });
    for (let i = 0; i < NODE_COUNT; i += 1) {
      const enrolled = await call<{ nodeId: string; credential: string }>(
        'POST',
        '/api/v1/agents/enroll',
        { hostname: `kong-${i}`, kongVersion: '3.9.1', role: 'traditional', agentVersion: '0.1.0' },
        { authorization: `Bearer ${TEST_ENROLLMENT_TOKEN}` },
      );
      nodes.push({ ...enrolled, stage: 'password', seq: 0, applied: [] });
    }
    fleet = runFleet(nodes, send);
    await eventually(async () => {
      const { rows } = await sql.query('SELECT 1 FROM nodes WHERE rw_database_id IS NOT NULL');
      return rows.length === NODE_COUNT;
    }, 30_000);
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    await api?.kill();
    await sql?.end();
  });

  it('completes and rolls back with one switch per node per phase, killed at four named points', async () => {
    const databases = await call<{ items: { id: string; identifier: string }[] }>('GET', '/api/v1/databases');
    const primaryId = databases.items.find((d) => d.identifier === 'kong-db')!.id;
    const { id, spec } = await call<
      RolloutView & { spec: { steps: { kind: string; phase: string; isFinal?: boolean }[] } }
    >('POST', '/api/v1/rollouts', { scope: { databaseId: primaryId }, reason: 'crash test', bakeSeconds: 1 });
    const roFinalBake = spec.steps.findIndex((s) => s.kind === 'bake' && s.phase === 'ro_iam' && s.isFinal === true);

    // 1. After a switch intent is written, before the node reports it.
    isHolding = true;
    await eventually(async () => (await rolloutState(id)).nodes.some((n) => n.state === 'switching'), 30_000);
    await restart();
    isHolding = false;
    // 2. During a bake (the canary's).
    await eventually(async () => (await rolloutState(id)).stepIndex === 1, 30_000, 20);
    await restart();
    // 3. Between the phases (read-only's final bake).
    await eventually(async () => (await rolloutState(id)).stepIndex === roFinalBake, 60_000, 20);
    await restart();
    await eventually(
      async () => (await call<RolloutView>('GET', `/api/v1/rollouts/${id}`)).status === 'completed',
      90_000,
      100,
    );

    // 4. During the rollback, a revert written and not yet reported.
    isHolding = true;
    await call('POST', `/api/v1/rollouts/${id}/rollback`, { reason: 'crash test rollback' });
    await eventually(
      async () => (await rolloutState(id)).nodes.some((n) => n.state === 'switching' && n.direction === 'revert'),
      30_000,
    );
    await restart();
    isHolding = false;
    await eventually(
      async () => (await call<RolloutView>('GET', `/api/v1/rollouts/${id}`)).status === 'rolled_back',
      90_000,
      100,
    );

    const { rows } = await sql.query<{ action: string; node: string; phase: string | null; n: number }>(
      `SELECT action, data ->> 'nodeId' AS node, data ->> 'phase' AS phase, count(*)::int AS n
         FROM audit_events WHERE subject_id = $1 AND action IN ('rollout.switch', 'rollout.revert')
        GROUP BY 1, 2, 3`,
      [id],
    );
    const switches = rows.filter((r) => r.action === 'rollout.switch');
    expect(switches).toHaveLength(NODE_COUNT * 2);
    expect(switches.every((r) => r.n === 1)).toBe(true);
    expect(rows.filter((r) => r.action === 'rollout.revert').every((r) => r.n === 1)).toBe(true);
    for (const node of nodes) {
      expect(node.applied.slice(0, 2)).toEqual(['ro_iam', 'rw_iam']);
      expect(node.stage).toBe('password');
    }
  }, 300_000);
});
