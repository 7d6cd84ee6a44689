import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startFleetStack, type FleetStack } from './test-stack';

// The same stack with the simulator in answer mode (what the sandbox and benchmarks use for
// fleets that relaying cannot hold): the nodes' sessions never reach PostgreSQL, yet the
// rollout still works end to end and the simulator still judges every login.

let stack: FleetStack;

beforeAll(async () => {
  stack = await startFleetStack({ name: 'answer-it', nodes: 4, workers: 3, poolSize: 3, sessionMode: 'answer' });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('simulated nodes in answer mode', () => {
  it('go password → rw_iam with token logins at both instances, then back byte-identical', async () => {
    await eventually(async () => (await stack.stagesInApi()).length === 4, 'four nodes in the API');
    await stack.setDesired('rw_iam');
    await eventually(() => stack.allOn('rw_iam'), 'every node on rw_iam');
    for (const member of stack.fleet.members) {
      expect(stack.iamLogins(stack.primary, member.name)).toBeGreaterThanOrEqual(3 * 3);
      expect(stack.iamLogins(stack.replica, member.name)).toBeGreaterThanOrEqual(3 * 3);
    }
    await stack.setDesired('password');
    await eventually(() => stack.allOn('password'), 'every node on password');
    for (const member of stack.fleet.members) {
      expect(await readFile(member.confPath, 'utf8')).toBe(stack.originals.get(member.name));
      expect(member.node.failedQueries).toBe(0);
    }
    expect(stack.primary.counters().totals.IamDbAuthConnectionFailure).toBe(0);
  });
});
