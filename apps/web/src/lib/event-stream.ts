// The SSE connection to /api/v1/events, reconnecting with exponential backoff.
// The server has no replay, so after every reconnect the app refetches what it
// shows (`onReconnected`). Browser-agnostic: tests pass a fake EventSource.

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export interface LiveStreamOptions {
  readonly url: string;
  /** The SSE `event:` names to listen for (EventSource only hands out named events one by one). */
  readonly eventTypes: readonly string[];
  readonly onEvent: (type: string, data: unknown) => void;
  readonly onStatus: (status: LiveStatus, retryInMs: number | null) => void;
  /** Called after a dropped stream is open again: refetch, events were missed. */
  readonly onReconnected: () => void;
  readonly createSource?: (url: string) => EventSourceLike;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** 0–1; default Math.random. Spreads reconnects when the controller restarts under many dashboards. */
  readonly random?: () => number;
}

/** 1 s, 2 s, 4 s … up to maxDelayMs, each ±25 % (jitter). */
export function backoffDelayMs(attempt: number, initialMs: number, maxMs: number, random: number): number {
  const base = Math.min(maxMs, initialMs * 2 ** attempt);
  return Math.round(base * (0.75 + random * 0.5));
}

export interface LiveStream {
  close(): void;
  /** Reconnect now (e.g. the user clicked "retry"). */
  retryNow(): void;
}

export function openLiveStream(options: LiveStreamOptions): LiveStream {
  const createSource = options.createSource ?? ((url: string) => new EventSource(url));
  const initialMs = options.initialDelayMs ?? 1000;
  const maxMs = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  let source: EventSourceLike | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let hasDropped = false;
  let isClosed = false;

  function connect(): void {
    timer = null;
    options.onStatus(hasDropped ? 'reconnecting' : 'connecting', null);
    const current = createSource(options.url);
    source = current;
    current.onopen = () => {
      if (source !== current) return;
      attempt = 0;
      options.onStatus('live', null);
      if (hasDropped) options.onReconnected();
      hasDropped = false;
    };
    current.onerror = () => {
      if (source !== current) return;
      // Take over from EventSource's own retry: it gives up for good on an HTTP error (e.g. 401).
      current.close();
      source = null;
      hasDropped = true;
      scheduleReconnect();
    };
    for (const type of options.eventTypes) {
      current.addEventListener(type, (event: MessageEvent<string>) => {
        if (source !== current) return;
        let data: unknown = null;
        try {
          data = (JSON.parse(String(event.data)) as { data?: unknown }).data ?? null;
        } catch {
          return;
        }
        options.onEvent(type, data);
      });
    }
  }

  function scheduleReconnect(): void {
    if (isClosed) return;
    const delay = backoffDelayMs(attempt, initialMs, maxMs, random());
    attempt += 1;
    options.onStatus('reconnecting', delay);
    timer = setTimeout(connect, delay);
  }

  connect();
  return {
    close() {
      isClosed = true;
      if (timer) clearTimeout(timer);
      source?.close();
      source = null;
    },
    retryNow() {
      if (isClosed || source) return;
      if (timer) clearTimeout(timer);
      connect();
    },
  };
}
