import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Pool } from 'undici';

/** The window the API's `iamroll_event_loop_delay_*_seconds` gauges cover (apps/api plugins/event-loop-delay.ts). */
export const API_LOOP_WINDOW_MS = 10_000;

export interface LoopDelay {
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The longest GC pause (null when the API exports none): how much of `maxMs` garbage collection explains. */
  readonly gcMaxMs: number | null;
  /** V8 heap in use (MB) at the scrape: what a major GC has to mark. */
  readonly heapUsedMb: number | null;
  /** The process's resident memory (MB) at the scrape: heap, array buffers (the rates' series) and the rest. */
  readonly rssMb: number | null;
  /** The event loop's busy share over the last 5 s (`iamroll_event_loop_utilisation`, what the keep-alive governor reads). */
  readonly utilisation: number | null;
}

/** The largest of the scrapes' values, or null when one of them had none. */
function maxOrNull(values: readonly (number | null)[]): number | null {
  return values.some((value) => value === null) ? null : Math.max(...values.map((value) => value ?? 0));
}

/** `IAMROLL_METRICS_TOKEN` as a bearer when one is set (the API then refuses /metrics without it). */
export const metricsHeaders = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

/** One scrape of an API's /metrics: its event-loop delay over the last 10 s; null when it exports none. */
export async function scrapeLoopDelay(pool: Pool, token: string | undefined): Promise<LoopDelay | null> {
  const response = await pool.request({ method: 'GET', path: '/metrics', headers: metricsHeaders(token) });
  const text = await response.body.text();
  if (response.statusCode !== 200)
    throw new Error(`GET /metrics answered ${response.statusCode}: ${text.slice(0, 200)}`);
  /** A gauge's value times `scale`, or null when the API exports none. */
  const read = (name: string, scale: number) => {
    const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
    return match?.[1] === undefined ? null : Number(match[1]) * scale;
  };
  const MS = 1_000;
  const MB = 1 / 2 ** 20;
  const p99Ms = read('iamroll_event_loop_delay_p99_seconds', MS);
  const maxMs = read('iamroll_event_loop_delay_max_seconds', MS);
  return p99Ms === null || maxMs === null
    ? null
    : {
        p99Ms,
        maxMs,
        gcMaxMs: read('iamroll_gc_pause_max_seconds', MS),
        heapUsedMb: read('nodejs_heap_size_used_bytes', MB),
        rssMb: read('process_resident_memory_bytes', MB),
        utilisation: read('iamroll_event_loop_utilisation', 1),
      };
}

/**
 * Scrapes every API process every 10 s through the measured window (starting
 * `warmupMs` from now), so the scrapes' windows tile it: the worst one-window p99
 * and the longest delay of any process.
 */
export function watchLoopDelay(
  pools: readonly Pool[],
  token: string | undefined,
  warmupMs: number,
  durationMs: number,
): Promise<LoopDelay | null> {
  const scrapes = Math.max(1, Math.round(durationMs / API_LOOP_WINDOW_MS));
  const results: LoopDelay[] = [];
  let hasNone = false;
  return new Promise((resolve, reject) => {
    let done = 0;
    for (let i = 1; i <= scrapes; i += 1) {
      setTimeout(
        () => {
          Promise.all(pools.map((pool) => scrapeLoopDelay(pool, token)))
            .then((delays) => {
              for (const delay of delays) {
                if (delay) results.push(delay);
                else hasNone = true;
              }
              done += 1;
              if (done < scrapes) return;
              if (hasNone || results.length === 0) resolve(null);
              else
                resolve({
                  p99Ms: Math.max(...results.map((r) => r.p99Ms)),
                  maxMs: Math.max(...results.map((r) => r.maxMs)),
                  gcMaxMs: maxOrNull(results.map((r) => r.gcMaxMs)),
                  heapUsedMb: maxOrNull(results.map((r) => r.heapUsedMb)),
                  rssMb: maxOrNull(results.map((r) => r.rssMb)),
                  utilisation: maxOrNull(results.map((r) => r.utilisation)),
                });
            })
            .catch(reject);
        },
        warmupMs + Math.min(durationMs, i * API_LOOP_WINDOW_MS),
      );
    }
  });
}

/**
 * This process's own event-loop delay over the measured window (starting `warmupMs` from now).
 * The bench's main process is nearly idle then (its work is a probe and a few scrapes), so a long
 * delay here is the machine not running it, not work of its own: an API stall as long, in the same
 * run, is most likely the machine's too (a host pause, another tenant), not the API's.
 */
export function watchOwnLoopDelay(warmupMs: number, durationMs: number): Promise<{ p99Ms: number; maxMs: number }> {
  return new Promise((resolve) => {
    const monitor = monitorEventLoopDelay({ resolution: 5 });
    setTimeout(() => {
      monitor.enable();
      setTimeout(() => {
        monitor.disable();
        const isEmpty = monitor.count === 0;
        resolve({ p99Ms: isEmpty ? 0 : monitor.percentile(99) / 1e6, maxMs: isEmpty ? 0 : monitor.max / 1e6 });
      }, durationMs);
    }, warmupMs);
  });
}
