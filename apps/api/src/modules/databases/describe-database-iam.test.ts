import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDatabaseIam } from './describe-database-iam';
import { createRdsClients } from './rds-clients';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const nowMs = () => NOW;
const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('DescribeDBInstances through the real @aws-sdk/client-rds, against the simulator over loopback HTTP', () => {
  let sim: RdsSim;
  const savedEndpoint = process.env.AWS_ENDPOINT_URL_RDS;
  beforeAll(async () => {
    sim = await startRdsSim({ sessionMode: 'answer', region: 'eu-west-1' });
    // No `endpoint` passed below: the SDK reads AWS_ENDPOINT_URL_RDS itself.
    process.env.AWS_ENDPOINT_URL_RDS = sim.rdsApiUrl;
  }, 60_000);
  afterAll(async () => {
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_RDS;
    else process.env.AWS_ENDPOINT_URL_RDS = savedEndpoint;
    await sim?.close();
  });
  const client = () => createRdsClients({ credentials: KEYS }).forRegion('eu-west-1');

  it('IAM enabled: ok, with the DbiResourceId, endpoint and account', async () => {
    const check = await describeDatabaseIam(client(), { identifier: sim.instanceId, region: 'eu-west-1' }, nowMs);
    expect(check).toMatchObject({
      status: 'ok',
      iamEnabled: true,
      dbiResourceId: sim.dbiResourceId,
      endpointAddress: sim.endpointHost,
      endpointPort: sim.endpointPort,
      accountId: '123456789012',
      fix: '',
    });
    expect(sim.dbiResourceId).toMatch(/^db-[A-Z2-7]{26}$/);
    expect(check.checkedAt.getTime()).toBe(NOW);
  });

  it('IAM disabled at runtime: iam_disabled, with the modify-db-instance fix', async () => {
    sim.setIamDatabaseAuthenticationEnabled(false);
    try {
      const check = await describeDatabaseIam(client(), { identifier: sim.instanceId, region: 'eu-west-1' }, nowMs);
      expect(check.status).toBe('iam_disabled');
      expect(check.iamEnabled).toBe(false);
      expect(check.dbiResourceId).toBe(sim.dbiResourceId);
      expect(check.fix).toBe(
        `aws rds modify-db-instance --db-instance-identifier ${sim.instanceId} --enable-iam-database-authentication --apply-immediately --region eu-west-1`,
      );
    } finally {
      sim.setIamDatabaseAuthenticationEnabled(true);
    }
  });

  it('an unknown instance, or one asked for in another region: not_found (DBInstanceNotFound, 404)', async () => {
    const unknown = await describeDatabaseIam(client(), { identifier: 'no-such-db', region: 'eu-west-1' }, nowMs);
    expect(unknown).toMatchObject({ status: 'not_found', dbiResourceId: null });
    expect(unknown.message).toContain('no-such-db');
    const otherRegion = createRdsClients({ credentials: KEYS }).forRegion('us-east-1');
    const elsewhere = await describeDatabaseIam(
      otherRegion,
      { identifier: sim.instanceId, region: 'us-east-1' },
      nowMs,
    );
    expect(elsewhere.status).toBe('not_found');
    // The SDK's own error type: the simulator's XML error is the shape the SDK parses.
    await expect(
      client().then((c) => c.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'no-such-db' }))),
    ).rejects.toBeInstanceOf(DBInstanceNotFoundFault);
  });
});

describe('DescribeDBInstances failures, as values (aws-sdk-client-mock)', () => {
  // Created here, not at collection: mockClient patches every RDSClient, the simulator tests' too.
  let rds: ReturnType<typeof mockClient>;
  beforeAll(() => {
    rds = mockClient(RDSClient);
  });
  afterAll(() => rds.restore());
  const target = { identifier: 'kong-main', region: 'us-east-1' };
  const run = () => describeDatabaseIam(new RDSClient({ region: 'us-east-1', credentials: KEYS }), target, nowMs);
  const failWith = (name: string, message: string) => {
    rds.reset();
    rds.on(DescribeDBInstancesCommand).rejects(Object.assign(new Error(message), { name }));
  };

  it.each([
    [
      'AccessDenied',
      'User: arn:aws:sts::1:assumed-role/x is not authorized to perform: rds:DescribeDBInstances',
      'error',
      /access denied/,
      /iamroll policy --controller/,
    ],
    ['ThrottlingException', 'Rate exceeded', 'error', /throttled/, /next check/],
    ['TimeoutError', 'connect ETIMEDOUT 10.0.0.1:443', 'error', /unreachable/, /VPC endpoint/],
    ['Error', 'getaddrinfo ENOTFOUND rds.us-east-1.amazonaws.com', 'error', /unreachable/, /AWS_ENDPOINT_URL_RDS/],
    [
      'CredentialsProviderError',
      'Could not load credentials from any providers',
      'unchecked',
      /No AWS credentials/,
      /IAMROLL_RDS_ASSUME_ROLE_ARN/,
    ],
    [
      'ExpiredToken',
      'The security token included in the request is expired',
      'error',
      /rejected the controller's AWS credentials/,
      /Renew/,
    ],
  ])('%s → %s', async (name, message, status, messagePattern, fixPattern) => {
    failWith(name, message);
    const check = await run();
    expect(check.status).toBe(status);
    expect(check.message).toMatch(messagePattern);
    expect(check.fix).toMatch(fixPattern);
    expect(check.dbiResourceId).toBeNull();
  });

  it('an answer without the instance is not_found; one without the flag counts as disabled', async () => {
    rds.reset();
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    expect((await run()).status).toBe('not_found');
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceIdentifier: 'kong-main', DbiResourceId: 'db-ABC' }] });
    expect(await run()).toMatchObject({ status: 'iam_disabled', dbiResourceId: 'db-ABC', accountId: null });
  });
});
