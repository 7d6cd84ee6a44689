import type { FastifyBaseLogger } from 'fastify';
import { Backoff } from './backoff';
import type { MetricsSourcesRepository } from './metrics-sources-repository';
import { classifySourceError } from './source-errors';

export interface PartRunnerOptions {
  /** `<source>:<part>`, the metrics_source_status key. */
  readonly name: string;
  /** The part's interval: the next attempt after a success is the next boundary of it. */
  readonly intervalMs: number;
  /** Cap of the backoff (default 15 min, or the interval when longer). */
  readonly backoffCapMs?: number;
  readonly repository: Pick<MetricsSourcesRepository, 'writeStatus'>;
  readonly log: FastifyBaseLogger;
  readonly nowMs: () => number;
  readonly random?: () => number;
  /** Throws to report a failure (anything it stored before throwing stays stored). */
  readonly run: (signal: AbortSignal) => Promise<void>;
}

const DEFAULT_BACKOFF_CAP_MS = 15 * 60_000;

/**
 * One part of a metrics source on the leader (poll, publish, alarms): `tick` is called
 * often (every second) and does nothing until the part is due, so a failing CloudWatch
 * costs one call per backoff step, never a hot loop. Success → the next interval
 * boundary; failure → exponential backoff (interval × 2^n, capped, jittered), the part
 * `degraded` in metrics_source_status with the kind and the redacted message. Nothing
 * it does throws: local counters and every other loop go on.
 */
export function createPartRunner(options: PartRunnerOptions) {
  const { name, intervalMs, repository, log, nowMs } = options;
  const backoff = new Backoff({
    baseMs: intervalMs,
    capMs: Math.max(options.backoffCapMs ?? DEFAULT_BACKOFF_CAP_MS, intervalMs),
    ...(options.random ? { random: options.random } : {}),
  });
  const nextBoundary = (now: number) => (Math.floor(now / intervalMs) + 1) * intervalMs;

  const writeStatus = async (update: Parameters<MetricsSourcesRepository['writeStatus']>[0]) => {
    try {
      await repository.writeStatus(update);
    } catch (error) {
      log.warn({ err: error, part: name }, 'metrics source status not written');
    }
  };

  return {
    backoff,
    async tick(signal: AbortSignal): Promise<void> {
      const startedMs = nowMs();
      if (!backoff.isDue(startedMs)) return;
      try {
        await options.run(signal);
        const atMs = nowMs();
        const wasFailing = backoff.consecutiveFailures > 0;
        backoff.succeeded(nextBoundary(atMs));
        if (wasFailing) log.info({ part: name }, 'metrics source recovered');
        await writeStatus({ name, ok: true, atMs, nextAttemptAtMs: backoff.nextAttemptAtMs });
      } catch (error) {
        if (signal.aborted) return;
        const atMs = nowMs();
        const classified = classifySourceError(error);
        const delayMs = backoff.failed(atMs);
        log.warn(
          { part: name, errorKind: classified.kind, error: classified.message, retryInMs: delayMs },
          'metrics source failed; backing off',
        );
        await writeStatus({
          name,
          ok: false,
          atMs,
          nextAttemptAtMs: backoff.nextAttemptAtMs,
          consecutiveFailures: backoff.consecutiveFailures,
          errorKind: classified.kind,
          errorMessage: classified.message,
        });
      }
    },
  };
}

export type PartRunner = ReturnType<typeof createPartRunner>;
