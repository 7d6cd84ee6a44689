import { describe, expect, it } from 'vitest';
import { parseIngestArgs } from './args';

describe('parseIngestArgs', () => {
  it('defaults to the fleet profile, 2,000 nodes, the API’s 10 s keep-alive and one process', () => {
    const args = parseIngestArgs([]);
    expect(args).toMatchObject({
      profile: 'fleet',
      nodes: 2000,
      keepAliveSeconds: 10,
      processes: 1,
      isFindingMax: false,
      cpuQuotaCores: undefined,
      apiCpuQuotaCores: undefined,
      apiNodeOptions: [],
    });
  });

  it('reads the issue’s flags as given', () => {
    const args = parseIngestArgs([
      '--json',
      '--profile',
      'flat',
      '--nodes',
      '10000',
      '--processes',
      '2',
      '--find-max',
      '--keep-alive-s',
      '30',
      '--warmup-s',
      '0',
    ]);
    expect(args).toMatchObject({
      isJson: true,
      profile: 'flat',
      nodes: 10_000,
      processes: 2,
      isFindingMax: true,
      keepAliveSeconds: 30,
      warmupSeconds: 0,
    });
  });

  it('refuses bad values, naming the flag, what it accepts and the usage', () => {
    expect(() => parseIngestArgs(['--profile', 'burst'])).toThrow(
      /--profile must be fleet or flat, got "burst"[\s\S]*usage:/,
    );
    expect(() => parseIngestArgs(['--nodes', '0'])).toThrow(/--nodes must be a positive integer, got "0"/);
    expect(() => parseIngestArgs(['--keep-alive-s', '61'])).toThrow(
      /--keep-alive-s must be a whole number of seconds from 1 to 60/,
    );
    expect(() => parseIngestArgs(['--cpu-quota', '0.01'])).toThrow(/--cpu-quota must be a number of cores from 0.1/);
    expect(() => parseIngestArgs(['--api-cpu-quota', 'half'])).toThrow(
      /--api-cpu-quota must be a number of cores from 0.1/,
    );
    expect(parseIngestArgs(['--api-cpu-quota', '0.3']).apiCpuQuotaCores).toBe(0.3);
    expect(
      parseIngestArgs(['--api-node-option=--single-threaded-gc', '--api-node-option=--max-semi-space-size=64'])
        .apiNodeOptions,
    ).toEqual(['--single-threaded-gc', '--max-semi-space-size=64']);
    expect(() => parseIngestArgs(['--api-node-option=rm -rf'])).toThrow(/--api-node-option takes one node flag/);
    expect(() => parseIngestArgs(['--generator-nice', '20'])).toThrow(
      /--generator-nice must be an integer from 0 to 19/,
    );
    expect(() => parseIngestArgs(['--nodez', '5'])).toThrow(/nodez/);
  });
});
