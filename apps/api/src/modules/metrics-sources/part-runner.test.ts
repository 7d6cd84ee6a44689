import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudWatchClients } from './cloudwatch-clients';
import { createCloudWatchSource } from './cloudwatch-source';
import type { MetricsSourcesRepository, PartStatusUpdate } from './metrics-sources-repository';
import { createPartRunner } from './part-runner';
import { createSourcePoll } from './poll-source';
import { classifySourceError } from './source-errors';
import { sourceDatabase, TEST_CREDENTIALS } from './test-fixtures';

const cloudWatch = mockClient(CloudWatchClient);
afterEach(() => cloudWatch.reset());

const throttling = () =>
  Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
const accessDenied = () =>
  Object.assign(
    new Error('User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: cloudwatch:GetMetricData'),
    { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
  );
const networkDown = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { name: 'Error', code: 'ECONNREFUSED' });

const silentLog = { warn: () => undefined, info: () => undefined } as unknown as FastifyBaseLogger;

/** A poll part over the mocked client, on a driven clock, with statuses recorded. */
function pollPart(clock: { now: number }) {
  const statuses: PartStatusUpdate[] = [];
  const stored: number[] = [];
  const repository = {
    databases: () => Promise.resolve([sourceDatabase(1)]),
    upsertSamples: (_source: string, _period: number, points: readonly unknown[]) => {
      stored.push(points.length);
      return Promise.resolve();
    },
    deleteBefore: () => Promise.resolve(0),
    writeStatus: (update: PartStatusUpdate) => {
      statuses.push(update);
      return Promise.resolve();
    },
  } as unknown as MetricsSourcesRepository;
  const source = createCloudWatchSource(createCloudWatchClients({ credentials: TEST_CREDENTIALS }));
  const runner = createPartRunner({
    name: 'cloudwatch:poll',
    intervalMs: 60_000,
    repository,
    log: silentLog,
    nowMs: () => clock.now,
    random: () => 0.5, // jitter factor 0.75
    run: createSourcePoll({ source, repository, periodSeconds: 60, nowMs: () => clock.now }),
  });
  return { runner, statuses, stored, signal: new AbortController().signal };
}

describe('CloudWatch failures: backoff, degraded, no hot loop', () => {
  it.each([
    ['throttled', throttling],
    ['denied', accessDenied],
    ['unreachable', networkDown],
  ] as const)('%s: marks the part degraded and waits, doubling, capped', async (kind, error) => {
    const clock = { now: Date.UTC(2026, 11, 1, 10, 0, 30) };
    cloudWatch.on(GetMetricDataCommand).rejects(error());
    const { runner, statuses, signal } = pollPart(clock);

    await runner.tick(signal);
    expect(statuses.at(-1)).toMatchObject({ ok: false, errorKind: kind, consecutiveFailures: 1 });
    expect(runner.backoff.nextAttemptAtMs - clock.now).toBe(45_000); // 60 s × 0.75

    // Ticking every second until then calls nothing.
    for (let i = 0; i < 44; i++) {
      clock.now += 1000;
      await runner.tick(signal);
    }
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(1);

    clock.now += 1000;
    await runner.tick(signal);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(2);
    expect(statuses.at(-1)).toMatchObject({ ok: false, errorKind: kind, consecutiveFailures: 2 });
    expect(runner.backoff.nextAttemptAtMs - clock.now).toBe(90_000);

    for (let n = 3; n <= 12; n++) {
      clock.now = runner.backoff.nextAttemptAtMs;
      await runner.tick(signal);
    }
    // Capped at 15 min (× 0.75 jitter).
    expect(runner.backoff.nextAttemptAtMs - clock.now).toBe(675_000);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(12);
  });

  it('recovers: the next success clears the failure and returns to the period', async () => {
    const clock = { now: Date.UTC(2026, 11, 1, 10, 0, 30) };
    cloudWatch
      .on(GetMetricDataCommand)
      .rejectsOnce(throttling())
      .resolves({ MetricDataResults: [{ Id: 'd0_m0', Timestamps: [new Date(clock.now - 90_000)], Values: [7] }] });
    const { runner, statuses, stored, signal } = pollPart(clock);
    await runner.tick(signal);
    clock.now = runner.backoff.nextAttemptAtMs;
    await runner.tick(signal);
    expect(statuses.at(-1)).toMatchObject({ ok: true });
    expect(stored.at(-1)).toBe(1);
    expect(runner.backoff.consecutiveFailures).toBe(0);
    expect(runner.backoff.nextAttemptAtMs % 60_000).toBe(0);
  });

  it('never lets a failure escape, even when the status cannot be written', async () => {
    const clock = { now: 0 };
    const runner = createPartRunner({
      name: 'cloudwatch:publish',
      intervalMs: 1000,
      repository: { writeStatus: () => Promise.reject(new Error('database down')) },
      log: silentLog,
      nowMs: () => clock.now,
      run: () => Promise.reject(new Error('boom')),
    });
    await expect(runner.tick(new AbortController().signal)).resolves.toBeUndefined();
  });
});

describe('classifySourceError', () => {
  it.each([
    [throttling(), 'throttled'],
    [Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } }), 'throttled'],
    [accessDenied(), 'denied'],
    [Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }), 'denied'],
    [networkDown(), 'unreachable'],
    [Object.assign(new Error('fetch failed'), { cause: { code: 'ENOTFOUND' } }), 'unreachable'],
    [Object.assign(new Error('socket timeout'), { name: 'TimeoutError' }), 'unreachable'],
    [Object.assign(new Error('oops'), { name: 'InternalServiceError', $metadata: { httpStatusCode: 500 } }), 'error'],
  ])('%s → %s', (error, kind) => {
    expect(classifySourceError(error).kind).toBe(kind);
  });

  it('redacts secrets from the message', () => {
    const error = Object.assign(
      new Error('bad key AKIAABCDEFGHIJKLMNOP with aws_secret_access_key=wJalrXUtnFEMI/K7MDENG in request'),
      { name: 'AccessDenied' },
    );
    const { message } = classifySourceError(error);
    expect(message).not.toMatch(/AKIAABCDEFGHIJKLMNOP/);
    expect(message).not.toMatch(/wJalrXUtnFEMI/);
  });
});
