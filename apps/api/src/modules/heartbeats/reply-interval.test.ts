import type { HeartbeatReply } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { useTestApp } from '../../test/use-test-app';
import { beat, heartbeatBody, manualClock, registerDatabase } from './heartbeat-fixtures';

describe("the reply's intervalMs", () => {
  const clock = manualClock(1_800_000_000_500);
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });
  /** As the rollout engine writes it: in the row too, so node-sync's refresh (which re-reads recent rows) keeps it. */
  const setDesiredStage = async (nodeId: string, stage: 'password' | 'rw_iam' | 'ro_iam') => {
    await t.app.pg.query(
      'UPDATE nodes SET desired_stage = $2::node_stage, updated_at = clock_timestamp() WHERE id = $1',
      [nodeId, stage],
    );
    t.app.fleet.registry.get(nodeId)!.desiredStage = stage;
  };

  it('is the 10 s keep-alive for an idle node, 1 s once its database nears its budget, the rollout marks it hot or it is switching', async () => {
    const host = 'interval-db.abc.us-east-1.rds.amazonaws.com';
    await registerDatabase(t.app, (await t.admin()).headers, { identifier: 'interval-db', host, budgetPerSecond: 20 });
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-interval');
    let seq = 0;
    const send = async (attempts: number) => {
      seq += 1;
      const body = heartbeatBody({ seq, attempts, host, iam: true, sentAtMs: clock.now() });
      const response = await beat(t.app, node.nodeId, node.credential, body);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<HeartbeatReply>().intervalMs;
    };
    await send(0);
    // On rw_iam, as the rollout left it (otherwise it would be switching back to password).
    await setDesiredStage(node.nodeId, 'rw_iam');
    await t.app.fleet.sync.refresh(); // as it runs every second: the desired stage survives it
    // 10/s: half the budget, under its 80 % warning share.
    for (let i = 1; i <= 10; i++) {
      clock.advance(1_000);
      expect(await send(i * 10)).toBe(10_000);
    }
    // 20/s for a few seconds lifts the 10 s average past 16/s: every second counts now.
    let interval = 0;
    for (let i = 1; i <= 8; i++) {
      clock.advance(1_000);
      interval = await send(100 + i * 20);
    }
    expect(interval).toBe(1_000);

    const quiet = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-in-wave');
    const quietBeat = async (s: number) =>
      (
        await beat(t.app, quiet.nodeId, quiet.credential, heartbeatBody({ seq: s, host: 'elsewhere.example.com' }))
      ).json<HeartbeatReply>().intervalMs;
    expect(await quietBeat(1)).toBe(10_000);
    t.app.fleet.replyInterval.useHotNodes((nodeId) => nodeId === quiet.nodeId);
    expect(await quietBeat(2)).toBe(1_000);
    // Among the next few the rollout switches: 250 ms, whatever else holds.
    t.app.fleet.replyInterval.useHotNodes(
      () => true,
      (nodeId) => nodeId === quiet.nodeId,
    );
    expect(await quietBeat(3)).toBe(250);
    t.app.fleet.replyInterval.useHotNodes(() => false);
    expect(await quietBeat(4)).toBe(10_000);
    // Switching (the desired stage, as the rollout engine writes it, is not the stage it reports): 1 s until it is there.
    await setDesiredStage(quiet.nodeId, 'ro_iam');
    expect(await quietBeat(5)).toBe(1_000);
    await setDesiredStage(quiet.nodeId, 'password');
    expect(await quietBeat(6)).toBe(10_000);
  });
});

describe('IAMROLL_HEARTBEAT_KEEP_ALIVE_MS', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN, heartbeatKeepAliveMs: 30_000 });

  it('is what idle nodes are asked for; nodes whose seconds matter still get 1 s', async () => {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-keep-alive');
    const intervalOf = async (seq: number) =>
      (
        await beat(t.app, node.nodeId, node.credential, heartbeatBody({ seq, host: 'elsewhere.example.com' }))
      ).json<HeartbeatReply>().intervalMs;
    expect(await intervalOf(1)).toBe(30_000);
    t.app.fleet.replyInterval.useHotNodes((nodeId) => nodeId === node.nodeId);
    expect(await intervalOf(2)).toBe(1_000);
    t.app.fleet.replyInterval.useHotNodes(() => false);
    expect(await intervalOf(3)).toBe(30_000);
  });
});

describe('IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS: the keep-alive of a busy process', () => {
  const clock = manualClock(1_800_000_000_000);
  let utilisation = 0.1;
  const t = useTestApp(
    { enrollmentToken: TEST_ENROLLMENT_TOKEN, heartbeatKeepAliveMaxMs: 20_000 },
    { nowMs: clock.now, sampleLoopUtilisation: () => utilisation },
  );

  it('asks idle nodes for up to the maximum while the loop is busy, and only them, then comes back', async () => {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-busy-controller');
    let seq = 0;
    const intervalOf = async () => {
      seq += 1;
      const body = heartbeatBody({ seq, host: 'elsewhere.example.com', sentAtMs: clock.now() });
      return (await beat(t.app, node.nodeId, node.credential, body)).json<HeartbeatReply>().intervalMs;
    };
    const metric = async () => {
      const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(/^iamroll_heartbeat_keep_alive_seconds (\S+)$/m.exec(text)?.[1]);
    };
    // (The process's own loop ticks too, on the same sampler and frozen clock: it only gets there sooner.)
    const tick = (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        clock.advance(1_000);
        t.app.fleet.tickKeepAlive();
      }
    };
    tick(5);
    expect(await intervalOf()).toBe(10_000);

    utilisation = 0.95;
    tick(5);
    expect(await intervalOf()).toBe(20_000);
    expect(await metric()).toBe(20);
    // A node whose seconds matter is not slowed down.
    t.app.fleet.replyInterval.useHotNodes((nodeId) => nodeId === node.nodeId);
    expect(await intervalOf()).toBe(1_000);
    t.app.fleet.replyInterval.useHotNodes(() => false);

    // Calm again: the way back waits until every idle node has heard the longer one (20 s).
    utilisation = 0.1;
    tick(5);
    expect(await intervalOf()).toBe(20_000);
    tick(20);
    expect(await intervalOf()).toBe(10_000);
    expect(await metric()).toBe(10);
  });
});
