import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** Sampling period of the delay monitor: a stall longer than this is recorded at its length. */
const RESOLUTION_MS = 5;
const SLICE_MS = 1_000;
/** Seconds the exported figures cover (a sliding window of one-second slices). */
export const EVENT_LOOP_WINDOW_SECONDS = 10;

interface Slice {
  readonly p99Ns: number;
  readonly maxNs: number;
  /** The longest garbage-collection pause in the slice (ms), to tell a GC stall from a long task. */
  readonly gcMaxMs: number;
}

/**
 * The API's event-loop delay over the last EVENT_LOOP_WINDOW_SECONDS, for `/metrics`:
 * `iamroll_event_loop_delay_p99_seconds` and `iamroll_event_loop_delay_max_seconds`.
 *
 * prom-client's default `nodejs_eventloop_lag_*` samples every 10 ms and resets its
 * histogram on every scrape, so two scrapers (Prometheus and a bench) each see only part of
 * it. Here a scrape resets nothing: one-second slices rotate on their own timer and a
 * scrape reads the window. The window's p99 is the worst one-second p99 (an upper bound of
 * the window's true p99); its max is exact.
 */
export function registerEventLoopDelay(registry: Registry): { stop(): void } {
  const monitor = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  monitor.enable();
  let gcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const slices: Slice[] = [];
  const inProgress = (): Slice =>
    // An idle loop records nothing in a slice: no delay.
    monitor.count === 0
      ? { p99Ns: 0, maxNs: 0, gcMaxMs }
      : { p99Ns: monitor.percentile(99), maxNs: monitor.max, gcMaxMs };
  const rotate = () => {
    slices.push(inProgress());
    if (slices.length > EVENT_LOOP_WINDOW_SECONDS) slices.shift();
    monitor.reset();
    gcMaxMs = 0;
  };
  const timer = setInterval(rotate, SLICE_MS).unref();
  // The slice in progress counts too, so a stall shows up on the next scrape, not a second later.
  const current = (): Slice[] => [...slices, inProgress()];
  const seconds = (ns: number) => ns / 1e9;
  new Gauge({
    name: 'iamroll_event_loop_delay_p99_seconds',
    help: `Event-loop delay p99 over the last ${EVENT_LOOP_WINDOW_SECONDS} s (the worst one-second p99; sampled every ${RESOLUTION_MS} ms).`,
    registers: [registry],
    collect() {
      this.set(seconds(Math.max(0, ...current().map((slice) => slice.p99Ns))));
    },
  });
  new Gauge({
    name: 'iamroll_event_loop_delay_max_seconds',
    help: `Longest event-loop delay over the last ${EVENT_LOOP_WINDOW_SECONDS} s (sampled every ${RESOLUTION_MS} ms).`,
    registers: [registry],
    collect() {
      this.set(seconds(Math.max(0, ...current().map((slice) => slice.maxNs))));
    },
  });
  new Gauge({
    name: 'iamroll_gc_pause_max_seconds',
    help: `Longest garbage-collection pause over the last ${EVENT_LOOP_WINDOW_SECONDS} s (beside the event-loop delay: a stall that is not GC is a long task).`,
    registers: [registry],
    collect() {
      this.set(Math.max(0, ...current().map((slice) => slice.gcMaxMs)) / 1000);
    },
  });
  return {
    stop() {
      clearInterval(timer);
      monitor.disable();
      gc.disconnect();
    },
  };
}
