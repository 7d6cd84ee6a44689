import { describe, expect, it } from 'vitest';
import { SimCounters } from './counters';

function countersAt(startMs: number): { counters: SimCounters; setNow: (ms: number) => void } {
  let nowMs = startMs;
  return { counters: new SimCounters('sim-1', () => nowMs), setNow: (ms) => (nowMs = ms) };
}

describe('SimCounters', () => {
  it('keeps totals under the CloudWatch names, failures counted twice (total and kind)', () => {
    const { counters } = countersAt(1_000_000);
    counters.count('IamDbAuthConnectionRequests');
    counters.count('IamDbAuthConnectionRequests');
    counters.count('IamDbAuthConnectionSuccess');
    counters.fail({
      metric: 'IamDbAuthConnectionFailureThrottling',
      user: 'kong_iam',
      clientAddress: '10.0.0.1',
      reason: 'budget',
    });
    expect(counters.snapshot().totals).toMatchObject({
      IamDbAuthConnectionRequests: 2,
      IamDbAuthConnectionSuccess: 1,
      IamDbAuthConnectionFailure: 1,
      IamDbAuthConnectionFailureThrottling: 1,
      IamDbAuthConnectionFailureInvalidToken: 0,
    });
  });

  it('returns 60 per-second samples ending at the current second', () => {
    const { counters, setNow } = countersAt(100_000);
    counters.count('IamDbAuthConnectionRequests');
    setNow(102_500);
    counters.count('IamDbAuthConnectionRequests');
    counters.count('IamDbAuthConnectionRequests');
    const { perSecond } = counters.snapshot();
    expect(perSecond).toHaveLength(60);
    expect(perSecond.at(-1)).toMatchObject({ epochSecond: 102, IamDbAuthConnectionRequests: 2 });
    expect(perSecond.at(-3)).toMatchObject({ epochSecond: 100, IamDbAuthConnectionRequests: 1 });
    expect(perSecond.at(-2)).toMatchObject({ epochSecond: 101, IamDbAuthConnectionRequests: 0 });
  });

  it('forgets seconds older than the window but keeps the totals', () => {
    const { counters, setNow } = countersAt(100_000);
    counters.count('IamDbAuthConnectionSuccess');
    setNow(200_000);
    const snapshot = counters.snapshot();
    expect(snapshot.perSecond.reduce((sum, s) => sum + s.IamDbAuthConnectionSuccess, 0)).toBe(0);
    expect(snapshot.totals.IamDbAuthConnectionSuccess).toBe(1);
  });

  it('tracks DatabaseConnections as a level: the peak within a second, carried through quiet seconds', () => {
    const { counters, setNow } = countersAt(100_000);
    counters.connectionOpened('10.0.0.1');
    counters.connectionOpened('10.0.0.2');
    counters.connectionClosed();
    setNow(103_000);
    counters.connectionOpened('10.0.0.1');
    const { perSecond, totals } = counters.snapshot();
    expect(totals.DatabaseConnections).toBe(2);
    expect(perSecond.slice(-4).map((s) => s.DatabaseConnections)).toEqual([2, 1, 1, 2]);
    expect(perSecond.at(-5)?.DatabaseConnections).toBe(0);
  });

  it('counts new connections by client address', () => {
    const { counters } = countersAt(0);
    counters.connectionOpened('10.0.0.1');
    counters.connectionOpened('10.0.0.1');
    counters.connectionOpened('10.0.0.2');
    expect(counters.snapshot().newConnectionsByClientAddress).toEqual({ '10.0.0.1': 2, '10.0.0.2': 1 });
  });

  it('keeps the precise reason of recent failures', () => {
    const { counters } = countersAt(5_000);
    counters.fail({
      metric: 'IamDbAuthConnectionFailureInvalidToken',
      user: 'kong_iam',
      clientAddress: '10.0.0.1',
      reason: 'expired at …',
    });
    expect(counters.snapshot().recentFailures).toEqual([
      {
        atMs: 5_000,
        metric: 'IamDbAuthConnectionFailureInvalidToken',
        user: 'kong_iam',
        clientAddress: '10.0.0.1',
        reason: 'expired at …',
      },
    ]);
  });
});
