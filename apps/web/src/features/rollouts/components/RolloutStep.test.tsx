import type { RolloutStepView, RolloutView } from '@iamroll/contracts';
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bakeCountdown, formatRemaining, RolloutStep, waveLine } from './RolloutStep';

const T0 = Date.parse('2026-12-01T11:00:00.000Z');
const bake: RolloutStepView = {
  index: 3,
  phase: 'ro_iam',
  kind: 'bake',
  label: 'bake after wave 1',
  waveIndex: 1,
  waveCount: 3,
  bakeStartedAt: new Date(T0).toISOString(),
  bakeEndsAt: new Date(T0 + 90_000).toISOString(),
};

describe('the running rollout’s step', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 + 25_000 }));
  afterEach(() => vi.useRealTimers());

  it('counts a bake down, rounded up to the second', () => {
    expect(bakeCountdown(bake, T0 + 25_000)).toEqual({ remainingMs: 65_000, done: 25 / 90, totalSeconds: 90 });
    expect(bakeCountdown(bake, T0 + 120_000)?.remainingMs).toBe(0);
    expect(bakeCountdown({ ...bake, kind: 'wave', bakeStartedAt: null, bakeEndsAt: null }, T0)).toBeNull();
    expect([formatRemaining(65_000), formatRemaining(12_001), formatRemaining(0)]).toEqual(['1:05', '13 s', '0 s']);
  });

  it('says which wave of how many', () => {
    expect(waveLine(bake)).toBe('wave 1 of 3');
    expect(waveLine({ ...bake, kind: 'canary', waveIndex: 0 })).toBe('canary, then 3 waves');
  });

  it('ticks on the page every second while baking, and says a paused bake keeps running', () => {
    render(<RolloutStep rollout={{ status: 'paused', step: bake } as RolloutView} />);
    expect(screen.getByTestId('bake-remaining').textContent).toBe('1:05');
    expect(screen.getByTestId('rollout-wave').textContent).toContain('wave 1 of 3');
    act(() => {
      vi.advanceTimersByTime(5_000);
    });
    expect(screen.getByTestId('bake-remaining').textContent).toBe('1:00');
    expect(screen.getByText(/keeps running while the rollout is paused/)).toBeTruthy();
  });
});
