import { Signer } from '@aws-sdk/rds-signer';
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rdsIamMembers, setRdsIamMembership } from './rds-iam';

const credential = { accessKeyId: 'AKIASANDBOXTEST00001', secretAccessKey: 'c2FuZGJveC10ZXN0LXNlY3JldC1rZXktMDAwMQ' };

/** One IAM login through the simulator, as a node's pool makes it: a fresh token over verified TLS. */
async function iamLogin(sim: RdsSim): Promise<string> {
  const token = await new Signer({
    hostname: sim.endpointHost,
    port: sim.endpointPort,
    username: 'kong_iam',
    region: sim.region,
    credentials: credential,
  }).getAuthToken();
  const client = new pg.Client({
    host: sim.host,
    port: sim.port,
    user: 'kong_iam',
    database: sim.database,
    password: token,
    ssl: { ca: sim.caPem, servername: sim.endpointHost },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Membership answers are cached for a second at the simulator: ask until the answer changes. */
async function eventually(check: () => Promise<boolean>, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the sandbox control "lose rds_iam"', () => {
  let sim: RdsSim;
  beforeAll(async () => {
    sim = await startRdsSim({ credentials: [credential], iamUsers: ['kong_iam'], sessionMode: 'answer' });
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
  });

  it('revoked: the IAM user cannot log in with a valid token; granted back: it can again', async () => {
    expect(await iamLogin(sim)).toBe('ok');
    expect(await rdsIamMembers(sim.upstream, ['kong_iam', 'nobody'])).toEqual(
      new Map([
        ['kong_iam', true],
        ['nobody', false],
      ]),
    );

    await setRdsIamMembership(sim.upstream, 'kong_iam', false);
    expect((await rdsIamMembers(sim.upstream, ['kong_iam'])).get('kong_iam')).toBe(false);
    await eventually(async () => (await iamLogin(sim)) !== 'ok');
    expect(await iamLogin(sim)).toMatch(/authentication failed for user "kong_iam"/);

    await setRdsIamMembership(sim.upstream, 'kong_iam', true);
    await eventually(async () => (await iamLogin(sim)) === 'ok');
  }, 60_000);
});
