import type { AlarmList, NodeList, RolloutView } from '@iamroll/contracts';
import type { RdsSim } from '@iamroll/rds-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startFleetStack, type FleetStack } from './test-stack';

// Given the real API, two simulated RDS instances and four simulated Kong nodes run by the real
// agent code, when the replica's real IAM budget drops mid-rollout below one node's reconnect
// burst (RDS's limit lower than the one registered, e.g. a smaller instance class) but stays
// above the steady reconnect rate of the nodes already on IAM, then the next burst is throttled,
// the critical alarm opens, the rollout pauses on it, and the simulator throttles nothing from
// the pause onward: paused, no burst lands, and the steady traffic fits the lowered budget.
//
// Sizes: 1 worker × pool 4, so a switch to ro_iam costs the replica 4 logins (+1 probe login);
// the budget registered in the API is 10/s, so at target 0.5 (5/s) one node switches at a time,
// and burstWindowSeconds 8 keeps the next switch well behind the alarm (heartbeat ≤ 1 s, alarm
// pass 1 s): the pause, not luck, is what stops the next burst.

const NODES = 4;
const REGISTERED_BUDGET = 10;
const LOWERED_BUDGET = 3;
let stack: FleetStack;
let primaryId: string;
let replicaId: string;

const rollout = async (id: string): Promise<RolloutView> => {
  const reply = await stack.api<RolloutView>('GET', `/api/v1/rollouts/${id}`);
  if (reply.statusCode !== 200) throw new Error(`GET rollout: ${reply.statusCode} ${reply.text}`);
  return reply.body;
};

/** The simulator's own per-second samples that started at or after `fromMs`. */
const secondsFrom = (sim: RdsSim, fromMs: number) =>
  sim.counters().perSecond.filter((second) => second.epochSecond * 1000 >= fromMs);

beforeAll(async () => {
  stack = await startFleetStack({
    name: 'budget-alarm-it',
    nodes: NODES,
    workers: 1,
    poolSize: 4,
    sessionMode: 'answer',
  });
  ({ primaryId, replicaId } = await stack.registerDatabases(REGISTERED_BUDGET));
  await eventually(async () => {
    const { body } = await stack.api<NodeList>('GET', '/api/v1/nodes?limit=100');
    return (
      body.items.length === NODES &&
      body.items.every((n) => n.rwDatabase?.id === primaryId && n.roDatabase?.id === replicaId && !n.isStale)
    );
  }, 'every node matched to the primary (rw) and the replica (ro)');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the replica’s budget lowered mid-rollout', () => {
  it('throttles the next burst: the critical alarm opens, the rollout pauses on it, and nothing is throttled while paused', async () => {
    const created = await stack.api<RolloutView>('POST', '/api/v1/rollouts', {
      scope: { databaseId: primaryId },
      reason: 'end-to-end: the budget drops mid-rollout',
      bakeSeconds: 0,
      burstWindowSeconds: 8,
      // A throttled probe login may fail a switch: the alarm, not the failure limit, must pause it.
      failureLimit: NODES,
    });
    expect(created.statusCode, created.text).toBe(201);
    const id = created.body.id;
    await eventually(
      async () => (await rollout(id)).nodes.some((n) => n.phase === 'ro_iam' && n.state === 'switched'),
      'the canary on ro_iam (its burst within the full budget)',
      120_000,
    );
    expect(stack.replica.counters().totals.IamDbAuthConnectionFailureThrottling).toBe(0);

    stack.replica.setAuthRatePerSecond(LOWERED_BUDGET);

    let paused: RolloutView | undefined;
    await eventually(
      async () => {
        const view = await rollout(id);
        if (view.status === 'completed') throw new Error('completed: the lowered budget throttled nothing');
        if (view.status === 'paused') paused = view;
        return paused !== undefined;
      },
      'the rollout paused',
      120_000,
    );
    if (!paused?.pause) throw new Error('paused without a pause record');
    expect(paused.pause.by).toBe('iamroll');
    expect(paused.pause.reason).toMatch(new RegExp(`alarm db-rate-critical on database ${replicaId}`));
    expect(paused.message).toMatch(/^Paused .*db-rate-critical/);
    // The burst after the drop was throttled at the simulator itself, before the pause.
    const throttledAtPause = stack.replica.counters().totals.IamDbAuthConnectionFailureThrottling;
    expect(throttledAtPause).toBeGreaterThan(0);

    const alarms = await stack.api<AlarmList>('GET', '/api/v1/alarms?state=open');
    expect(alarms.body.items).toContainEqual(
      expect.objectContaining({ kind: 'db-rate-critical', subjectType: 'database', subjectId: replicaId }),
    );

    // Watch the paused rollout for a while: the agents finish what they had begun, nothing new starts.
    const pausedAtMs = Date.parse(paused.pause.at);
    const switchingAtPause = paused.nodes.filter((n) => n.state === 'switching').map((n) => n.id);
    await eventually(() => stack.fleet.members.every((m) => !m.agent.machine.isBusy), 'no agent busy');
    // A switch in flight at the pause may still see a throttled login of its own (its pool retrying,
    // in the pause's own second); from the moment every agent is idle, nothing may be throttled.
    const throttledWhenSettled = stack.replica.counters().totals.IamDbAuthConnectionFailureThrottling;
    const watchUntilMs = Date.now() + 5_000;
    await eventually(() => Date.now() >= watchUntilMs, 'five seconds of a paused rollout', 10_000);

    const after = await rollout(id);
    expect(after.status).toBe('paused');
    // No switch started after the pause: what was switching then, at most, has moved on.
    const startedSince = after.nodes.filter(
      (n) => n.state === 'switching' && !switchingAtPause.includes(n.id) && n.phase === 'ro_iam',
    );
    expect(startedSince).toEqual([]);
    for (const sim of [stack.replica, stack.primary]) {
      // Every whole second after the pause: no throttle, and the steady logins fit the lowered budget.
      const seconds = secondsFrom(sim, Math.floor(pausedAtMs / 1000) * 1000 + 1000);
      expect(seconds.length).toBeGreaterThanOrEqual(5);
      for (const second of seconds) {
        expect(second.IamDbAuthConnectionFailureThrottling, `${sim.endpointHost} at ${second.epochSecond}`).toBe(0);
        expect(second.IamDbAuthConnectionRequests).toBeLessThanOrEqual(LOWERED_BUDGET);
      }
    }
    expect(stack.replica.counters().totals.IamDbAuthConnectionFailureThrottling).toBe(throttledWhenSettled);
  }, 300_000);
});
