import { describe, expect, it } from 'vitest';
import { heartbeatBody } from '../heartbeats/heartbeat-fixtures';
import { isReportOf, isSameReport, reportOf } from './node-report';

describe('isReportOf: a report compared with a heartbeat without building its report', () => {
  const body = heartbeatBody({ seq: 1 });
  const report = reportOf(body, 'db-1', null);

  it('is what comparing with the built report says, field by field', () => {
    const variants = [
      body,
      heartbeatBody({ seq: 2 }), // seq is not a report field
      heartbeatBody({ seq: 1, iam: true }), // stage and rw auth mode
      heartbeatBody({ seq: 1 }, { status: 'degraded' }),
      heartbeatBody({ seq: 1 }, { statusMessage: 'one failure' }),
      heartbeatBody({ seq: 1 }, { intervalMs: 10_000 }),
      heartbeatBody({ seq: 1 }, { kongVersion: '3.10.0.0' }),
    ];
    const answers = variants.flatMap((variant) =>
      [
        ['db-1', null],
        ['db-2', null],
        ['db-1', 'db-3'],
      ].map(([rw, ro]) => {
        const same = isReportOf(report, variant, rw ?? null, ro ?? null);
        expect(same).toBe(isSameReport(report, reportOf(variant, rw ?? null, ro ?? null)));
        return same;
      }),
    );
    expect(answers.filter(Boolean)).toHaveLength(2); // the same body and the next seq, on the same databases
  });
});
