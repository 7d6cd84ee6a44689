import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelayMs, openLiveStream, type EventSourceLike, type LiveStatus } from './event-stream';

class FakeSource implements EventSourceLike {
  static all: FakeSource[] = [];
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  isClosed = false;
  readonly listeners = new Map<string, (event: MessageEvent<string>) => void>();
  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.isClosed = true;
  }
  open() {
    this.onopen?.(new Event('open'));
  }
  fail() {
    this.onerror?.(new Event('error'));
  }
  emit(type: string, data: unknown) {
    this.listeners.get(type)?.({ data: JSON.stringify({ type, at: '', data }) } as MessageEvent<string>);
  }
}

function start() {
  const statuses: [LiveStatus, number | null][] = [];
  const events: [string, unknown][] = [];
  const onReconnected = vi.fn();
  const stream = openLiveStream({
    url: '/api/v1/events',
    eventTypes: ['alarm.opened'],
    onEvent: (type, data) => events.push([type, data]),
    onStatus: (status, retryInMs) => statuses.push([status, retryInMs]),
    onReconnected,
    createSource: (url) => new FakeSource(url),
    random: () => 0.5, // no jitter
  });
  return { stream, statuses, events, onReconnected };
}

describe('openLiveStream', () => {
  beforeEach(() => {
    FakeSource.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('delivers the data of named events', () => {
    const { events } = start();
    FakeSource.all[0]!.open();
    FakeSource.all[0]!.emit('alarm.opened', { id: 'a1' });
    expect(events).toEqual([['alarm.opened', { id: 'a1' }]]);
  });

  it('reconnects after a drop with growing delays, then refetches once it is back', () => {
    const { statuses, onReconnected } = start();
    FakeSource.all[0]!.open();
    FakeSource.all[0]!.fail();
    expect(FakeSource.all[0]!.isClosed).toBe(true);
    expect(statuses.at(-1)).toEqual(['reconnecting', 1000]);

    vi.advanceTimersByTime(999);
    expect(FakeSource.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSource.all).toHaveLength(2);
    FakeSource.all[1]!.fail(); // still down
    expect(statuses.at(-1)).toEqual(['reconnecting', 2000]);
    vi.advanceTimersByTime(2000);
    FakeSource.all[2]!.fail();
    expect(statuses.at(-1)).toEqual(['reconnecting', 4000]);
    vi.advanceTimersByTime(4000);
    expect(onReconnected).not.toHaveBeenCalled();

    FakeSource.all[3]!.open();
    expect(statuses.at(-1)).toEqual(['live', null]);
    expect(onReconnected).toHaveBeenCalledTimes(1);

    FakeSource.all[3]!.fail(); // the delay starts over after a success
    expect(statuses.at(-1)).toEqual(['reconnecting', 1000]);
  });

  it('ignores events from a source it has replaced, and stops for good on close', () => {
    const { stream, events } = start();
    const first = FakeSource.all[0]!;
    first.fail();
    vi.advanceTimersByTime(1000);
    first.emit('alarm.opened', { id: 'late' });
    expect(events).toEqual([]);
    stream.close();
    expect(FakeSource.all[1]!.isClosed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeSource.all).toHaveLength(2);
  });

  it('retryNow skips the wait', () => {
    const { stream } = start();
    FakeSource.all[0]!.fail();
    stream.retryNow();
    expect(FakeSource.all).toHaveLength(2);
  });
});

describe('backoffDelayMs', () => {
  it('doubles up to the cap, with ±25 % jitter', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelayMs(attempt, 1000, 30_000, 0.5))).toEqual([
      1000, 2000, 4000, 8000, 30_000,
    ]);
    expect(backoffDelayMs(0, 1000, 30_000, 0)).toBe(750);
    expect(backoffDelayMs(0, 1000, 30_000, 1)).toBe(1250);
  });
});
