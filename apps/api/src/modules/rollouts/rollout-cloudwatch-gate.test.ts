import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDWATCH_OFF, type CloudWatchConfig } from '../../config';
import { startCloudWatchLoopback, type CloudWatchLoopback } from '../../test/cloudwatch-loopback';
import { useRolloutFleet } from '../../test/rollout-fleet';
import { eventually } from '../../test/test-app';

// Given CloudWatch (a loopback server speaking its JSON 1.0 protocol, read by the real SDK
// client) with the managed alarms of the databases, when an alarm of a database the rollout's
// nodes use goes to ALARM, the leader's alarm sync opens a `cloudwatch-alarm` row and the
// reconciler pauses the running rollout naming it; an alarm of an unrelated database does not.

const alarmStates = new Map<string, 'OK' | 'ALARM'>();
let loopback: CloudWatchLoopback;
const savedEnv = { ...process.env };

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLOOPBACKTESTKEY0';
  process.env.AWS_SECRET_ACCESS_KEY = 'loopback-secret-not-real';
  loopback = await startCloudWatchLoopback({
    alarms: () =>
      [...alarmStates].map(([AlarmName, StateValue]) => ({ AlarmName, StateValue, StateReason: 'set by the test' })),
  });
}, 30_000);

afterAll(async () => {
  await loopback.close();
  process.env = savedEnv;
});

describe('the CloudWatch gate', () => {
  const fleet = useRolloutFleet({
    nodeCount: 2,
    config: {
      // Read when the app is built (after the loopback started): its URL is the endpoint.
      get cloudWatch(): CloudWatchConfig {
        return { ...CLOUDWATCH_OFF, isManagingAlarms: true, periodSeconds: 1, endpointUrl: loopback.url };
      },
    },
  });
  const { t, get, control, until } = fleet;

  it('pauses a running rollout when a CloudWatch alarm of a database in scope is in ALARM; resume continues', async () => {
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/databases',
      headers: fleet.admin.headers,
      payload: {
        identifier: 'billing-db',
        host: 'billing-db.abc.us-east-1.rds.amazonaws.com',
        port: 5432,
        region: 'us-east-1',
      },
    });
    expect(other.statusCode, other.body).toBe(201);
    // Not this rollout's database: no node in scope connects to it.
    alarmStates.set('iamroll-billing-db-iam-rate-critical', 'ALARM');
    await eventually(
      async () => (await t.app.cloudWatchAlarmGates.observe()).some((gate) => gate.alarmName.includes('billing-db')),
      30_000,
    );

    const created = await fleet.create({ reason: 'mind CloudWatch', bakeSeconds: 3600 });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json<{ id: string }>();
    await eventually(async () => (await get(id)).step?.kind === 'bake', 30_000, 100);
    expect((await get(id)).status).toBe('running');

    // The replica: the canary's read-only connection reconnects to it with tokens.
    alarmStates.set('iamroll-kong-db-ro-iam-rate-warning', 'ALARM');
    const paused = await until(id, ['paused'], 30_000);
    expect(paused.pause?.by).toBe('iamroll');
    expect(paused.pause?.reason).toContain('iamroll-kong-db-ro-iam-rate-warning');
    expect(paused.pause?.reason).not.toContain('billing-db');
    const audit = await t.app.prisma.auditEvent.findMany({ where: { subjectId: id, action: 'rollout.pause' } });
    expect(audit).toHaveLength(1);

    // A human resumes while the alarm is still in ALARM: it is resumed past, not paused again.
    const resumed = await control(id, 'resume', 'CloudWatch alarm is the known batch job');
    expect(resumed.statusCode, resumed.body).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await get(id)).status).toBe('running');
    expect((await control(id, 'abort', 'end of test')).statusCode).toBe(200);
  }, 90_000);
});
