import type { AuditList, SandboxBreakBody, SandboxView } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { useTestApp, useTestPostgres } from '../../test/use-test-app';
import { SandboxNotFound, type SandboxControls } from './sandbox-controls';

/** An in-memory sandbox: what `iamroll start` would pass, without simulators. */
function fakeSandbox() {
  const calls: string[] = [];
  let budget = 200;
  let hasRdsIam = true;
  const view = (): SandboxView => ({
    stateDir: '/tmp/sandbox',
    instances: [
      {
        identifier: 'sandbox-replica',
        role: 'replica',
        endpointHost: 'sandbox-replica.abcdefghijkl.us-east-1.rds.amazonaws.com',
        endpointPort: 5432,
        throttleBudgetPerSecond: budget,
        iamLoginsLastSecond: 2,
        throttledLastSecond: 0,
      },
    ],
    nodes: [{ name: 'kong-001', role: 'traditional', note: null, failingRestarts: 0, isAgentRunning: true }],
    iamUsers: [{ user: 'kong_iam', hasRdsIam, nodeCount: 1 }],
  });
  const controls: SandboxControls = {
    view,
    setThrottleBudget(identifier, perSecond) {
      if (identifier !== 'sandbox-replica') throw new SandboxNotFound(`sandbox instance ${identifier}`);
      budget = perSecond;
    },
    breakNode(name, fault: SandboxBreakBody) {
      if (name !== 'kong-001') throw new SandboxNotFound(`sandbox node ${name}`);
      calls.push(`break ${name} ${fault.fault}`);
      return Promise.resolve();
    },
    repairNode(name) {
      calls.push(`repair ${name}`);
      return Promise.resolve();
    },
    addNodes(count) {
      calls.push(`add ${count}`);
      return Promise.resolve();
    },
    setRdsIam(user, isMember) {
      if (user !== 'kong_iam') return Promise.reject(new SandboxNotFound(`sandbox IAM user ${user}`));
      hasRdsIam = isMember;
      calls.push(`${isMember ? 'grant' : 'revoke'} rds_iam ${user}`);
      return Promise.resolve();
    },
  };
  return { controls, calls };
}

describe('sandbox routes', () => {
  const postgres = useTestPostgres();
  const sandbox = fakeSandbox();
  const withSandbox = useTestApp({}, { sandbox: sandbox.controls }, { postgres });
  const production = useTestApp({}, {}, { postgres });

  it('do not exist when the app is built without a sandbox (iamroll serve)', async () => {
    const response = await production.app.inject({
      method: 'GET',
      url: '/api/v1/sandbox',
      headers: (await production.admin()).headers,
    });
    expect(response.statusCode).toBe(404);
  });

  it('show the sandbox to a viewer, but let only an operator change it', async () => {
    const viewer = await withSandbox.sessionAs('viewer');
    const seen = await withSandbox.app.inject({ method: 'GET', url: '/api/v1/sandbox', headers: viewer.headers });
    expect(seen.statusCode).toBe(200);
    expect(seen.json<SandboxView>().nodes).toHaveLength(1);
    const refused = await withSandbox.app.inject({
      method: 'POST',
      url: '/api/v1/sandbox/nodes',
      headers: viewer.headers,
      payload: { count: 2 },
    });
    expect(refused.statusCode).toBe(403);
    expect(sandbox.calls).toEqual([]);
  });

  it("set an instance's throttling, break, repair and add nodes, each in the audit log", async () => {
    const operator = await withSandbox.sessionAs('operator');
    const post = (url: string, payload: object) =>
      withSandbox.app.inject({ method: 'POST', url, headers: operator.headers, payload });
    const throttled = await post('/api/v1/sandbox/instances/sandbox-replica/throttle-budget', {
      throttleBudgetPerSecond: 5,
    });
    expect(throttled.statusCode, throttled.body).toBe(200);
    expect(throttled.json<SandboxView>().instances[0]?.throttleBudgetPerSecond).toBe(5);
    expect((await post('/api/v1/sandbox/nodes/kong-001/break', { fault: 'restart-fails' })).statusCode).toBe(200);
    expect((await post('/api/v1/sandbox/nodes/kong-001/repair', {})).statusCode).toBe(200);
    expect((await post('/api/v1/sandbox/nodes', { count: 3 })).statusCode).toBe(200);
    const revoked = await post('/api/v1/sandbox/iam-users/kong_iam/rds-iam', { hasRdsIam: false });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json<SandboxView>().iamUsers).toEqual([{ user: 'kong_iam', hasRdsIam: false, nodeCount: 1 }]);
    const granted = await post('/api/v1/sandbox/iam-users/kong_iam/rds-iam', { hasRdsIam: true });
    expect(granted.json<SandboxView>().iamUsers[0]?.hasRdsIam).toBe(true);
    expect(sandbox.calls).toEqual([
      'break kong-001 restart-fails',
      'repair kong-001',
      'add 3',
      'revoke rds_iam kong_iam',
      'grant rds_iam kong_iam',
    ]);

    const audit = await withSandbox.app.inject({
      method: 'GET',
      url: '/api/v1/audit?limit=50',
      headers: (await withSandbox.admin()).headers,
    });
    const actions = audit.json<AuditList>().items.map((item) => item.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'sandbox.throttle-budget',
        'sandbox.break-node',
        'sandbox.repair-node',
        'sandbox.add-nodes',
        'sandbox.revoke-rds-iam',
        'sandbox.grant-rds-iam',
      ]),
    );
  });

  it('answer 404 for an unknown instance or node, and 400 for a bad body', async () => {
    const operator = await withSandbox.sessionAs('operator');
    const post = (url: string, payload: object) =>
      withSandbox.app.inject({ method: 'POST', url, headers: operator.headers, payload });
    expect(
      (await post('/api/v1/sandbox/instances/nope/throttle-budget', { throttleBudgetPerSecond: 1 })).statusCode,
    ).toBe(404);
    expect((await post('/api/v1/sandbox/nodes/kong-999/break', { fault: 'agent-stopped' })).statusCode).toBe(404);
    expect((await post('/api/v1/sandbox/nodes', { count: 0 })).statusCode).toBe(400);
    expect((await post('/api/v1/sandbox/iam-users/nobody/rds-iam', { hasRdsIam: false })).statusCode).toBe(404);
    const noBody = await post('/api/v1/sandbox/iam-users/kong_iam/rds-iam', { hasRdsIam: 'no' });
    expect(noBody.statusCode).toBe(400);
  });
});
