import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { timedPost, type PreparedRequest } from './http';
import { LatencyRecorder } from './latency';

export interface ClosedLoopResult {
  readonly requestsPerSecond: number;
  readonly ok: number;
  readonly failed: number;
  readonly latency: LatencyRecorder;
}

/**
 * Max throughput: `concurrency` callers each send the next request as soon as
 * the previous one is answered, for warm-up + duration; only requests that
 * started after the warm-up count.
 */
export async function runClosedLoop(
  pool: Pool,
  nextRequest: () => PreparedRequest,
  options: { readonly concurrency: number; readonly warmupMs: number; readonly durationMs: number },
): Promise<ClosedLoopResult> {
  const latency = new LatencyRecorder();
  let ok = 0;
  let failed = 0;
  const startMs = performance.now();
  const windowStartMs = startMs + options.warmupMs;
  const endMs = windowStartMs + options.durationMs;
  const caller = async () => {
    for (let sentMs = performance.now(); sentMs < endMs; sentMs = performance.now()) {
      const { statusCode, latencyMs } = await timedPost(pool, nextRequest());
      if (sentMs < windowStartMs) continue;
      if (statusCode >= 200 && statusCode < 300) {
        ok += 1;
        latency.record(latencyMs);
      } else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => caller()));
  return { requestsPerSecond: ok / (options.durationMs / 1000), ok, failed, latency };
}
