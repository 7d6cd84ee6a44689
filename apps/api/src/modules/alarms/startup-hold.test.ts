import type { DesiredAlarm } from '@iamroll/core/rates';
import { describe, expect, it } from 'vitest';
import { holdDuringStartup } from './startup-hold';

const STARTED_MS = 1_000_000;
const stale = (nodeId: string): DesiredAlarm => ({
  key: `node-stale:${nodeId}`,
  kind: 'node-stale',
  severity: 'warning',
  subject: { type: 'node', id: nodeId },
  message: 'm',
  value: 9,
  threshold: 3,
});
const critical: DesiredAlarm = {
  key: 'db-rate-critical:db',
  kind: 'db-rate-critical',
  severity: 'critical',
  subject: { type: 'database', id: 'db' },
  message: 'm',
  value: 300,
  threshold: 200,
};
const diff = {
  toOpen: [stale('unheard'), stale('heard'), critical],
  toResolve: ['db-rate-warning:db', 'node-auth-failures:n', 'node-stale:unheard', 'node-stale:heard'],
};
const at = (sinceStartMs: number) =>
  holdDuringStartup(diff, {
    nowMs: STARTED_MS + sinceStartMs,
    startedAtMs: STARTED_MS,
    unheardNodes: new Map([['unheard', 1_000]]),
  });

describe('holdDuringStartup', () => {
  it.each([
    // since start, what may open, what may resolve
    [1_000, ['node-stale:heard', 'db-rate-critical:db'], ['node-stale:heard']],
    [
      3_500,
      ['node-stale:unheard', 'node-stale:heard', 'db-rate-critical:db'],
      ['node-stale:unheard', 'node-stale:heard'],
    ],
    [
      12_000,
      ['node-stale:unheard', 'node-stale:heard', 'db-rate-critical:db'],
      ['db-rate-warning:db', 'node-stale:unheard', 'node-stale:heard'],
    ],
    [60_000, ['node-stale:unheard', 'node-stale:heard', 'db-rate-critical:db'], diff.toResolve],
  ])('%i ms after the start', (sinceStartMs, opens, resolves) => {
    const held = at(sinceStartMs);
    expect(held.toOpen.map((alarm) => alarm.key)).toEqual(opens);
    expect(held.toResolve).toEqual(resolves);
  });
});
