import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, STACK_PASSWORD, startFleetStack, type FleetStack } from './test-stack';

// Given the real API, two simulated RDS instances (primary + replica) and three simulated
// Kong nodes each run by the real agent code, when the controller's desired stage moves
// password → ro_iam → rw_iam → password, then every node follows, logging in with tokens
// where the stage says so (counted per node at the simulator), and ends with its kong.conf
// byte-identical to the one it started with.

let stack: FleetStack;

beforeAll(async () => {
  stack = await startFleetStack({ name: 'agent-it', nodes: 3, workers: 2, poolSize: 2 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('simulated nodes driven by the agent, through the API and the simulator', () => {
  it('enroll and report their configuration with no secret in it', async () => {
    await eventually(async () => (await stack.stagesInApi()).length === 3, 'three nodes in the API');
    const { rows } = await stack.db.query<{ effective: unknown; workers: number }>(
      'SELECT effective_config AS effective, workers FROM nodes',
    );
    await eventually(async () => {
      const { rows: seen } = await stack.db.query('SELECT 1 FROM nodes WHERE last_seen_at IS NOT NULL');
      return seen.length === 3;
    }, 'heartbeats stored');
    expect(JSON.stringify(rows)).not.toContain(STACK_PASSWORD);
    for (const member of stack.fleet.members) {
      expect(stack.iamLogins(stack.primary, member.name)).toBe(0);
      expect(stack.iamLogins(stack.replica, member.name)).toBe(0);
    }
  });

  it('follow the desired stage to ro_iam: the replica sees token logins from every node, the primary none', async () => {
    await stack.setDesired('ro_iam');
    await eventually(() => stack.allOn('ro_iam'), 'every node on ro_iam');
    for (const member of stack.fleet.members) {
      expect(await readFile(member.confPath, 'utf8')).toContain('pg_ro_iam_auth = on');
      expect(stack.iamLogins(stack.replica, member.name)).toBeGreaterThanOrEqual(2 * 2); // workers × pool size
      expect(stack.iamLogins(stack.primary, member.name)).toBe(0);
      expect(member.agent.machine.report()).toMatchObject({ status: 'idle', completedSwitches: 1 });
    }
  });

  it('then to rw_iam: both instances see token logins from every node', async () => {
    await stack.setDesired('rw_iam');
    await eventually(() => stack.allOn('rw_iam'), 'every node on rw_iam');
    for (const member of stack.fleet.members) {
      expect(stack.iamLogins(stack.primary, member.name)).toBeGreaterThanOrEqual(2 * 2);
      expect(member.node.failedQueries).toBe(0);
    }
    expect(stack.primary.counters().totals.IamDbAuthConnectionFailure).toBe(0);
    expect(stack.replica.counters().totals.IamDbAuthConnectionFailure).toBe(0);
  });

  it('and back to password: every kong.conf byte-identical to the original', async () => {
    await stack.setDesired('password');
    await eventually(() => stack.allOn('password'), 'every node on password');
    for (const member of stack.fleet.members) {
      expect(await readFile(member.confPath, 'utf8')).toBe(stack.originals.get(member.name));
      expect(member.agent.machine.report()).toMatchObject({ completedSwitches: 3, failedSwitches: 0 });
    }
  });

  it.each(['backed-up', 'written'] as const)(
    'an agent killed after %s: the next agent process ends the node on one stage, original intact',
    async (step) => {
      const member = stack.fleet.members[1];
      if (!member) throw new Error('no node');
      await member.restartAgent({
        onStep: (reached) => {
          if (reached === step) throw new Error(`simulated kill after ${step}`);
        },
      });
      await stack.db.query(
        `UPDATE nodes SET desired_stage = 'ro_iam', updated_at = clock_timestamp() WHERE hostname = $1`,
        [member.name],
      );
      await eventually(() => member.agent.machine.isBusy, 'the switch started and died');
      await member.restartAgent(); // a new agent process on the same state directory
      expect(member.agent.machine.report().failedSwitches).toBeGreaterThanOrEqual(1); // undone on recovery
      await eventually(
        async () => (await member.agent.machine.currentStage()) === 'ro_iam' && !member.agent.machine.isBusy,
        'the node retried and reached ro_iam',
      );
      await stack.setDesired('password');
      await eventually(() => stack.allOn('password'), 'every node on password');
      expect(await readFile(member.confPath, 'utf8')).toBe(stack.originals.get(member.name));
    },
  );

  it('a failing restart is undone byte-identical and reported to the controller', async () => {
    const [member] = stack.fleet.members;
    if (!member) throw new Error('no node');
    member.node.failRestarts = 1;
    await stack.db.query(
      `UPDATE nodes SET desired_stage = 'ro_iam', updated_at = clock_timestamp() WHERE hostname = $1`,
      [member.name],
    );
    await eventually(() => member.agent.machine.report().failedSwitches === 1, 'the switch failed');
    expect(await readFile(member.confPath, 'utf8')).toBe(stack.originals.get(member.name));
    await eventually(async () => {
      const { rows } = await stack.db.query<{ message: string | null }>(
        'SELECT status_message AS message FROM nodes WHERE hostname = $1',
        [member.name],
      );
      return rows[0]?.message?.includes('restart failed') === true;
    }, 'the API stores the reason');
    await stack.setDesired('password');
  });
});
