import { describe, expect, it } from 'vitest';
import { parseRatesMemoryArgs } from './rates-memory';

describe('rates-memory arguments', () => {
  it('defaults to 10,000 nodes over 70 minutes, a 60 s storm every 600 s', () => {
    expect(parseRatesMemoryArgs([])).toEqual({
      nodes: 10_000,
      seconds: 4_200,
      stormSeconds: 60,
      cycleSeconds: 600,
      json: false,
    });
  });

  it('reads every option', () => {
    expect(
      parseRatesMemoryArgs(['--json', '--nodes', '20', '--seconds', '30', '--storm-s', '5', '--cycle-s', '10']),
    ).toEqual({
      nodes: 20,
      seconds: 30,
      stormSeconds: 5,
      cycleSeconds: 10,
      json: true,
    });
  });

  it.each([
    [['--nodes', '0'], /--nodes must be a positive integer/],
    [['--seconds', 'ten'], /--seconds must be a positive integer/],
    [['--storm-s', '700'], /--storm-s must not exceed --cycle-s/],
    [['--warmup-s', '5'], /unknown option --warmup-s/],
  ])('refuses %j with the usage', (argv, message) => {
    expect(() => parseRatesMemoryArgs(argv)).toThrow(message);
    expect(() => parseRatesMemoryArgs(argv)).toThrow(/usage: npm run bench -- rates-memory/);
  });
});
