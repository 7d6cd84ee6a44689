import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerEventLoopDelay } from './event-loop-delay';

const gauge = async (registry: Registry, name: string) =>
  Number(new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(await registry.metrics())?.[1] ?? NaN);

describe('the event-loop delay gauges', () => {
  it('show a stall of the loop, and a scrape does not reset them', async () => {
    const registry = new Registry();
    const delay = registerEventLoopDelay(registry);
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const until = performance.now() + 120;
      while (performance.now() < until); // block the loop
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await gauge(registry, 'iamroll_event_loop_delay_max_seconds')).toBeGreaterThanOrEqual(0.1);
      expect(await gauge(registry, 'iamroll_event_loop_delay_max_seconds')).toBeGreaterThanOrEqual(0.1);
      expect(await gauge(registry, 'iamroll_event_loop_delay_p99_seconds')).toBeGreaterThan(0);
      // Beside it, the longest GC pause of the window (to tell a GC stall from a long task).
      expect(await gauge(registry, 'iamroll_gc_pause_max_seconds')).toBeGreaterThanOrEqual(0);
    } finally {
      delay.stop();
    }
  });
});
