import { readFile } from 'node:fs/promises';
import type { NodeList, RolloutView } from '@iamroll/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startFleetStack, type FleetStack } from './test-stack';

// The rollout proven end to end: the real API (its rollout reconciler deciding), two simulated
// RDS instances (primary + replica) and 10 simulated Kong nodes each run by the real agent code.
// A rollout created through `POST /api/v1/rollouts` moves every node password → ro_iam → rw_iam
// (token logins counted per node at each simulator), then `rollback` returns every node to
// passwords with its kong.conf byte-identical to the one it started with.

const NODES = 10;
let stack: FleetStack;
let primaryId: string;
let replicaId: string;

const rollout = async (id: string): Promise<RolloutView> => {
  const reply = await stack.api<RolloutView>('GET', `/api/v1/rollouts/${id}`);
  if (reply.statusCode !== 200) throw new Error(`GET rollout: ${reply.statusCode} ${reply.text}`);
  return reply.body;
};

beforeAll(async () => {
  stack = await startFleetStack({
    name: 'rollout-api-it',
    nodes: NODES,
    workers: 2,
    poolSize: 2,
    sessionMode: 'answer',
  });
  ({ primaryId, replicaId } = await stack.registerDatabases());
  // Every node has reported its connections against the registered databases.
  await eventually(async () => {
    const { body } = await stack.api<NodeList>('GET', '/api/v1/nodes?limit=100');
    return (
      body.items.length === NODES &&
      body.items.every(
        (node) => node.rwDatabase?.id === primaryId && node.roDatabase?.id === replicaId && !node.isStale,
      )
    );
  }, 'every node matched to the primary (rw) and the replica (ro)');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a rollout through the API, applied by the agents, verified at the simulators', () => {
  let id: string;

  it('password → ro_iam → rw_iam: every node ends with both connections on IAM, token logins per node at both instances', async () => {
    for (const member of stack.fleet.members) {
      expect(stack.iamLogins(stack.primary, member.name)).toBe(0);
      expect(stack.iamLogins(stack.replica, member.name)).toBe(0);
    }
    const created = await stack.api<RolloutView>('POST', '/api/v1/rollouts', {
      scope: { databaseId: primaryId },
      reason: 'end-to-end: move the fleet to IAM',
      bakeSeconds: 0,
      // Three restarts at once (still paced by the budget): a busy CI machine finishes in time.
      maxUnavailable: 3,
    });
    expect(created.statusCode, created.text).toBe(201);
    id = created.body.id;
    await eventually(
      async () => {
        const view = await rollout(id);
        if (['paused', 'aborted', 'rolled_back'].includes(view.status))
          throw new Error(`rollout ${view.status}: ${view.message}`);
        return view.status === 'completed';
      },
      'the rollout completed',
      300_000,
    );
    const done = await rollout(id);
    expect(done.phase).toBe('rw_iam');
    expect(done.nodes.filter((node) => node.phase === 'rw_iam')).toHaveLength(NODES);
    for (const node of done.nodes.filter((n) => n.phase === 'rw_iam'))
      expect(node).toMatchObject({ state: 'switched', toStage: 'rw_iam', reason: null });

    await eventually(() => stack.allOn('rw_iam'), 'every node on rw_iam, in its file and in the API');
    for (const member of stack.fleet.members) {
      const conf = await readFile(member.confPath, 'utf8');
      expect(conf).toContain('pg_iam_auth = on');
      expect(conf).toContain('pg_ro_iam_auth = on');
      expect(stack.iamLogins(stack.primary, member.name), `${member.name} at the primary`).toBeGreaterThan(0);
      expect(stack.iamLogins(stack.replica, member.name), `${member.name} at the replica`).toBeGreaterThan(0);
      expect(member.agent.machine.report()).toMatchObject({ failedSwitches: 0 });
    }
    expect(stack.primary.counters().totals.IamDbAuthConnectionFailure).toBe(0);
    expect(stack.replica.counters().totals.IamDbAuthConnectionFailure).toBe(0);
  }, 360_000);

  it('rollback: every node back on passwords with its kong.conf byte-identical to the original', async () => {
    const reply = await stack.api('POST', `/api/v1/rollouts/${id}/rollback`, { reason: 'end-to-end: roll back' });
    expect(reply.statusCode, reply.text).toBe(200);
    await eventually(async () => (await rollout(id)).status === 'rolled_back', 'the rollout rolled back', 300_000);
    await eventually(() => stack.allOn('password'), 'every node on password', 300_000);
    for (const member of stack.fleet.members) {
      expect(await readFile(member.confPath, 'utf8')).toBe(stack.originals.get(member.name));
      expect(member.agent.machine.report()).toMatchObject({ failedSwitches: 0 });
    }
  }, 660_000);

  it('a node whose restart fails: the agent restores its backup byte-identical, the rollout counts the failure and pauses past failureLimit 0', async () => {
    const member = stack.fleet.members[0];
    if (!member) throw new Error('no node');
    const failedBefore = member.agent.machine.report().failedSwitches;
    member.node.failRestarts = 1;
    const created = await stack.api<RolloutView>('POST', '/api/v1/rollouts', {
      scope: { databaseId: primaryId },
      reason: 'end-to-end: a restart fails',
      bakeSeconds: 0,
      failureLimit: 0,
    });
    expect(created.statusCode, created.text).toBe(201);
    const second = created.body.id;
    await eventually(
      async () => {
        const view = await rollout(second);
        if (view.status === 'completed') throw new Error('completed despite the failed restart');
        return view.status === 'paused' && view.nodes.some((n) => n.hostname === member.name && n.state === 'failed');
      },
      'the rollout paused with the node failed',
      120_000,
    );
    await eventually(
      () => member.agent.machine.report().failedSwitches === failedBefore + 1 && !member.agent.machine.isBusy,
      'the agent reported the failed switch',
    );
    expect(await readFile(member.confPath, 'utf8')).toBe(stack.originals.get(member.name));
    expect(await member.agent.machine.currentStage()).toBe('password');
    const paused = await rollout(second);
    expect(paused.nodes.find((n) => n.hostname === member.name)?.reason).toMatch(/restart failed/);
  }, 180_000);
});
