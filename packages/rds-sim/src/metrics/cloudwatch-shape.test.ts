import { describe, expect, it } from 'vitest';
import { SimCounters } from './counters';
import { toGetMetricData } from './cloudwatch-shape';

describe('toGetMetricData', () => {
  it('gives one result per CloudWatch metric, newest datapoint first, with ISO timestamps', () => {
    let nowMs = 1_700_000_000_000;
    const counters = new SimCounters('sim-1', () => nowMs);
    counters.count('IamDbAuthConnectionRequests');
    nowMs += 1000;
    counters.count('IamDbAuthConnectionRequests');
    counters.count('IamDbAuthConnectionRequests');
    const { MetricDataResults } = toGetMetricData(counters.snapshot());
    expect(MetricDataResults.map((r) => r.Label)).toContain('DatabaseConnections');
    const requests = MetricDataResults.find((r) => r.Label === 'IamDbAuthConnectionRequests');
    expect(requests).toMatchObject({ Id: 'iamDbAuthConnectionRequests', StatusCode: 'Complete' });
    expect(requests?.Values.slice(0, 2)).toEqual([2, 1]);
    expect(requests?.Timestamps[0]).toBe(new Date(nowMs).toISOString());
  });
});
