import type { PreflightResult, PreflightStage } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { PreflightWorker } from './preflight-worker';

function result(stage: PreflightStage): PreflightResult {
  return { stage, checkedAt: new Date(0).toISOString(), isPassed: true, checks: [] };
}

/** A run that finishes when the test says so. */
function gatedRun() {
  const started: PreflightStage[] = [];
  const releases: Array<() => void> = [];
  const run = (stage: PreflightStage) =>
    new Promise<PreflightResult>((resolve) => {
      started.push(stage);
      releases.push(() => resolve(result(stage)));
    });
  const releaseAll = async () => {
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { run, started, releaseAll };
}

describe('PreflightWorker', () => {
  it('runs each stage once per request id, one run at a time, and keeps only the latest waiting request', async () => {
    const gated = gatedRun();
    let ready = 0;
    const worker = new PreflightWorker(
      gated.run,
      () => (ready += 1),
      () => undefined,
    );
    worker.request({ requestId: 'a', stages: ['ro_iam', 'rw_iam'] });
    worker.request({ requestId: 'a', stages: ['ro_iam', 'rw_iam'] });
    worker.request({ requestId: 'b', stages: ['ro_iam'] });
    worker.request({ requestId: 'c', stages: ['rw_iam'] });
    expect(gated.started).toEqual(['ro_iam']);
    await gated.releaseAll();
    await worker.idle();
    await gated.releaseAll();
    await worker.idle();
    expect(gated.started).toEqual(['ro_iam', 'rw_iam', 'rw_iam']);
    expect(ready).toBe(2);
    expect(worker.report?.requestId).toBe('c');
    worker.request({ requestId: 'a', stages: ['ro_iam'] });
    expect(gated.started).toHaveLength(3);
  });

  it('hands the report to heartbeats until one carrying it is delivered', async () => {
    const worker = new PreflightWorker(
      (stage) => Promise.resolve(result(stage)),
      () => undefined,
      () => undefined,
    );
    worker.request({ requestId: 'r1', stages: ['ro_iam'] });
    await worker.idle();
    const report = worker.report;
    expect(report?.results.map((r) => r.stage)).toEqual(['ro_iam']);
    expect(worker.report).toBe(report); // a heartbeat that failed to get through sends it again
    worker.delivered(report!);
    expect(worker.report).toBeUndefined();
  });

  it('reports a run that cannot read the node’s files as a failed check', async () => {
    const worker = new PreflightWorker(
      () => Promise.reject(new Error('cannot read the kong.conf /etc/kong/kong.conf (EACCES)')),
      () => undefined,
      () => undefined,
    );
    worker.request({ requestId: 'r2', stages: ['rw_iam'] });
    await worker.idle();
    expect(worker.report?.results[0]).toMatchObject({
      stage: 'rw_iam',
      isPassed: false,
      checks: [{ id: 'lint', status: 'fail', message: expect.stringContaining('EACCES') }],
    });
  });
});
