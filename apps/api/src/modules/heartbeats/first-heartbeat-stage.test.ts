import type { HeartbeatReply } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { useTestApp } from '../../test/use-test-app';
import { beat, heartbeatBody } from './heartbeat-fixtures';

// Installing the agent on a node already on IAM must never switch it back: its first heartbeat's
// stage becomes its desired stage. Later heartbeats never move the desired stage (rollouts do).
describe('a newly enrolled node is asked to stay on the stage it reports', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN });
  let hostCounter = 0;

  async function firstReply(body: ReturnType<typeof heartbeatBody>) {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, `kong-first-${++hostCounter}`);
    const response = await beat(t.app, node.nodeId, node.credential, body);
    expect(response.statusCode, response.body).toBe(200);
    return { node, reply: response.json<HeartbeatReply>() };
  }

  async function storedDesire(nodeId: string) {
    const { rows } = await t.app.pg.query<{ desired: string; restore: string | null }>(
      'SELECT desired_stage::text AS desired, restore FROM nodes WHERE id = $1',
      [nodeId],
    );
    return rows[0];
  }

  it('a node on passwords stays on passwords', async () => {
    const { node, reply } = await firstReply(heartbeatBody({ seq: 1 }));
    expect(reply.desiredStage).toBe('password');
    expect(reply.restore).toBeUndefined();
    expect(await storedDesire(node.nodeId)).toEqual({ desired: 'password', restore: null });
  });

  it('a node already on IAM is asked for rw_iam, in the reply and in PostgreSQL', async () => {
    const { node, reply } = await firstReply(heartbeatBody({ seq: 1, iam: true }));
    expect(reply.desiredStage).toBe('rw_iam');
    expect(await storedDesire(node.nodeId)).toEqual({ desired: 'rw_iam', restore: null });
  });

  it('a mixed node (read-write on IAM, read-only on its password) keeps its original file', async () => {
    const body = heartbeatBody({ seq: 1, iam: true });
    const ro = { ...body.config.rw!, host: 'kong-db-ro.abc.us-east-1.rds.amazonaws.com', iam: false };
    const { node, reply } = await firstReply({ ...body, config: { ...body.config, ro } });
    expect(reply).toMatchObject({ desiredStage: 'rw_iam', restore: 'original' });
    expect(await storedDesire(node.nodeId)).toEqual({ desired: 'rw_iam', restore: 'original' });
  });

  it('only the first heartbeat counts: a node that changes by hand later keeps its desired stage', async () => {
    const { node } = await firstReply(heartbeatBody({ seq: 1 }));
    const later = await beat(t.app, node.nodeId, node.credential, heartbeatBody({ seq: 2, iam: true }));
    expect(later.json<HeartbeatReply>().desiredStage).toBe('password');
    expect(await storedDesire(node.nodeId)).toEqual({ desired: 'password', restore: null });
  });
});
