import type { ErrorBody, NodeDetail, ServerEvent } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually } from '../../test/test-app';
import { createRequestTurns } from '../../http/request-turns';
import { useTestApp } from '../../test/use-test-app';
import { beat, CONFIG_HASH, DB_HOST, heartbeatBody, manualClock, registerDatabase } from './heartbeat-fixtures';

describe('POST /api/v1/nodes/{id}/heartbeat', () => {
  const clock = manualClock();
  let hostCounter = 0;

  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });

  const enroll = () => enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-${++hostCounter}`);
  const nodeRow = async (id: string) =>
    (await t.app.pg.query('SELECT * FROM nodes WHERE id = $1', [id])).rows[0] as Record<string, unknown>;
  const detail = async (id: string) =>
    (
      await t.app.inject({ method: 'GET', url: `/api/v1/nodes/${id}`, headers: (await t.admin()).headers })
    ).json<NodeDetail>();

  it('answers with the desired stage and stores the report in the next batch', async () => {
    const { nodeId, credential } = await enroll();
    const finding = {
      rule: 'iam/password-set',
      severity: 'warning',
      key: 'pg_password',
      message: 'pg_password is set: IAM replaces it.',
      fix: 'Remove pg_password after the switch.',
    } as const;
    const response = await beat(
      t.app,
      nodeId,
      credential,
      heartbeatBody({ seq: 1 }, { statusMessage: 'all good', findings: [finding] }),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      desiredStage: 'password',
      intervalMs: 10_000, // the keep-alive: an idle node on a database far from its budget
      serverTime: new Date(clock.now()).toISOString(),
    });

    await eventually(async () => (await nodeRow(nodeId)).last_seq === 1);
    const row = await nodeRow(nodeId);
    expect(row).toMatchObject({
      reported_status: 'ok',
      status_message: 'all good',
      config_hash: CONFIG_HASH,
      stage: 'password',
      boot_id: 'boot-0001',
      workers: 4,
      pool_size: 30,
      heartbeat_interval_ms: 1000,
    });
    expect((row.last_seen_at as Date).getTime()).toBe(clock.now());
    const view = await detail(nodeId);
    expect(view.findings).toContainEqual(finding);
    expect(view.config).toMatchObject({ hash: CONFIG_HASH, workers: 4, rw: { host: DB_HOST, iam: false } });
    expect(view.node).toMatchObject({
      status: 'ok',
      kongVersion: '3.9.1.0',
      rwAuthMode: 'password',
      roAuthMode: null,
      isStale: false,
      isIamApplicable: true,
    });
  });

  it("refuses another node's credential with 403, and anyone but an agent", async () => {
    const a = await enroll();
    const b = await enroll();
    const wrong = await beat(t.app, b.nodeId, a.credential, heartbeatBody({ seq: 1 }));
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json<ErrorBody>().error.code).toBe('forbidden');

    const asAdmin = await t.app.inject({
      method: 'POST',
      url: `/api/v1/nodes/${a.nodeId}/heartbeat`,
      headers: (await t.admin()).headers,
      payload: heartbeatBody({ seq: 1 }),
    });
    expect(asAdmin.statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: `/api/v1/nodes/${a.nodeId}/heartbeat`,
      payload: heartbeatBody({ seq: 1 }),
    });
    expect(anonymous.statusCode).toBe(401);
    const unknownCredential = await beat(
      t.app,
      a.nodeId,
      'iamagent_not-a-real-credential-at-all-0000000000',
      heartbeatBody({ seq: 1 }),
    );
    expect(unknownCredential.statusCode).toBe(401);
  });

  it('names the invalid field, unknown fields included', async () => {
    const { nodeId, credential } = await enroll();
    const body = heartbeatBody({ seq: 1 });
    const missing = await beat(t.app, nodeId, credential, {
      ...body,
      counters: { rw: { attempts: 1, established: 1 }, ro: null },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<ErrorBody>().error.fields).toContainEqual({
      path: 'body.counters.rw.authFailures',
      message: 'is required',
    });

    const extra = await beat(t.app, nodeId, credential, { ...body, config: { ...body.config, password: 'x' } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json<ErrorBody>().error.fields).toContainEqual({
      path: 'body.config.password',
      message: 'is not a known field',
    });

    const negative = await beat(t.app, nodeId, credential, { ...body, seq: -1, status: 'fine' });
    const paths = negative.json<ErrorBody>().error.fields?.map((field) => field.path);
    expect(paths).toEqual(expect.arrayContaining(['body.seq', 'body.status']));
  });

  it('refuses secrets naming the field, and stores nothing of that heartbeat', async () => {
    const { nodeId, credential } = await enroll();
    const secrets: [Record<string, unknown>, string][] = [
      [{ statusMessage: 'STS said no for AKIAIOSFODNN7EXAMPLE' }, 'body.statusMessage'],
      [
        {
          findings: [
            {
              rule: 'r',
              severity: 'error',
              key: 'pg_password',
              message: 'wrong',
              fix: 'set pg_password = Hunter2Hunter2',
            },
          ],
        },
        'body.findings.0.fix',
      ],
      [{ bootId: 'ASIAY34FZKBOKMUTVV7A' }, 'body.bootId'],
      [{ kongVersion: 'AKIAIOSFODNN7EXAMPLE' }, 'body.kongVersion'],
    ];
    for (const [overrides, path] of secrets) {
      const response = await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1 }, overrides));
      expect(response.statusCode, path).toBe(400);
      const error = response.json<ErrorBody>().error;
      expect(error.fields).toEqual([{ path, message: expect.stringMatching(/^looks like /) }]);
      expect(error.message).toContain(path);
      expect(response.body).not.toMatch(/AKIAIOSFODNN7EXAMPLE|Hunter2Hunter2|ASIAY34FZKBOKMUTVV7A/);
    }
    // A clean heartbeat afterwards is stored; the refused ones left no trace anywhere.
    expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 2 }))).statusCode).toBe(200);
    await eventually(async () => (await nodeRow(nodeId)).last_seq === 2);
    const stored = await t.app.pg.query(
      `SELECT (SELECT count(*) FROM nodes n WHERE n::text ~ $1)::int AS nodes, (SELECT count(*) FROM audit_events a WHERE a::text ~ $1)::int AS audit`,
      ['AKIAIOSFODNN7EXAMPLE|Hunter2Hunter2|ASIAY34FZKBOKMUTVV7A'],
    );
    expect(stored.rows[0]).toEqual({ nodes: 0, audit: 0 });
  });

  it('scans a config again whenever it differs from the one this node last had accepted', async () => {
    const { nodeId, credential } = await enroll();
    const clean = heartbeatBody({ seq: 1 });
    expect((await beat(t.app, nodeId, credential, clean)).statusCode).toBe(200);
    const withSecret = { ...clean.config, rw: { ...clean.config.rw!, user: 'kong AKIAIOSFODNN7EXAMPLE' } };
    // Refused twice: a refused config is never the one accepted, so its second send is scanned too.
    for (const seq of [2, 3]) {
      const response = await beat(t.app, nodeId, credential, heartbeatBody({ seq }, { config: withSecret }));
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json<ErrorBody>().error.fields).toEqual([
        { path: 'body.config.rw.user', message: 'looks like an AWS access key id' },
      ]);
    }
    // The accepted config, unchanged: what is not the config is still scanned.
    const unchanged = heartbeatBody({ seq: 4 }, { statusMessage: 'STS said no for AKIAIOSFODNN7EXAMPLE' });
    const refused = await beat(t.app, nodeId, credential, unchanged);
    expect(refused.statusCode).toBe(400);
    expect(refused.json<ErrorBody>().error.fields).toEqual([
      { path: 'body.statusMessage', message: 'looks like an AWS access key id' },
    ]);
    expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 5 }))).statusCode).toBe(200);
  });

  it('matches endpoints to registered databases, and says so when none matches', async () => {
    const { nodeId, credential } = await enroll();
    const host = 'orders-db.xyz.eu-west-1.rds.amazonaws.com';
    expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1, host }))).statusCode).toBe(200);
    await eventually(async () => (await detail(nodeId)).findings.some((f) => f.rule === 'controller/unknown-database'));
    expect((await detail(nodeId)).node.rwDatabase).toBeNull();

    const databaseId = await registerDatabase(t.app, (await t.admin()).headers, {
      identifier: 'orders-db',
      host: host.toUpperCase(),
    });
    expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 2, host }))).statusCode).toBe(200);
    await eventually(async () => (await detail(nodeId)).node.rwDatabase?.id === databaseId);
    expect((await detail(nodeId)).findings.some((f) => f.rule === 'controller/unknown-database')).toBe(false);
  });

  it('carries the desired stage set in the database back in the reply', async () => {
    const { nodeId, credential } = await enroll();
    expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1 }))).json().desiredStage).toBe('password');
    await t.app.pg.query(`UPDATE nodes SET desired_stage = 'ro_iam', updated_at = now() WHERE id = $1`, [nodeId]);
    let seq = 2;
    await eventually(
      async () =>
        (await beat(t.app, nodeId, credential, heartbeatBody({ seq: seq++ }))).json().desiredStage === 'ro_iam',
    );
  });

  it('carries a planned switch start (`switchAt`) from the rollout, and drops it a few seconds after it passed', async () => {
    const { nodeId, credential } = await enroll();
    const first = (await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1 }))).json<{ serverTime: string }>();
    expect(first).not.toHaveProperty('switchAt');
    const serverMs = Date.parse(first.serverTime); // the app's clock
    const entry = t.app.fleet.registry.get(nodeId)!;
    entry.desiredStage = 'ro_iam';
    entry.switchAtMs = Math.floor(serverMs / 1000) * 1000 + 1000;
    const planned = (await beat(t.app, nodeId, credential, heartbeatBody({ seq: 2 }))).json();
    expect(planned).toMatchObject({ desiredStage: 'ro_iam', switchAt: new Date(entry.switchAtMs).toISOString() });
    entry.switchAtMs = serverMs - 10_000;
    expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 3 }))).json()).not.toHaveProperty('switchAt');
  });

  it('publishes node.updated and audits when the stage or auth mode changes, not on every heartbeat', async () => {
    const { nodeId, credential } = await enroll();
    const seen: ServerEvent[] = [];
    const stop = t.app.events.subscribe((event) => {
      if (event.type === 'node.updated' && event.data.id === nodeId) seen.push(event);
    });
    try {
      for (const seq of [1, 2, 3])
        expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq }))).statusCode).toBe(200);
      await eventually(() => seen.length === 1);
      expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 4, iam: true }))).statusCode).toBe(200);
      await eventually(() => seen.length === 2);
      expect(seen[1]?.data.changes).toMatchObject({
        stage: { from: 'password', to: 'rw_iam' },
        rwAuthMode: { from: 'password', to: 'iam' },
      });
      for (const seq of [5, 6]) await beat(t.app, nodeId, credential, heartbeatBody({ seq, iam: true }));
      await eventually(async () => (await nodeRow(nodeId)).last_seq === 6);
      expect(seen).toHaveLength(2);
      const events = (await detail(nodeId)).recentEvents.map((event) => event.action);
      expect(events).toEqual(['node.report', 'node.report', 'node.enroll']);
    } finally {
      stop();
    }
  });

  it('lists data planes and DB-less nodes as not IAM-applicable', async () => {
    const dataPlane = await enroll();
    await beat(t.app, dataPlane.nodeId, dataPlane.credential, heartbeatBody({ seq: 1 }, { role: 'data_plane' }));
    const dbLess = await enroll();
    const body = heartbeatBody({ seq: 1 });
    await beat(t.app, dbLess.nodeId, dbLess.credential, { ...body, config: { ...body.config, rw: null } });
    await eventually(
      async () =>
        (await detail(dataPlane.nodeId)).node.role === 'data_plane' && (await detail(dbLess.nodeId)).config !== null,
    );
    expect((await detail(dataPlane.nodeId)).node.isIamApplicable).toBe(false);
    expect((await detail(dbLess.nodeId)).node.isIamApplicable).toBe(false);
  });

  it('stops accepting a credential revoked in the database at once (its trigger signals every process; the recheck is a minute away)', async () => {
    const { nodeId, credential } = await enroll();
    expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1 }))).statusCode).toBe(200);
    await t.app.pg.query('UPDATE agent_credentials SET revoked_at = now() WHERE node_id = $1', [nodeId]);
    let seq = 2;
    await eventually(
      async () => (await beat(t.app, nodeId, credential, heartbeatBody({ seq: seq++ }))).statusCode === 401,
      10_000,
      250,
    );
  });
});

describe('heartbeats in turns of the event loop', () => {
  // No slice: in a phase of the loop the first heartbeat goes at once, the others wait for later turns.
  const turns = createRequestTurns({ sliceMs: 0 });
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { heartbeatTurns: turns });

  it('answers every heartbeat of a burst, the ones that waited too, and counts them in /metrics', async () => {
    const { nodeId, credential } = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-turns');
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => beat(t.app, nodeId, credential, heartbeatBody({ seq: i + 1 }))),
    );
    for (const reply of replies) expect(reply.statusCode, reply.body).toBe(200);
    expect(replies.map((reply) => reply.json<{ desiredStage: string }>().desiredStage)).toEqual(
      Array.from({ length: 8 }, () => 'password'),
    );
    expect(turns.deferred).toBeGreaterThan(0);
    expect(turns.waiting).toBe(0);
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain(`iamroll_heartbeats_deferred ${turns.deferred}`);
    expect(text).toContain('iamroll_heartbeats_waiting 0');
  });
});
