import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../test/capture-io';

const ARGS = ['policy', '--region', 'us-east-1', '--account', '123456789012', '--resource-id', 'db-ABCDEFGHIJKL'];

describe('iamroll policy', () => {
  it('prints the policy and the SQL as JSON', async () => {
    const io = captureIo();
    expect(await main([...ARGS, '--user', 'kong_iam', '--user', 'kong_ro_iam', '--format', 'json'], io)).toBe(0);
    const out = JSON.parse(io.out()) as { policy: { Statement: { Resource: string[] }[] }; sql: string };
    expect(out.policy.Statement[0]?.Resource).toEqual([
      'arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKL/kong_iam',
      'arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKL/kong_ro_iam',
    ]);
    expect(out.sql).toContain('GRANT rds_iam TO "kong_ro_iam";');
  });

  it('prints policy then SQL as text', async () => {
    const io = captureIo();
    expect(await main([...ARGS, '--user', 'kong_iam'], io)).toBe(0);
    expect(io.out()).toContain('"Action": "rds-db:connect"');
    expect(io.out()).toContain('CREATE USER "kong_iam";');
  });

  it('exits 2 listing every invalid input', async () => {
    const io = captureIo();
    expect(
      await main(
        ['policy', '--region', 'nowhere', '--account', '12', '--resource-id', 'mydb', '--user', 'kong_iam'],
        io,
      ),
    ).toBe(2);
    expect(io.err()).toContain('--region "nowhere"');
    expect(io.err()).toContain('--account "12"');
    expect(io.err()).toContain('--resource-id "mydb"');
  });

  it('exits 2 without a required option or a user', async () => {
    expect(await main(['policy', '--region', 'us-east-1'], captureIo())).toBe(2);
    expect(await main(ARGS, captureIo())).toBe(2);
  });
});

describe('iamroll policy --controller', () => {
  it("prints the controller's own policy, scoped to the account and region", async () => {
    const io = captureIo();
    expect(
      await main(
        ['policy', '--controller', '--account', '123456789012', '--region', 'us-east-1', '--format', 'json'],
        io,
      ),
    ).toBe(0);
    const policy = JSON.parse(io.out()) as { Statement: { Action: string[]; Resource: string | string[] }[] };
    expect(policy.Statement.flatMap((s) => s.Action).sort()).toEqual([
      'cloudwatch:DescribeAlarms',
      'cloudwatch:GetMetricData',
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:PutMetricData',
      'rds:DescribeDBInstances',
    ]);
    expect(policy.Statement[2]?.Resource).toEqual(['arn:aws:cloudwatch:us-east-1:123456789012:alarm:iamroll-*']);
  });

  it('needs no account or region, and rejects bad ones', async () => {
    expect(await main(['policy', '--controller'], captureIo())).toBe(0);
    const io = captureIo();
    expect(await main(['policy', '--controller', '--account', '12'], io)).toBe(2);
    expect(io.err()).toContain('--account "12"');
  });
});
