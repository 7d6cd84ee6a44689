import type {
  AuditList,
  DatabaseView,
  HeartbeatReply,
  NodePreflightView,
  RolloutPreview,
  RolloutView,
} from '@iamroll/contracts';
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually, type TestSession } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { createRdsClients, type RdsClients } from '../databases/rds-clients';
import { beat } from '../heartbeats/heartbeat-fixtures';
import { PRIMARY_HOST, REPLICA_HOST, type SendBeat } from '../../test/scripted-fleet';
import { notInRdsIam, passing, runPreflightFleet, type PreflightAgent } from './scripted-preflight';

// Given scripted agents that run preflight (capability `preflight`) and two replicas behind the
// RDS simulator (one with IAM database authentication disabled), when a read-only rollout runs,
// then the nodes that pass switch, and the ones whose preflight fails, whose database has IAM
// disabled, whose verdict is too old, or who never answer are listed as blocked with the reason.

const REPLICA_2_HOST = 'kong-db-ro2.abc.us-east-1.rds.amazonaws.com';
const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const HOUR_MS = 3_600_000;

let rdsApiUrl = '';
let clients: RdsClients | undefined;
/** Built on first use: the simulator starts after the app. */
const lazyClients: RdsClients = {
  forRegion: (region) =>
    (clients ??= createRdsClients({ endpointUrl: rdsApiUrl, credentials: KEYS })).forRegion(region),
  destroy: () => clients?.destroy(),
};

