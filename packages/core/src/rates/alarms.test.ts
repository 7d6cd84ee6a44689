import { describe, expect, it } from 'vitest';
import { diffAlarms, evaluateAlarms, type DatabaseAlarmInput, type DesiredAlarm, type NodeAlarmInput } from './alarms';

const NOW_MS = 1_700_000_000_000;
const NO_FAILURES = { invalidToken: 0, notAuthorized: 0, other: 0 };

function database(overrides: Partial<DatabaseAlarmInput> = {}): DatabaseAlarmInput {
  return { databaseId: 'db-1', budgetPerSecond: 200, ratePerSecond: 0, throttledInWindow: 0, ...overrides };
}

function node(overrides: Partial<NodeAlarmInput> = {}): NodeAlarmInput {
  return { nodeId: 'kong-1', lastHeartbeatAtMs: NOW_MS, authFailuresInWindow: NO_FAILURES, ...overrides };
}

function evaluate(input: {
  databases?: DatabaseAlarmInput[];
  nodes?: NodeAlarmInput[];
  open?: string[];
}): DesiredAlarm[] {
  return evaluateAlarms(
    { databases: input.databases ?? [], nodes: input.nodes ?? [], openAlarmKeys: new Set(input.open) },
    NOW_MS,
  );
}

const keys = (alarms: readonly DesiredAlarm[]): string[] => alarms.map((alarm) => alarm.key);

describe('evaluateAlarms: database rate', () => {
  it.each([
    { name: 'quiet below the warning threshold', input: { ratePerSecond: 160 }, open: [], expected: [] },
    {
      name: 'warns above 80% of the budget',
      input: { ratePerSecond: 172 },
      open: [],
      expected: ['db-rate-warning:db-1'],
    },
    {
      name: 'honours a per-database warning share',
      input: { ratePerSecond: 150, warningUtilisation: 0.7 },
      open: [],
      expected: ['db-rate-warning:db-1'],
    },
    {
      name: 'keeps an open warning down to 90% of its threshold',
      input: { ratePerSecond: 150 },
      open: ['db-rate-warning:db-1'],
      expected: ['db-rate-warning:db-1'],
    },
    {
      name: 'resolves a warning below 90% of its threshold',
      input: { ratePerSecond: 143 },
      open: ['db-rate-warning:db-1'],
      expected: [],
    },
    {
      name: 'goes critical above the budget, without the warning',
      input: { ratePerSecond: 201 },
      open: [],
      expected: ['db-rate-critical:db-1'],
    },
    {
      name: 'goes critical on any throttled authentication',
      input: { ratePerSecond: 20, throttledInWindow: 1, lastThrottledAtMs: NOW_MS },
      open: [],
      expected: ['db-rate-critical:db-1'],
    },
    {
      name: 'keeps an open critical down to 90% of the budget',
      input: { ratePerSecond: 185 },
      open: ['db-rate-critical:db-1'],
      expected: ['db-rate-critical:db-1'],
    },
    {
      name: 'falls back from critical to warning below 90% of the budget',
      input: { ratePerSecond: 175 },
      open: ['db-rate-critical:db-1'],
      expected: ['db-rate-warning:db-1'],
    },
    {
      name: 'keeps a throttling critical for 60 s after the last throttle',
      input: { ratePerSecond: 20, lastThrottledAtMs: NOW_MS - 59_000 },
      open: ['db-rate-critical:db-1'],
      expected: ['db-rate-critical:db-1'],
    },
    {
      name: 'resolves a throttling critical 60 s after the last throttle',
      input: { ratePerSecond: 20, lastThrottledAtMs: NOW_MS - 60_000 },
      open: ['db-rate-critical:db-1'],
      expected: [],
    },
    {
      name: 'goes critical on one second over the budget that the 10 s average hides',
      input: { ratePerSecond: 40, busiestSecondCount: 400 },
      open: [],
      expected: ['db-rate-critical:db-1'],
    },
    {
      name: 'stays quiet when the busiest second is exactly at the budget',
      input: { ratePerSecond: 20, busiestSecondCount: 200 },
      open: [],
      expected: [],
    },
    {
      name: 'keeps an open critical while a second of the window is at 90% of the budget',
      input: { ratePerSecond: 30, busiestSecondCount: 180 },
      open: ['db-rate-critical:db-1'],
      expected: ['db-rate-critical:db-1'],
    },
    {
      name: 'resolves a second-triggered critical once no second of the window reaches 90% of the budget',
      input: { ratePerSecond: 30, busiestSecondCount: 179 },
      open: ['db-rate-critical:db-1'],
      expected: [],
    },
    {
      name: 'never rate-alarms a database without a budget',
      input: { ratePerSecond: 50, budgetPerSecond: 0 },
      open: [],
      expected: [],
    },
  ])('$name', ({ input, open, expected }) => {
    expect(keys(evaluate({ databases: [database(input)], open }))).toEqual(expected);
  });

  it('says the rate, the share and the budget', () => {
    const [alarm] = evaluate({ databases: [database({ ratePerSecond: 172 })] });
    expect(alarm).toMatchObject({
      kind: 'db-rate-warning',
      severity: 'warning',
      subject: { type: 'database', id: 'db-1' },
      message: 'db-1 at 172/s, 86% of its 200/s IAM budget (10 s average)',
      value: 172,
      threshold: 160,
    });
  });

  it('names the busiest second when it, not the average, is over the budget', () => {
    const [alarm] = evaluate({
      databases: [database({ name: 'orders-db', ratePerSecond: 40, busiestSecondCount: 400 })],
    });
    expect(alarm).toMatchObject({
      severity: 'critical',
      message:
        'orders-db at 400/s in its busiest second of the last 10 s, 200% of its 200/s IAM budget (10 s average 40/s)',
      value: 400,
      threshold: 200,
    });
  });

  it('names the throttling in a critical message', () => {
    const [alarm] = evaluate({
      databases: [database({ name: 'orders-db', ratePerSecond: 150, throttledInWindow: 3, lastThrottledAtMs: NOW_MS })],
    });
    expect(alarm).toMatchObject({
      severity: 'critical',
      message:
        'orders-db at 150/s, 75% of its 200/s IAM budget (10 s average); 3 IAM authentications throttled in the last 10 s',
    });
  });

  it('says when a held warning will clear', () => {
    const [alarm] = evaluate({ databases: [database({ ratePerSecond: 150 })], open: ['db-rate-warning:db-1'] });
    expect(alarm?.message).toBe('db-1 at 150/s, 75% of its 200/s IAM budget (10 s average) (clears below 144/s)');
  });
});

