import type { AlarmList, ServerEvent } from '@iamroll/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../../test/agent';
import { eventually } from '../../test/test-app';
import { useTestApp } from '../../test/use-test-app';
import { beat, heartbeatBody, manualClock, registerDatabase, type BeatOptions } from '../heartbeats/heartbeat-fixtures';

// The clock is driven: every evaluation of a pass sees the same `now` until the test moves it,
// so an alarm opened at the heartbeat's time was opened by an evaluation after that heartbeat
// and before the clock moved on: no averaging window had to fill.
describe('alarm evaluation is prompt', () => {
  // Past the start-up hold (rate alarms are not judged in a process's first 12 s), mid-second.
  const clock = manualClock(1_800_000_000_500);
  const events: ServerEvent[] = [];
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });
  let agentClockMs = 1_800_000_000_000;

  beforeAll(() => {
    t.app.events.subscribe((event) => {
      if (event.type === 'alarm.opened') events.push(event);
    });
    clock.advance(20_000);
  });

  const nudges = async () =>
    Number(/^iamroll_alarm_nudges (\d+)/m.exec((await t.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]);
  const openAlarm = async (key: string) =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/alarms?state=open', headers: (await t.admin()).headers }))
      .json<AlarmList>()
      .items.find((alarm) => alarm.key === key);

  /** A heartbeat at the clock's time; `sinceMs`: its counters moved within that many ms before it (countersSince). */
  const send = async (
    node: { nodeId: string; credential: string },
    options: BeatOptions & { host: string },
    sinceMs?: number,
  ) => {
    agentClockMs = Math.max(agentClockMs + 1, clock.now());
    const body = heartbeatBody(
      { iam: true, ...options, sentAtMs: agentClockMs },
      {
        intervalMs: 10_000,
        ...(sinceMs === undefined ? {} : { countersSince: new Date(agentClockMs - sinceMs).toISOString() }),
      },
    );
    const response = await beat(t.app, node.nodeId, node.credential, body);
    expect(response.statusCode, response.body).toBe(200);
  };

  it('opens the critical alarm on the first evaluation after a heartbeat showing one second over the budget', async () => {
    const host = 'prompt-db.abc.us-east-1.rds.amazonaws.com';
    const databaseId = await registerDatabase(t.app, (await t.admin()).headers, {
      identifier: 'prompt-db',
      host,
      budgetPerSecond: 200,
    });
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-prompt');
    await send(node, { seq: 1, host });
    // A quiet keep-alive interval, then 150 logins in 200 ms: under the budget, no nudge.
    clock.advance(10_000);
    const before = await nudges();
    await send(node, { seq: 2, attempts: 150, host }, 200);
    expect(await nudges()).toBe(before);

    // 10 s later, 250 logins in 200 ms: one second over the budget (the 10 s average is 25/s).
    clock.advance(10_000);
    const heartbeatAt = new Date(clock.now()).toISOString();
    await send(node, { seq: 3, attempts: 400, host }, 200);
    expect(await nudges()).toBe(before + 1);
    const key = `db-rate-critical:${databaseId}`;
    await eventually(async () => (await openAlarm(key)) !== undefined);
    const alarm = (await openAlarm(key))!;
    expect(alarm.openedAt).toBe(heartbeatAt);
    expect(alarm.message).toMatch(/^prompt-db at 250\/s in its busiest second of the last 10 s/);
    await eventually(() => events.some((event) => event.type === 'alarm.opened' && event.data.key === key));
    // The same second again asks for nothing more: one nudge per database per second.
    await send(node, { seq: 4, attempts: 401, host }, 10);
    expect(await nudges()).toBe(before + 1);
  });

  it('asks for an evaluation at once when a heartbeat reports a throttled login', async () => {
    const host = 'throttle-db.abc.us-east-1.rds.amazonaws.com';
    await registerDatabase(t.app, (await t.admin()).headers, { identifier: 'throttle-db', host });
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-throttled');
    await send(node, { seq: 1, host });
    clock.advance(1_500);
    const before = await nudges();
    await send(node, { seq: 2, attempts: 3, failures: { throttled: 1 }, host }, 300);
    expect(await nudges()).toBe(before + 1);
  });
});