describe('rollouts obey preflight', () => {
  const t = useTestApp(
    { enrollmentToken: TEST_ENROLLMENT_TOKEN, rolloutReconcileMs: 100 },
    { leaderRetryMs: 200, rdsClients: lazyClients },
  );
  let replica: RdsSim;
  let replica2: RdsSim;
  let operator: TestSession;
  let primaryId: string;
  let replica2Id: string;
  const agents: Record<string, PreflightAgent> = {};
  let fleet: { stop(): Promise<void> };

  const send: SendBeat = async (nodeId, credential, body) => {
    const response = await beat(t.app, nodeId, credential, body);
    return response.statusCode === 200 ? response.json<HeartbeatReply>() : null;
  };
  const rolloutOf = async (id: string) =>
    (
      await t.app.inject({ method: 'GET', url: `/api/v1/rollouts/${id}`, headers: operator.headers })
    ).json<RolloutView>();
  const create = async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: operator.headers,
      payload: {
        scope: { databaseId: primaryId },
        phases: ['ro_iam'],
        reason: 'read-only to IAM',
        bakeSeconds: 0,
        // Generous: a loaded machine's heartbeat round trip must never look like a silent agent.
        preflightWaitSeconds: 10,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<RolloutView>().id;
  };

  beforeAll(async () => {
    replica = await startRdsSim({ sessionMode: 'answer', endpointHost: REPLICA_HOST, endpointPort: 5432 });
    replica2 = await startRdsSim({
      sessionMode: 'answer',
      endpointHost: REPLICA_2_HOST,
      endpointPort: 5432,
      upstream: replica.upstream,
      database: 'kong2',
      iamDatabaseAuthenticationEnabled: false,
    });
    rdsApiUrl = replica.rdsApiUrl;
    const admin = await t.admin();
    operator = await t.sessionAs('operator');
    const database = async (identifier: string, host: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/databases',
          headers: admin.headers,
          payload: { identifier, host, port: 5432, region: 'us-east-1' },
        })
      ).json<{ id: string }>().id;
    primaryId = await database('kong-db', PRIMARY_HOST);
    await database('kong-db-ro', REPLICA_HOST);
    replica2Id = await database('kong-db-ro2', REPLICA_2_HOST);
    const script: Record<string, Pick<PreflightAgent, 'isCapable' | 'answer'> & { roHost?: string }> = {
      good1: { isCapable: true, answer: passing },
      good2: { isCapable: true, answer: passing },
      good3: { isCapable: true, answer: passing },
      oldAgent: { isCapable: false, answer: () => null },
      failing: { isCapable: true, answer: notInRdsIam },
      iamOff: { isCapable: true, answer: passing, roHost: REPLICA_2_HOST },
      silent: { isCapable: true, answer: () => null },
      // Answers its first request with a two-hour-old verdict (a stale cache), then never again.
      stale: {
        isCapable: true,
        answer: (stage, nowMs, index) => (index === 0 ? passing(stage, nowMs - 2 * HOUR_MS) : null),
      },
    };
    for (const [name, entry] of Object.entries(script)) {
      const { nodeId, credential } = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${name}`);
      agents[name] = { nodeId, credential, stage: 'password', seq: 0, applied: [], requests: [], ...entry };
    }
    fleet = runPreflightFleet(Object.values(agents), send);
    await eventually(() => t.app.leader.isLeader);
    await eventually(() =>
      Object.values(agents).every((a) => t.app.fleet.registry.get(a.nodeId)?.report?.rwDatabaseId === primaryId),
    );
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
    await replica2?.close();
    await replica?.close();
  });

  it('the database detail shows the IAM check from DescribeDBInstances, with the policy and SQL', async () => {
    await eventually(async () => {
      const view = (
        await t.app.inject({ method: 'GET', url: `/api/v1/databases/${replica2Id}`, headers: operator.headers })
      ).json<DatabaseView>();
      return view.iam?.status === 'iam_disabled';
    });
    const ok = await t.app.inject({ method: 'GET', url: '/api/v1/databases', headers: operator.headers });
    const replicaView = ok.json<{ items: DatabaseView[] }>().items.find((d) => d.identifier === 'kong-db-ro')!;
    const detailOf = async () =>
      (
        await t.app.inject({ method: 'GET', url: `/api/v1/databases/${replicaView.id}`, headers: operator.headers })
      ).json<DatabaseView>();
    // The users come from the nodes' effective configs as persisted (within a second of their heartbeats).
    await eventually(async () => ((await detailOf()).iamUsers ?? []).length > 0);
    const detail = await detailOf();
    expect(detail.iam).toMatchObject({
      status: 'ok',
      dbiResourceId: replica.dbiResourceId,
      endpoint: { address: REPLICA_HOST, port: 5432 },
      iamDatabaseAuthenticationEnabled: true,
    });
    expect(detail.iamUsers).toEqual(['kong_iam']);
    expect(JSON.stringify(detail.policy)).toContain(
      `arn:aws:rds-db:us-east-1:123456789012:dbuser:${replica.dbiResourceId}/kong_iam`,
    );
    expect(detail.sql).toContain('GRANT rds_iam TO "kong_iam";');
    const disabled = (
      await t.app.inject({ method: 'GET', url: `/api/v1/databases/${replica2Id}`, headers: operator.headers })
    ).json<DatabaseView>();
    expect(disabled.iam?.fix).toBe(
      'aws rds modify-db-instance --db-instance-identifier kong-db-ro2 --enable-iam-database-authentication --apply-immediately --region us-east-1',
    );
    // On demand, as an operator; a viewer cannot.
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/databases/${replica2Id}/check`,
      headers: operator.headers,
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'iam_disabled' });
    const viewer = await t.sessionAs('viewer');
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/databases/${replica2Id}/check`, headers: viewer.headers }))
        .statusCode,
    ).toBe(403);
  });

  it('preview lists the node whose database has IAM disabled as blocked, with the fix', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts/preview',
      headers: operator.headers,
      payload: { scope: { databaseId: primaryId }, phases: ['ro_iam'], reason: 'look first' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const blocked = response.json<RolloutPreview>().phases[0]!.blocked;
    expect(blocked.map((b) => b.nodeId)).toEqual([agents.iamOff!.nodeId]);
    expect(blocked[0]!.reason).toMatch(/IAM database authentication disabled.*--enable-iam-database-authentication/);
  });

  it('switches the nodes that pass and blocks the others with their reasons; an admin override lets the failing one through', async () => {
    const startedAtMs = Date.now();
    const id = await create();
    await eventually(async () => (await rolloutOf(id)).status === 'completed', 120_000);
    const elapsedSeconds = (Date.now() - startedAtMs) / 1000;
    const view = await rolloutOf(id);
    const stateOf = (name: string) => view.nodes.find((n) => n.id === agents[name]!.nodeId);
    for (const name of ['good1', 'good2', 'good3', 'oldAgent']) expect(stateOf(name)?.state, name).toBe('switched');
    for (const name of ['failing', 'iamOff', 'silent', 'stale']) expect(stateOf(name)?.state, name).toBe('blocked');
    expect(stateOf('failing')?.reason).toMatch(
      /preflight for ro_iam failed: rds-iam-member \(ro\): kong_iam is not a member of rds_iam/,
    );
    expect(stateOf('iamOff')?.reason).toMatch(/has IAM database authentication disabled/);
    expect(stateOf('silent')?.reason).toMatch(
      /no preflight verdict for ro_iam, and its agent did not answer the request within 10 s/,
    );
    expect(stateOf('stale')?.reason).toMatch(/preflight for ro_iam is \d+ s old \(more than 3600 s\)/);
    // The old agent was never asked; the good ones once each.
    expect(agents.oldAgent!.requests).toEqual([]);
    expect(agents.good1!.requests).toHaveLength(1);
    // Answered with a too old verdict: blocked, not asked again every pass (passes run every second),
    // only once per wait (10 s) — however long a loaded machine took over the rollout.
    expect(agents.stale!.requests.length).toBeGreaterThanOrEqual(1);
    expect(agents.stale!.requests.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds / 10) + 1);
    // Its reason says which: it answered the latest request with the old verdict, or (asked again
    // after the wait, on a slow run) it has not answered the new one — this agent answers only once.
    expect(stateOf('stale')?.reason).toMatch(
      agents.stale!.requests.length === 1
        ? /as its agent answered the latest request: check the node's clock/
        : /its agent did not answer the request within 10 s/,
    );

    const failingId = agents.failing!.nodeId;
    const preflight = (
      await t.app.inject({ method: 'GET', url: `/api/v1/nodes/${failingId}/preflight`, headers: operator.headers })
    ).json<NodePreflightView>();
    expect(preflight.results[0]).toMatchObject({ stage: 'ro_iam', isPassed: false });
    expect(preflight.results[0]!.checks.find((c) => c.id === 'rds-iam-member')?.fix).toBe(
      'GRANT rds_iam TO "kong_iam";',
    );

    const admin = await t.admin();
    const override = await t.app.inject({
      method: 'POST',
      url: `/api/v1/nodes/${failingId}/preflight/override`,
      headers: admin.headers,
      payload: { reason: 'rds_iam granted by hand, agent check is behind' },
    });
    expect(override.statusCode, override.body).toBe(200);
    expect(override.json<NodePreflightView>().override).toMatchObject({ by: 'admin' });
    const audit = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/audit?subjectType=node&subjectId=${failingId}`,
        headers: admin.headers,
      })
    ).json<AuditList>();
    expect(audit.items.map((e) => e.action)).toContain('node.preflight_override');
    expect(audit.items.find((e) => e.action === 'node.preflight_override')?.reason).toBe(
      'rds_iam granted by hand, agent check is behind',
    );

    const second = await create();
    await eventually(async () => (await rolloutOf(second)).status === 'completed', 120_000);
    const after = await rolloutOf(second);
    expect(after.nodes.find((n) => n.id === failingId)?.state).toBe('switched');
    expect(agents.failing!.stage).toBe('ro_iam');
    expect(after.nodes.find((n) => n.id === agents.iamOff!.nodeId)?.state).toBe('blocked');
    expect(agents.iamOff!.stage).toBe('password');
  }, 300_000);
});
