import { describe, expect, it } from 'vitest';
import {
  expectedBurst,
  headroomPerSecond,
  nodesSwitchableNow,
  projectedPeakPerSecond,
  secondsToEstablish,
  utilisation,
} from './budget';

describe('budget arithmetic', () => {
  it.each([
    { rate: 172, budget: 200, expected: 0.86 },
    { rate: 0, budget: 0, expected: 0 },
    { rate: 5, budget: 0, expected: Number.POSITIVE_INFINITY },
  ])('utilisation of $rate/s against $budget/s is $expected', ({ rate, budget, expected }) => {
    expect(utilisation(rate, budget)).toBe(expected);
  });

  it.each([
    {
      name: 'target share minus current and in-flight',
      input: { budgetPerSecond: 200, currentRatePerSecond: 60, burstsInFlightPerSecond: 40 },
      expected: 60,
    },
    {
      name: 'a custom target',
      input: { budgetPerSecond: 200, targetUtilisation: 0.5, currentRatePerSecond: 10, burstsInFlightPerSecond: 0 },
      expected: 90,
    },
    {
      name: 'negative when already over',
      input: { budgetPerSecond: 200, currentRatePerSecond: 190, burstsInFlightPerSecond: 0 },
      expected: -30,
    },
  ])('headroom: $name', ({ input, expected }) => {
    expect(headroomPerSecond(input)).toBe(expected);
  });

  it.each([
    {
      name: 'workers × pool size without observations',
      input: { workerCount: 4, poolSize: 16 },
      expected: { connectionsPerSecond: 64, source: 'pool-size' },
    },
    {
      name: 'the observed peak with margin when below the bound',
      input: { workerCount: 4, poolSize: 256, observedPeakEstablishedPerSecond: 20 },
      expected: { connectionsPerSecond: 30, source: 'observed' },
    },
    {
      name: 'the bound when the padded peak reaches it',
      input: { workerCount: 4, poolSize: 16, observedPeakEstablishedPerSecond: 50 },
      expected: { connectionsPerSecond: 64, source: 'pool-size' },
    },
    {
      name: 'the observed peak when it beats the configured bound',
      input: { workerCount: 2, poolSize: 10, observedPeakEstablishedPerSecond: 35 },
      expected: { connectionsPerSecond: 35, source: 'observed' },
    },
  ])('expected burst: $name', ({ input, expected }) => {
    expect(expectedBurst(input)).toEqual(expected);
  });

  it('projects the peak of switching k nodes at once on top of today', () => {
    expect(
      projectedPeakPerSecond({
        currentRatePerSecond: 50,
        burstsInFlightPerSecond: 20,
        switchingBurstsPerSecond: [30, 30, 40],
      }),
    ).toBe(170);
  });

  it.each([
    {
      name: 'as many nodes as fit, in order',
      headroom: 100,
      bursts: [30, 30, 30, 30],
      limits: {},
      expected: { count: 3, isNextOversized: false },
    },
    {
      name: 'stops at the first that does not fit',
      headroom: 100,
      bursts: [30, 80, 10],
      limits: {},
      expected: { count: 1, isNextOversized: false },
    },
    {
      name: 'no more than the wave allows',
      headroom: 1_000,
      bursts: [1, 1, 1],
      limits: { maxNodes: 2 },
      expected: { count: 2, isNextOversized: false },
    },
    {
      name: 'none without headroom',
      headroom: -5,
      bursts: [1],
      limits: {},
      expected: { count: 0, isNextOversized: false },
    },
    {
      name: 'flags a node that can never fit the target budget',
      headroom: 160,
      bursts: [512],
      limits: { targetBudgetPerSecond: 160 },
      expected: { count: 0, isNextOversized: true },
    },
  ])('nodes switchable now: $name', ({ headroom, bursts, limits, expected }) => {
    expect(nodesSwitchableNow(headroom, bursts, limits)).toEqual(expected);
  });

  it.each([
    { connections: 2_000, rate: 200, expected: 10 },
    { connections: 0, rate: 0, expected: 0 },
    { connections: 10, rate: 0, expected: Number.POSITIVE_INFINITY },
  ])('$connections connections at $rate/s take $expected s', ({ connections, rate, expected }) => {
    expect(secondsToEstablish(connections, rate)).toBe(expected);
  });
});
