import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUTH_FAILURE_CAUSES,
  boundSentAt,
  computeCounterDelta,
  type CounterSnapshot,
  type DeltaStatus,
} from './counter-delta';
import { kindCounters, snapshot } from './test-helpers';

describe('computeCounterDelta', () => {
  const cases: Array<{
    name: string;
    previous: CounterSnapshot | undefined;
    current: CounterSnapshot;
    status: DeltaStatus;
    isAccepted: boolean;
    rwAttempts: number;
  }> = [
    {
      name: 'the first snapshot is a zero baseline (its totals span an unknown past)',
      previous: undefined,
      current: snapshot(7, { attempts: 500 }),
      status: 'baseline',
      isAccepted: true,
      rwAttempts: 0,
    },
    {
      name: 'the next seq yields the difference',
      previous: snapshot(1, { attempts: 10 }),
      current: snapshot(2, { attempts: 14 }),
      status: 'advanced',
      isAccepted: true,
      rwAttempts: 4,
    },
    {
      name: 'the same seq is a duplicate with zero delta',
      previous: snapshot(2, { attempts: 10 }),
      current: snapshot(2, { attempts: 10 }),
      status: 'duplicate',
      isAccepted: false,
      rwAttempts: 0,
    },
    {
      name: 'the same seq with other totals is still a duplicate',
      previous: snapshot(2, { attempts: 10 }),
      current: snapshot(2, { attempts: 99 }),
      status: 'duplicate',
      isAccepted: false,
      rwAttempts: 0,
    },
    {
      name: 'an older seq is out of order and ignored',
      previous: snapshot(5, { attempts: 10 }),
      current: snapshot(4, { attempts: 8 }),
      status: 'out-of-order',
      isAccepted: false,
      rwAttempts: 0,
    },
    {
      name: 'a new bootId takes the new totals as counts since the restart',
      previous: snapshot(900, { attempts: 5_000 }),
      current: snapshot(1, { attempts: 30 }, { bootId: 'boot-b', sentAtMs: 901_000 }),
      status: 'restarted',
      isAccepted: true,
      rwAttempts: 30,
    },
    {
      name: 'a new bootId that grew past the old totals is still a restart',
      previous: snapshot(3, { attempts: 5 }),
      current: snapshot(1, { attempts: 40 }, { bootId: 'boot-b', sentAtMs: 9_000 }),
      status: 'restarted',
      isAccepted: true,
      rwAttempts: 40,
    },
    {
      name: 'a late heartbeat from an earlier boot is out of order',
      previous: snapshot(1, { attempts: 30 }, { bootId: 'boot-b', sentAtMs: 901_000 }),
      current: snapshot(899, { attempts: 4_990 }, { sentAtMs: 899_000 }),
      status: 'out-of-order',
      isAccepted: false,
      rwAttempts: 0,
    },
    {
      name: 'a counter lower than before within one boot is a reset',
      previous: snapshot(10, { attempts: 100 }),
      current: snapshot(11, { attempts: 3 }),
      status: 'restarted',
      isAccepted: true,
      rwAttempts: 3,
    },
    {
      name: 'a reset seen in one counter resets the whole snapshot',
      previous: snapshot(10, { attempts: 100, established: 90 }, { ro: { attempts: 2 } }),
      current: snapshot(11, { attempts: 120, established: 1 }, { ro: { attempts: 5 } }),
      status: 'restarted',
      isAccepted: true,
      rwAttempts: 120,
    },
  ];

  it.each(cases)('$name', ({ previous, current, status, isAccepted, rwAttempts }) => {
    const delta = computeCounterDelta(previous, current);
    expect(delta.status).toBe(status);
    expect(delta.isAccepted).toBe(isAccepted);
    expect(delta.rw.attempts).toBe(rwAttempts);
  });

  it('counts the heartbeats missing in a seq gap', () => {
    const delta = computeCounterDelta(snapshot(10, { attempts: 10 }), snapshot(14, { attempts: 50 }));
    expect(delta).toMatchObject({ status: 'advanced', missedHeartbeats: 3, elapsedMs: 4_000 });
    expect(delta.rw.attempts).toBe(40);
  });

  it('reports the agent-clock time between snapshots, or 0 when the clock went back', () => {
    expect(
      computeCounterDelta(snapshot(1, {}, { sentAtMs: 5_000 }), snapshot(2, {}, { sentAtMs: 6_250 })).elapsedMs,
    ).toBe(1_250);
    expect(
      computeCounterDelta(snapshot(1, {}, { sentAtMs: 5_000 }), snapshot(2, {}, { sentAtMs: 4_000 })).elapsedMs,
    ).toBe(0);
  });

  it('diffs every failure cause and both connection kinds', () => {
    const previous = snapshot(
      1,
      { attempts: 10, failures: { invalidToken: 1, throttled: 2 } },
      { ro: { attempts: 4 } },
    );
    const current = snapshot(
      2,
      { attempts: 20, failures: { invalidToken: 3, notAuthorized: 1, throttled: 7, other: 1 } },
      { ro: { attempts: 9 } },
    );
    const delta = computeCounterDelta(previous, current);
    expect(delta.rw.authFailures).toEqual({ invalidToken: 2, notAuthorized: 1, throttled: 5, other: 1 });
    expect(delta.ro.attempts).toBe(5);
  });

  it('reads malformed counters (NaN, negative) as zero', () => {
    const current = { ...snapshot(2), rw: kindCounters({ attempts: Number.NaN, established: -4 }) };
    const delta = computeCounterDelta(snapshot(1), current);
    expect(delta.rw).toMatchObject({ attempts: 0, established: 0 });
  });

  it('never yields a negative delta, whatever two snapshots arrive', () => {
    const counts = fc.nat({ max: 1_000 });
    const kind = fc.record({
      attempts: counts,
      established: counts,
      failures: fc.record({ invalidToken: counts, notAuthorized: counts, throttled: counts, other: counts }),
    });
    const arbitrarySnapshot = fc
      .tuple(fc.constantFrom('a', 'b'), fc.nat({ max: 5 }), fc.nat({ max: 10_000 }), kind, kind)
      .map(([bootId, seq, sentAtMs, rw, ro]) => snapshot(seq, rw, { bootId, sentAtMs, ro }));
    fc.assert(
      fc.property(arbitrarySnapshot, arbitrarySnapshot, (previous, current) => {
        const delta = computeCounterDelta(previous, current);
        for (const counters of [delta.rw, delta.ro]) {
          expect(counters.attempts).toBeGreaterThanOrEqual(0);
          expect(counters.established).toBeGreaterThanOrEqual(0);
          for (const cause of AUTH_FAILURE_CAUSES) expect(counters.authFailures[cause]).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('agent clocks the controller cannot trust (finding: a far-future sentAt froze a node)', () => {
  const RECEIVED_MS = 1_700_000_000_000;
  const FAR_FUTURE_MS = Date.parse('9999-12-31T23:59:59Z');

  it('clamps a sentAt more than a minute ahead of the controller and says so', () => {
    const bounded = boundSentAt(snapshot(1, {}, { sentAtMs: FAR_FUTURE_MS }), RECEIVED_MS);
    expect(bounded).toMatchObject({ sentAtMs: RECEIVED_MS + 60_000, receivedAtMs: RECEIVED_MS, isSentAtClamped: true });
    expect(
      boundSentAt(snapshot(1, {}, { sentAtMs: RECEIVED_MS + 5_000 }), RECEIVED_MS).isSentAtClamped,
    ).toBeUndefined();
  });

  it.each([
    {
      name: 'a new boot after a boot whose clock ran far ahead',
      previous: boundSentAt(snapshot(9, { attempts: 50 }, { sentAtMs: FAR_FUTURE_MS }), RECEIVED_MS),
      current: boundSentAt(
        snapshot(1, { attempts: 40 }, { bootId: 'boot-b', sentAtMs: RECEIVED_MS + 1_000 }),
        RECEIVED_MS + 1_000,
      ),
      status: 'restarted',
    },
    {
      name: 'a different boot the agent dates earlier, arriving 31 s after the last one (cannot be late)',
      previous: boundSentAt(snapshot(9, {}, { sentAtMs: RECEIVED_MS + 50_000 }), RECEIVED_MS),
      current: boundSentAt(snapshot(1, {}, { bootId: 'boot-b', sentAtMs: RECEIVED_MS + 31_000 }), RECEIVED_MS + 31_000),
      status: 'restarted',
    },
    {
      name: 'a different, earlier-dated boot arriving 2 s after the last one: a late heartbeat of an old boot',
      previous: boundSentAt(snapshot(9, {}, { sentAtMs: RECEIVED_MS + 1_000 }), RECEIVED_MS),
      current: boundSentAt(
        snapshot(3, {}, { bootId: 'boot-old', sentAtMs: RECEIVED_MS - 20_000 }),
        RECEIVED_MS + 2_000,
      ),
      status: 'out-of-order',
    },
  ])('takes $name as $status', ({ previous, current, status }) => {
    expect(computeCounterDelta(previous, current).status).toBe(status);
  });
});