describe('evaluateAlarms: node authentication failures', () => {
  it.each([
    { name: 'quiet without failures', input: {}, open: [], expected: [] },
    {
      name: 'opens on one failure in the window',
      input: { authFailuresInWindow: { ...NO_FAILURES, notAuthorized: 1 }, lastAuthFailureAtMs: NOW_MS },
      open: [],
      expected: ['node-auth-failures:kong-1'],
    },
    {
      name: 'stays open 60 s after the last failure',
      input: { lastAuthFailureAtMs: NOW_MS - 30_000 },
      open: ['node-auth-failures:kong-1'],
      expected: ['node-auth-failures:kong-1'],
    },
    {
      name: 'resolves 60 s after the last failure',
      input: { lastAuthFailureAtMs: NOW_MS - 60_000 },
      open: ['node-auth-failures:kong-1'],
      expected: [],
    },
    {
      name: 'does not reopen from an old failure alone',
      input: { lastAuthFailureAtMs: NOW_MS - 30_000 },
      open: [],
      expected: [],
    },
  ])('$name', ({ input, open, expected }) => {
    expect(keys(evaluate({ nodes: [node(input)], open }))).toEqual(expected);
  });

  it('counts failures by cause in its message', () => {
    const [alarm] = evaluate({
      nodes: [node({ name: 'kong-3', authFailuresInWindow: { invalidToken: 3, notAuthorized: 1, other: 0 } })],
    });
    expect(alarm).toMatchObject({
      value: 4,
      message: 'kong-3: 4 authentication failures in the last 10 s (3 invalid token, 1 not authorised)',
    });
  });
});

describe('evaluateAlarms: stale nodes', () => {
  it.each([
    { name: 'fresh within three intervals', input: { lastHeartbeatAtMs: NOW_MS - 3_000 }, open: [], expected: [] },
    {
      name: 'stale after three silent intervals',
      input: { lastHeartbeatAtMs: NOW_MS - 3_001 },
      open: [],
      expected: ['node-stale:kong-1'],
    },
    {
      name: "uses the node's own interval",
      input: { lastHeartbeatAtMs: NOW_MS - 10_000, heartbeatIntervalMs: 5_000 },
      open: [],
      expected: [],
    },
    { name: 'never stale before the first heartbeat', input: { lastHeartbeatAtMs: undefined }, open: [], expected: [] },
    {
      name: 'stays open until heartbeats run steadily for three intervals',
      input: { heartbeatStreakStartMs: NOW_MS - 2_000 },
      open: ['node-stale:kong-1'],
      expected: ['node-stale:kong-1'],
    },
    {
      name: 'resolves after three steady intervals',
      input: { heartbeatStreakStartMs: NOW_MS - 3_000 },
      open: ['node-stale:kong-1'],
      expected: [],
    },
  ])('$name', ({ input, open, expected }) => {
    expect(keys(evaluate({ nodes: [node(input)], open }))).toEqual(expected);
  });

  it('says how long the node has been silent', () => {
    const [alarm] = evaluate({ nodes: [node({ name: 'kong-3', lastHeartbeatAtMs: NOW_MS - 4_200 })] });
    expect(alarm).toMatchObject({ value: 4.2, threshold: 3, message: 'kong-3 silent for 4.2 s (heartbeat every 1 s)' });
  });
});

describe('diffAlarms', () => {
  it('opens the new, keeps the open and resolves the rest', () => {
    const desired = evaluate({
      databases: [database({ ratePerSecond: 172 })],
      nodes: [node({ lastHeartbeatAtMs: NOW_MS - 9_000 })],
    });
    const diff = diffAlarms(desired, new Set(['node-stale:kong-1', 'node-auth-failures:kong-1']));
    expect(keys(diff.toOpen)).toEqual(['db-rate-warning:db-1']);
    expect(keys(diff.toKeep)).toEqual(['node-stale:kong-1']);
    expect(diff.toResolve).toEqual(['node-auth-failures:kong-1']);
  });
});
