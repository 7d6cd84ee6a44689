import { describe, expect, it } from 'vitest';
import { budgetLevel, formatAgo, formatRate } from './format';

describe('format', () => {
  it('formats rates per second', () => {
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(3.14)).toBe('3.1/s');
    expect(formatRate(187.6)).toBe('188/s');
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    expect(formatAgo(null, now)).toBe('never');
    expect(formatAgo('2026-01-01T00:09:58Z', now)).toBe('just now');
    expect(formatAgo('2026-01-01T00:09:30Z', now)).toBe('30 s ago');
    expect(formatAgo('2026-01-01T00:00:00Z', now)).toBe('10 min ago');
  });

  it('places a rate against the warning line and the budget', () => {
    expect(budgetLevel(100, 200, 0.8)).toBe('ok');
    expect(budgetLevel(160, 200, 0.8)).toBe('warning');
    expect(budgetLevel(200, 200, 0.8)).toBe('critical');
  });
});
